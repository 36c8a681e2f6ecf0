package com.datasaas.stats;

import java.util.List;

/** One row of an aggregate: its group values (time bucket first, then dimensions) and its numbers. */
record StatsRow(List<Object> groups, Components components) {}
