package com.datasaas.events;

import java.time.LocalDate;

/**
 * One row of the day rollup (or the same numbers computed live for a day not rolled up yet): the additive numbers of
 * one site-local day and one value of one dimension, as the stats compute them per group and session, plus the day's
 * visitors as an exact count and as a mergeable sketch (stored rows) or the visitor keys themselves (live rows).
 *
 * <p>{@code continuedSessions} and {@code continuedDuration} are the sessions (and their whole-life durations) of this
 * row that were also counted under the same value on the previous day: summing several days counts a session crossing
 * midnight once by subtracting them for every day but the range's first.
 */
public record DayRow(
        LocalDate day,
        String value,
        long visitors,
        long sessions,
        long pageviews,
        long bounces,
        double durationSum,
        double leaveMsSum,
        long leaveCount,
        double scrollSum,
        long scrollCount,
        long continuedSessions,
        double continuedDuration,
        byte[] sketch,
        long[] visitorKeys) {}
