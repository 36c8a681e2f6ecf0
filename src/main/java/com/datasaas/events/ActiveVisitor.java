package com.datasaas.events;

import java.time.Instant;

public record ActiveVisitor(String siteId, long visitorKey, Instant lastSeen) {}
