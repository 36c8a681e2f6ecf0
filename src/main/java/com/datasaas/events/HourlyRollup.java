package com.datasaas.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The hourly rollup of the embedded store: events folded per site, UTC hour, session, pathname and goal name, so the
 * timeseries and the pathname breakdown read one row per page of a session and hour instead of every event (heartbeats
 * and bare leaves, ~70% of the rows, fold away). Derived data only: events are the source of truth, and every rollup
 * row of an hour is a group-by over that hour's events ({@link #FOLD}), rebuilt whole, never merged.
 *
 * <p>Keyed by UTC hour, not by the site's day: a site's zone can change, and an hour bucket lies in exactly one local
 * day of any zone whose offsets are whole hours, DST included, so the stats queries sum hours into the site's days at
 * query time. Sessions stay in the key, so visitors and sessions over any set of hours are exact distinct counts and
 * a session's bounce and duration still come from its {@code sessions} row; goals stay matchable at query time (a new
 * goal works on past data) because pathname and goal name are kept.
 *
 * <p>Freshness and faults: {@code rollup_watermark} is the first hour not rolled up yet. Hours before it are closed;
 * an event that arrives for a closed hour marks the hour in {@code rollup_dirty} in the same transaction as its row
 * ({@link #markDirty}), and the stats planner reads dirty hours and hours after the watermark from raw events. {@link
 * #roll} rebuilds the dirty hours and the newly closed hours and raises the watermark in one transaction, so after a
 * crash at any point the rollup either has the new rows and watermark or neither. Writes that bypass {@link
 * #markDirty} (a hand edit of the file while the service is stopped) are caught by {@code rollup_hours}, which
 * records each rolled-up hour's event count: {@link #roll} with {@code verify} compares it with the events and
 * rebuilds the hours that differ.
 */
final class HourlyRollup {
    private HourlyRollup() {}

    /** The UTC hour holding {@code ts}, as a TIMESTAMPTZ, whatever the connection's time zone setting. */
    static String hourOf(String ts) {
        return "to_timestamp((epoch_us(" + ts + ") // 3600000000) * 3600)";
    }

    /** Schema migration 5: the rollup tables; the watermark starts at the epoch, so the first roll covers all data. */
    static final String CREATE = """
            CREATE TABLE hourly_rollup (
                site_id     VARCHAR     NOT NULL,
                hour        TIMESTAMPTZ NOT NULL,
                session_key BIGINT      NOT NULL,
                visitor_key BIGINT      NOT NULL,
                pathname    VARCHAR,
                goal_name   VARCHAR,
                counted     BIGINT      NOT NULL,
                pageviews   BIGINT      NOT NULL,
                goals       BIGINT      NOT NULL,
                leave_ms    BIGINT,
                leave_n     BIGINT      NOT NULL,
                scroll      BIGINT,
                scroll_n    BIGINT      NOT NULL
            );
            CREATE TABLE rollup_hours (
                site_id VARCHAR     NOT NULL,
                hour    TIMESTAMPTZ NOT NULL,
                events  BIGINT      NOT NULL,
                PRIMARY KEY (site_id, hour)
            );
            CREATE TABLE rollup_dirty (site_id VARCHAR NOT NULL, hour TIMESTAMPTZ NOT NULL);
            CREATE TABLE rollup_watermark (hour TIMESTAMPTZ NOT NULL);
            INSERT INTO rollup_watermark VALUES (to_timestamp(0));
            """;

    /**
     * The rollup rows of the events of {@code relation}: the per-session counts the stats queries sum, per page and
     * hour. Rows with nothing the stats count (heartbeats, leaves without duration or scroll) are left out.
     */
    private static String fold(String relation, String where) {
        return "SELECT site_id, " + hourOf("ts") + " AS hour, session_key, any_value(visitor_key), pathname,"
                + " goal_name,"
                + " count(*) FILTER (WHERE event_type IN ('pageview', 'goal')),"
                + " count(*) FILTER (WHERE event_type = 'pageview'),"
                + " count(*) FILTER (WHERE event_type = 'goal'),"
                + " sum(duration_ms) FILTER (WHERE event_type = '_leave'),"
                + " count(duration_ms) FILTER (WHERE event_type = '_leave'),"
                + " sum(scroll_depth) FILTER (WHERE event_type = '_leave'),"
                + " count(scroll_depth) FILTER (WHERE event_type = '_leave')"
                + " FROM " + relation + " WHERE " + where
                + " GROUP BY site_id, hour, session_key, pathname, goal_name"
                + " HAVING count(*) FILTER (WHERE event_type IN ('pageview', 'goal', '_leave')) > 0";
    }

    /** The fold over all events, for tests that compare the stored rollup with its definition. */
    static String foldAll() {
        return fold("events", "true");
    }

    /**
     * Marks the closed hours of a staged batch dirty, in the batch's own transaction: the planner then reads them
     * raw until {@link #roll} has rebuilt them. Batches of the open hour (the usual case) mark nothing.
     */
    static String markDirty(String batchTable) {
        return "INSERT INTO rollup_dirty SELECT DISTINCT site_id, " + hourOf("ts") + " FROM " + batchTable
                + " WHERE ts < (SELECT max(hour) FROM rollup_watermark)";
    }

    /** Marks the closed hours of the given visitors' events dirty before they are deleted. */
    static String markVisitorsDirty(int visitors) {
        String ids = String.join(", ", java.util.Collections.nCopies(visitors, "?"));
        return "INSERT INTO rollup_dirty SELECT DISTINCT site_id, " + hourOf("ts")
                + " FROM events WHERE site_id = ? AND visitor_id IN (" + ids + ")"
                + " AND ts < (SELECT max(hour) FROM rollup_watermark)";
    }

    static void deleteSite(Connection c, String siteId) throws SQLException {
        for (String table : List.of("hourly_rollup", "rollup_hours", "rollup_dirty")) {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM " + table + " WHERE site_id = ?")) {
                st.setString(1, siteId);
                st.executeUpdate();
            }
        }
    }

    /** What the stats planner may read from the rollup for one site. */
    static RollupCoverage coverage(Connection c, String siteId) throws SQLException {
        Instant watermark;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT max(hour) FROM rollup_watermark")) {
            rs.next();
            watermark = rs.getObject(1, OffsetDateTime.class).toInstant();
        }
        List<Instant> dirty = new ArrayList<>();
        try (PreparedStatement st =
                c.prepareStatement("SELECT DISTINCT hour FROM rollup_dirty WHERE site_id = ? ORDER BY hour")) {
            st.setString(1, siteId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next())
                    dirty.add(rs.getObject(1, OffsetDateTime.class).toInstant());
            }
        }
        return new RollupCoverage(watermark, dirty);
    }

    /** Runs one step of a roll; the store passes its step hook so tests can cut a roll short. */
    interface Steps {
        void run(String step, String sql) throws SQLException;
    }

    /**
     * Rebuilds, in the caller's open transaction, the rollup rows of every dirty hour, of every hour closed since the
     * watermark and (with {@code verify}) of every closed hour whose event count differs from the one recorded, then
     * raises the watermark to {@code now}'s hour. Returns how many hours were rebuilt.
     */
    static long roll(Connection c, Steps steps, Instant now, boolean verify) throws SQLException {
        Instant newWatermark = now.truncatedTo(ChronoUnit.HOURS);
        String until = literal(newWatermark);
        steps.run(
                "rollup_todo",
                "CREATE OR REPLACE TEMP TABLE rollup_todo AS"
                        + " SELECT DISTINCT site_id, hour FROM rollup_dirty WHERE hour < " + until
                        + " UNION SELECT DISTINCT site_id, " + hourOf("ts") + " FROM events"
                        + " WHERE ts >= (SELECT max(hour) FROM rollup_watermark) AND ts < " + until);
        if (verify) {
            // Hours whose events changed behind the write path's back, including hours that lost all their events.
            steps.run(
                    "rollup_verify",
                    "INSERT INTO rollup_todo SELECT coalesce(n.site_id, r.site_id),"
                            + " coalesce(n.hour, r.hour) FROM (SELECT site_id, " + hourOf("ts")
                            + " AS hour, count(*) AS events"
                            + " FROM events WHERE ts < (SELECT max(hour) FROM rollup_watermark) GROUP BY ALL) n"
                            + " FULL OUTER JOIN rollup_hours r ON n.site_id = r.site_id AND n.hour = r.hour"
                            + " WHERE n.events IS DISTINCT FROM r.events");
        }
        // Day rows within a day of a rebuilt hour are dropped in this transaction; the next day roll builds them again.
        for (String sql : DayRollup.invalidate()) steps.run("day_rollup_invalidate", sql);
        long hours;
        Instant first;
        Instant last;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(DISTINCT (site_id, hour)), min(hour), max(hour)" + " FROM rollup_todo")) {
            rs.next();
            hours = rs.getLong(1);
            first = hours == 0 ? null : rs.getObject(2, OffsetDateTime.class).toInstant();
            last = hours == 0 ? null : rs.getObject(3, OffsetDateTime.class).toInstant();
        }
        if (hours > 0) {
            // The time bounds let DuckDB skip the row groups outside the hours rebuilt.
            String events = "(SELECT e.* FROM events e SEMI JOIN rollup_todo t ON e.site_id = t.site_id AND "
                    + hourOf("e.ts") + " = t.hour WHERE e.ts >= " + literal(first) + " AND e.ts < "
                    + literal(last.plus(1, ChronoUnit.HOURS)) + ")";
            steps.run(
                    "rollup_delete",
                    "DELETE FROM hourly_rollup r USING rollup_todo t WHERE r.site_id = t.site_id AND r.hour = t.hour");
            // In hour order: DuckDB keeps insertion order, so each row group then holds a few hours and a read of
            // today's hours skips the rest by their zone maps. A first roll folds all past events at once, and
            // without the order its rows came in hash order: every read of today's hours scanned the whole table
            // (60 of the 70 ms of today's live query at 10M events).
            steps.run(
                    "rollup_insert",
                    "INSERT INTO hourly_rollup " + fold(events + " todo_events", "true") + " ORDER BY hour");
            steps.run(
                    "rollup_hours_delete",
                    "DELETE FROM rollup_hours r USING rollup_todo t WHERE r.site_id = t.site_id AND r.hour = t.hour");
            steps.run(
                    "rollup_hours_insert",
                    "INSERT INTO rollup_hours SELECT site_id, " + hourOf("ts") + ", count(*) FROM " + events
                            + " todo_events GROUP BY ALL");
        }
        steps.run("rollup_clean", "DELETE FROM rollup_dirty WHERE hour < " + until);
        steps.run("rollup_watermark", "UPDATE rollup_watermark SET hour = greatest(hour, " + until + ")");
        // Partial days hold the sessions closed at the old watermark; the day roll builds them again for the new one.
        for (String sql : DayRollup.dropOutdatedPartials()) steps.run("day_rollup_partial_drop", sql);
        steps.run("rollup_drop_todo", "DROP TABLE rollup_todo");
        return hours;
    }

    private static String literal(Instant t) {
        return "'" + t + "'::TIMESTAMPTZ"; // Instant prints ISO-8601 in UTC, seconds included
    }
}
