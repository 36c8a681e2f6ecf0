package com.datasaas.events;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps the {@code sessions} table in step with {@code events}, inside the same transaction as each batch. The batch's
 * events are folded per session by the same group-by that defines a session over all events ({@link #fold}), then
 * merged into existing rows: earliest/latest times, summed counts, and the entry (exit) values of whichever first
 * (last) pageview is older (newer). Merging is order-free, so late or out-of-order batches give the same rows as one
 * big batch, which is also how a ClickHouse sessions table would be kept. The table spares the stats queries a
 * group-by over every event of every session.
 */
final class SessionRollup {
    private SessionRollup() {}

    /**
     * One row per session of {@code relation} (a table of event rows), in the column order of {@code sessions}. This
     * is the definition of a session row; the merge and the rebuild both use it, and tests compare against it.
     */
    static String fold(String relation) {
        return """
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
                    arg_max_null(pathname, ts) FILTER (WHERE event_type = 'pageview')
                FROM %s
                GROUP BY site_id, session_key
                """.formatted(relation);
    }

    /** Merges the sessions of the event rows in {@code batchTable} into {@code sessions}. */
    static String merge(String batchTable) {
        return "INSERT INTO sessions " + fold(batchTable)
                + " ON CONFLICT (site_id, session_key) DO UPDATE SET"
                + " started_at = least(sessions.started_at, excluded.started_at),"
                + " ended_at = greatest(sessions.ended_at, excluded.ended_at),"
                + " first_counted_at = least(coalesce(sessions.first_counted_at, excluded.first_counted_at),"
                + " coalesce(excluded.first_counted_at, sessions.first_counted_at)),"
                + " last_counted_at = greatest(coalesce(sessions.last_counted_at, excluded.last_counted_at),"
                + " coalesce(excluded.last_counted_at, sessions.last_counted_at)),"
                + " pageviews = sessions.pageviews + excluded.pageviews,"
                + " goals = sessions.goals + excluded.goals,"
                + " leave_ms = sessions.leave_ms + excluded.leave_ms,"
                + " leave_count = sessions.leave_count + excluded.leave_count,"
                + " scroll = sessions.scroll + excluded.scroll,"
                + " scroll_count = sessions.scroll_count + excluded.scroll_count,"
                + entry("entry_at") + "," + entry("entry_page") + "," + entry("channel") + "," + entry("referrer")
                + "," + entry("utm_source") + "," + entry("utm_medium") + "," + entry("utm_campaign") + ","
                + entry("utm_term") + "," + entry("utm_content") + "," + exit("exit_page") + "," + exit("exit_at");
    }

    /** Derives every session again from the events; a repair for tables written before batches were atomic. */
    static final String REBUILD = "DELETE FROM sessions; INSERT INTO sessions " + fold("events");

    // The batch's first pageview wins when it is older than the stored one; SET reads the row as it was.
    private static String entry(String column) {
        return " " + column + " = CASE WHEN excluded.entry_at IS NOT NULL AND (sessions.entry_at IS NULL OR"
                + " excluded.entry_at < sessions.entry_at) THEN excluded." + column + " ELSE sessions." + column
                + " END";
    }

    private static String exit(String column) {
        return " " + column + " = CASE WHEN excluded.exit_at IS NOT NULL AND (sessions.exit_at IS NULL OR"
                + " excluded.exit_at > sessions.exit_at) THEN excluded." + column + " ELSE sessions." + column
                + " END";
    }

    static void deleteSite(Connection connection, String siteId) throws SQLException {
        try (var st = connection.prepareStatement("DELETE FROM sessions WHERE site_id = ?")) {
            st.setString(1, siteId);
            st.executeUpdate();
        }
    }
}
