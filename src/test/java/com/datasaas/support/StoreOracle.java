package com.datasaas.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle every fault test ends with, written independently of the code under test: the {@code sessions} table
 * must equal a group-by over the raw events, column for column.
 */
public final class StoreOracle {
    /**
     * The columns compared, by name. A new session-level dimension is added here (and below) by hand, so the oracle
     * stays independent of the descriptor it checks.
     */
    public static final String SESSION_COLUMNS = "site_id, session_key, visitor_key, started_at, ended_at,"
            + " first_counted_at, last_counted_at, pageviews, goals, leave_ms, leave_count, scroll, scroll_count,"
            + " entry_at, entry_page, channel, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content,"
            + " exit_at, exit_page, country, region, city, device_type, browser, os, screen_width, language";

    /** A session row computed from {@code events}, in the order of {@link #SESSION_COLUMNS}. */
    public static final String SESSIONS_FROM_EVENTS = """
            SELECT site_id, session_key, any_value(visitor_key), min(ts), max(ts),
                min(ts) FILTER (WHERE event_type IN ('pageview', 'goal')),
                max(ts) FILTER (WHERE event_type IN ('pageview', 'goal')),
                count(*) FILTER (WHERE event_type = 'pageview'),
                count(*) FILTER (WHERE event_type = 'goal'),
                coalesce(sum(duration_ms) FILTER (WHERE event_type = '_leave'), 0),
                count(duration_ms) FILTER (WHERE event_type = '_leave'),
                coalesce(sum(scroll_depth) FILTER (WHERE event_type = '_leave'), 0),
                count(scroll_depth) FILTER (WHERE event_type = '_leave'),
                min(ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(pathname, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(channel, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(coalesce(referrer_source, referrer_domain), ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_source, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_medium, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_campaign, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_term, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_content, ts) FILTER (WHERE event_type = 'pageview'),
                max(ts) FILTER (WHERE event_type = 'pageview'),
                arg_max_null(pathname, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(country, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(region, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(city, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(device_type, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(browser, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(os, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(screen_width, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(language, ts) FILTER (WHERE event_type = 'pageview')
            FROM events
            GROUP BY site_id, session_key
            """;

    private StoreOracle() {}

    /**
     * Rows of {@code sessions} that the group-by over events does not produce, and the other way round, as text for
     * an assertion message; empty when the table is right.
     */
    public static List<String> sessionsDifferingFromEvents(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String sql : DIFFERENCES) out.addAll(rows(c, sql));
        return out;
    }

    /** The same, through the store's query seam (in-process tests). */
    public static List<String> sessionsDifferingFromEvents(com.datasaas.events.EventStore store) {
        List<String> out = new ArrayList<>();
        for (String sql : DIFFERENCES) {
            out.addAll(store.query(sql, List.of(), (rs, n) -> {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(i == 1 ? "" : ", ").append(rs.getString(i));
                }
                return row.toString();
            }));
        }
        return out;
    }

    private static final List<String> DIFFERENCES = List.of(
            "SELECT 'only in sessions', * FROM (SELECT " + SESSION_COLUMNS + " FROM sessions EXCEPT ALL ("
                    + SESSIONS_FROM_EVENTS + ")) LIMIT 10",
            "SELECT 'missing from sessions', * FROM ((" + SESSIONS_FROM_EVENTS + ") EXCEPT ALL SELECT "
                    + SESSION_COLUMNS + " FROM sessions) LIMIT 10");

    /**
     * An hourly rollup row computed from {@code events}: per site, UTC hour, session, pathname and goal name, the
     * counts a stats query sums, for the hours the rollup claims (before the watermark, not dirty). Written here by
     * hand, independently of {@code HourlyRollup}.
     */
    private static final String ROLLUP_FROM_EVENTS = """
            SELECT site_id, to_timestamp(floor(epoch(ts) / 3600) * 3600) AS hour, session_key,
                min(visitor_key), pathname, goal_name,
                count(*) FILTER (WHERE event_type IN ('pageview', 'goal')),
                count(*) FILTER (WHERE event_type = 'pageview'),
                count(*) FILTER (WHERE event_type = 'goal'),
                sum(duration_ms) FILTER (WHERE event_type = '_leave'),
                count(duration_ms) FILTER (WHERE event_type = '_leave'),
                sum(scroll_depth) FILTER (WHERE event_type = '_leave'),
                count(scroll_depth) FILTER (WHERE event_type = '_leave')
            FROM events
            WHERE ts < (SELECT max(hour) FROM rollup_watermark)
            GROUP BY ALL
            HAVING count(*) FILTER (WHERE event_type IN ('pageview', 'goal', '_leave')) > 0
            """;

    private static final String CLAIMED = "(site_id, hour) NOT IN (SELECT (site_id, hour) FROM rollup_dirty)";

    private static final List<String> ROLLUP_DIFFERENCES = List.of(
            "SELECT 'only in hourly_rollup', * FROM (SELECT site_id, hour, session_key, visitor_key, pathname,"
                    + " goal_name, counted, pageviews, goals, leave_ms, leave_n, scroll, scroll_n FROM hourly_rollup"
                    + " WHERE " + CLAIMED + " EXCEPT ALL SELECT * FROM (" + ROLLUP_FROM_EVENTS + ") WHERE " + CLAIMED
                    + ") LIMIT 10",
            "SELECT 'missing from hourly_rollup', * FROM (SELECT * FROM (" + ROLLUP_FROM_EVENTS + ") WHERE "
                    + CLAIMED + " EXCEPT ALL SELECT site_id, hour, session_key, visitor_key, pathname, goal_name,"
                    + " counted, pageviews, goals, leave_ms, leave_n, scroll, scroll_n FROM hourly_rollup WHERE "
                    + CLAIMED + ") LIMIT 10");

    /**
     * Rows of the hourly rollup that a group-by over the raw events does not give, and the other way round, over the
     * hours the rollup answers for; empty when the rollup is right.
     */
    public static List<String> rollupDifferingFromEvents(com.datasaas.events.EventStore store) {
        List<String> out = new ArrayList<>();
        for (String sql : ROLLUP_DIFFERENCES) {
            out.addAll(store.query(sql, List.of(), (rs, n) -> {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(i == 1 ? "" : ", ").append(rs.getString(i));
                }
                return row.toString();
            }));
        }
        return out;
    }

    /** How many times each value of {@code column} occurs among the events, for exactly-once checks. */
    public static java.util.Map<String, Long> occurrences(Connection c, String column) throws SQLException {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT " + column + ", count(*) FROM events GROUP BY 1");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql);
                ResultSet rs = st.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++)
                    row.append(i == 1 ? "" : ", ").append(rs.getString(i));
                out.add(row.toString());
            }
        }
        return out;
    }
}
