package com.datasaas.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps the {@code sessions} table in step with {@code events}: spooled events behind the sessions watermark
 * ({@link #mergeTail}), other writes inside their own transaction ({@link #merge}). The events are folded per session
 * by the same group-by that defines a session over all events ({@link #fold}), then merged into existing rows: earliest/latest times, summed counts, and the entry (exit) values of whichever first
 * (last) pageview is older (newer). Merging is order-free, so late or out-of-order batches give the same rows as one
 * big batch, which is also how a ClickHouse sessions table would be kept. The table spares the stats queries a
 * group-by over every event of every session.
 *
 * <p>Columns are named, never positional: the fixed numbers of a session below, then every {@link SessionAttribute}.
 */
final class SessionRollup {
    private SessionRollup() {}

    /** A sessions column and the aggregate over a session's events that defines it. */
    private record Column(String name, String aggregate) {}

    private static final List<Column> NUMBERS = List.of(
            new Column("site_id", "site_id"),
            new Column("session_key", "session_key"),
            new Column("visitor_key", "any_value(visitor_key)"),
            new Column("started_at", "min(ts)"),
            new Column("ended_at", "max(ts)"),
            new Column("first_counted_at", "min(ts) FILTER (WHERE event_type IN ('pageview', 'goal'))"),
            new Column("last_counted_at", "max(ts) FILTER (WHERE event_type IN ('pageview', 'goal'))"),
            new Column("pageviews", "count(*) FILTER (WHERE event_type = 'pageview')"),
            new Column("goals", "count(*) FILTER (WHERE event_type = 'goal')"),
            new Column("leave_ms", "coalesce(sum(duration_ms) FILTER (WHERE event_type = '_leave'), 0)"),
            new Column("leave_count", "count(duration_ms) FILTER (WHERE event_type = '_leave')"),
            new Column("scroll", "coalesce(sum(scroll_depth) FILTER (WHERE event_type = '_leave'), 0)"),
            new Column("scroll_count", "count(scroll_depth) FILTER (WHERE event_type = '_leave')"),
            new Column("entry_at", "min(ts) FILTER (WHERE event_type = 'pageview')"),
            new Column("exit_at", "max(ts) FILTER (WHERE event_type = 'pageview')"));

    /** The columns of a session row as of schema {@code version}. */
    private static List<Column> columns(int version) {
        List<Column> out = new ArrayList<>(NUMBERS);
        for (SessionAttribute a : SessionAttribute.values()) {
            if (a.since > version) continue;
            out.add(new Column(
                    a.column(), a.pick.aggregate + "(" + a.source + ", ts) FILTER (WHERE event_type = 'pageview')"));
        }
        return out;
    }

    private static int latest() {
        return Arrays.stream(SessionAttribute.values())
                .mapToInt(a -> a.since)
                .max()
                .orElse(0);
    }

    /**
     * One row per session of {@code relation} (a table of event rows), its columns named as in {@code sessions}. This
     * is the definition of a session row; the merge and the rebuild both use it, and tests compare against it.
     */
    static String fold(String relation) {
        return fold(relation, latest());
    }

    private static String fold(String relation, int version) {
        StringBuilder out = new StringBuilder("SELECT ");
        List<Column> columns = columns(version);
        for (int i = 0; i < columns.size(); i++) {
            out.append(i == 0 ? "" : ",\n    ")
                    .append(columns.get(i).aggregate())
                    .append(" AS ")
                    .append(columns.get(i).name());
        }
        return out.append("\nFROM ")
                .append(relation)
                .append("\nGROUP BY site_id, session_key")
                .toString();
    }

    private static String insert(int version) {
        return "INSERT INTO sessions ("
                + String.join(", ", columns(version).stream().map(Column::name).toList())
                + ") ";
    }

    /** Merges the sessions of the event rows in {@code batchTable} into {@code sessions}. */
    static String merge(String batchTable) {
        StringBuilder out = new StringBuilder(insert(latest()))
                .append(fold(batchTable))
                .append(" ON CONFLICT (site_id, session_key) DO UPDATE SET")
                .append(" started_at = least(sessions.started_at, excluded.started_at),")
                .append(" ended_at = greatest(sessions.ended_at, excluded.ended_at),")
                .append(" first_counted_at = least(coalesce(sessions.first_counted_at, excluded.first_counted_at),")
                .append(" coalesce(excluded.first_counted_at, sessions.first_counted_at)),")
                .append(" last_counted_at = greatest(coalesce(sessions.last_counted_at, excluded.last_counted_at),")
                .append(" coalesce(excluded.last_counted_at, sessions.last_counted_at)),");
        for (String sum : List.of("pageviews", "goals", "leave_ms", "leave_count", "scroll", "scroll_count")) {
            out.append(' ')
                    .append(sum)
                    .append(" = sessions.")
                    .append(sum)
                    .append(" + excluded.")
                    .append(sum)
                    .append(',');
        }
        for (SessionAttribute a : SessionAttribute.values()) {
            out.append(pick(a.column(), a.pick)).append(',');
        }
        // The times last: SET reads the row as it was, so the attributes above compare against the old times.
        out.append(pick("entry_at", SessionAttribute.Pick.FIRST_PAGEVIEW))
                .append(',')
                .append(pick("exit_at", SessionAttribute.Pick.LAST_PAGEVIEW));
        return out.toString();
    }

    /**
     * Schema migration 8: the highest spool id whose event's sessions are merged into {@code sessions}. Spooled
     * batches no longer merge their sessions in their own transaction; {@link #mergeTail} folds every spooled event
     * above this watermark, in larger and less frequent steps, and raises it in the same transaction, so each event's
     * effect on its session is applied exactly once whatever crashes or retries. Events without a spool id (the
     * synchronous {@code append}, bulk loads) still merge in their own transaction and are never part of the tail.
     */
    static final String CREATE_WATERMARK = """
            CREATE TABLE session_watermark (event_id BIGINT NOT NULL);
            INSERT INTO session_watermark SELECT max(event_id) FROM spool_watermark;
            """;

    /** The sessions watermark and the spool watermark: the tail to merge is the spooled events between them. */
    static final String WATERMARKS =
            "SELECT (SELECT max(event_id) FROM session_watermark), (SELECT max(event_id) FROM spool_watermark)";

    /**
     * The merge of the tail, built once (a few kilobytes), with its bounds filled in per merge as literals: a literal
     * bound lets DuckDB skip, by their min/max statistics, the row groups of events merged before.
     */
    private static final String MERGE_TAIL =
            merge("(SELECT * FROM events WHERE event_id > {after} AND event_id <= {upTo}) AS tail");

    /**
     * The statements, for the caller's open transaction, that merge the sessions of the spooled events with ids in
     * ({@code after}, {@code upTo}] and raise the sessions watermark to {@code upTo}: the merge and its watermark
     * commit together or not at all.
     */
    static List<String> mergeTail(long after, long upTo) {
        return List.of(
                MERGE_TAIL.replace("{after}", Long.toString(after)).replace("{upTo}", Long.toString(upTo)),
                "UPDATE session_watermark SET event_id = greatest(event_id, " + upTo + ")");
    }

    /** Derives every session again from the events, with the columns of schema {@code version}. */
    static String rebuild(int version) {
        return "DELETE FROM sessions; " + insert(version) + fold("events", version) + ";\n";
    }

    // The batch's first (last) pageview wins when it is older (newer) than the stored one; SET reads the row as it was.
    private static String pick(String column, SessionAttribute.Pick pick) {
        String at = pick.timeColumn;
        String better = pick == SessionAttribute.Pick.FIRST_PAGEVIEW ? " < " : " > ";
        return " " + column + " = CASE WHEN excluded." + at + " IS NOT NULL AND (sessions." + at + " IS NULL OR"
                + " excluded." + at + better + "sessions." + at + ") THEN excluded." + column + " ELSE sessions."
                + column + " END";
    }

    /**
     * Derives the given sessions of the site again from the events they have left (after a deletion): each is deleted,
     * then folded anew from its remaining events, so a session with no event left is gone. Session keys are our own
     * 64-bit numbers and printed as such; the site id is bound.
     */
    static void derive(Connection connection, String siteId, List<Long> sessionKeys) throws SQLException {
        if (sessionKeys.isEmpty()) return;
        String keys = String.join(
                ", ", sessionKeys.stream().map(k -> Long.toString(k)).toList());
        try (var st = connection.prepareStatement(
                "DELETE FROM sessions WHERE site_id = ? AND session_key IN (" + keys + ")")) {
            st.setString(1, siteId);
            st.executeUpdate();
        }
        String remaining = "(SELECT * FROM events WHERE site_id = ? AND session_key IN (" + keys + ")) AS remaining";
        try (var st = connection.prepareStatement(insert(latest()) + fold(remaining))) {
            st.setString(1, siteId);
            st.executeUpdate();
        }
    }

    static void deleteSite(Connection connection, String siteId) throws SQLException {
        try (var st = connection.prepareStatement("DELETE FROM sessions WHERE site_id = ?")) {
            st.setString(1, siteId);
            st.executeUpdate();
        }
    }
}
