package com.datasaas.stats;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The additive numbers behind every metric for one result row. Ratios are derived here, once, so every engine
 * rounds the same way: rates in percent with one decimal, durations in whole seconds.
 */
record Components(
        long visitors,
        long sessions,
        long pageviews,
        long bounces,
        double durationSum,
        double leaveMsSum,
        long leaveCount,
        double scrollSum,
        long scrollCount,
        long convertedVisitors) {

    static final Components ZERO = new Components(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Reads the components by the column names the query compiler gives them, not by position. */
    static Components read(ResultSet rs) throws SQLException {
        return new Components(
                rs.getLong("visitors"),
                rs.getLong("sessions"),
                rs.getLong("pageviews"),
                rs.getLong("bounces"),
                sum(rs, "duration_sum"),
                sum(rs, "leave_ms_sum"),
                rs.getLong("leave_count"),
                sum(rs, "scroll_sum"),
                rs.getLong("scroll_count"),
                rs.getLong("converted_visitors"));
    }

    /** A SQL sum over no rows is NULL, which the DuckDB driver reads as NaN; here it is 0. */
    private static double sum(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() || Double.isNaN(value) ? 0 : value;
    }

    /** The metric's value; null where it has no data at all (no page was left with a duration or scroll). */
    Number value(Metric metric) {
        return switch (metric) {
            case VISITORS -> visitors;
            case SESSIONS -> sessions;
            case PAGEVIEWS -> pageviews;
            case BOUNCE_RATE -> percent(bounces, sessions);
            case AVG_SESSION_DURATION -> sessions == 0 ? 0L : Math.round(durationSum / sessions);
            case VIEWS_PER_SESSION -> sessions == 0 ? 0.0 : Math.round(100.0 * pageviews / sessions) / 100.0;
            case SCROLL_DEPTH -> scrollCount == 0 ? null : Math.round(10.0 * scrollSum / scrollCount) / 10.0;
            case TIME_ON_PAGE -> leaveCount == 0 ? null : Math.round(leaveMsSum / leaveCount / 1000.0);
            case CONVERSIONS -> convertedVisitors;
            case CONVERSION_RATE -> percent(convertedVisitors, visitors);
        };
    }

    static double percent(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(1000.0 * part / whole) / 10.0;
    }
}
