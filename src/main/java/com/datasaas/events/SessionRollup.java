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

    /**
     * The entry attributes (the first pageview's values) are picked by one {@code arg_min_null} over a struct of them
     * all, unpacked outside the group-by, instead of one aggregate each on the same key: the group-by then keeps one
     * state per session for them, not 16, and the pick is one row's values whatever the ties on {@code ts}. The
     * {@code _null} variant as before: a first pageview's NULL is its value (plain {@code arg_min} would skip it for a
     * later row's); the struct itself is never NULL, and a session without a pageview gets a NULL struct, so NULL
     * fields, as the per-column aggregates gave.
     */
    private static String fold(String relation, int version) {
        List<Column> columns = columns(version);
        List<SessionAttribute> entry = Arrays.stream(SessionAttribute.values())
                .filter(a -> a.since <= version && a.pick == SessionAttribute.Pick.FIRST_PAGEVIEW)
                .toList();
        List<String> entryColumns = entry.stream().map(SessionAttribute::column).toList();
        List<String> outer = new ArrayList<>();
        List<String> inner = new ArrayList<>();
        for (Column c : columns) {
            boolean picked = entryColumns.contains(c.name());
            outer.add(picked ? "struct_extract(" + FIRST_PAGEVIEW + ", '" + c.name() + "') AS " + c.name() : c.name());
            if (!picked) inner.add(c.aggregate() + " AS " + c.name());
        }
        if (!entry.isEmpty()) {
            inner.add("arg_min_null(struct_pack("
                    + String.join(
                            ", ",
                            entry.stream()
                                    .map(e -> e.column() + " := " + e.source)
                                    .toList())
                    + "), ts) FILTER (WHERE event_type = 'pageview') AS " + FIRST_PAGEVIEW);
        }
        return "SELECT " + String.join(",\n    ", outer) + "\nFROM (SELECT " + String.join(",\n    ", inner) + "\nFROM "
                + relation + "\nGROUP BY site_id, session_key) AS folded";
    }

    /** The fold's struct of a session's entry attributes. */
    private static final String FIRST_PAGEVIEW = "first_pageview";

    private static String insert(int version) {
        return "INSERT INTO sessions ("
                + String.join(", ", columns(version).stream().map(Column::name).toList())
                + ") ";
    }

    /** The counts of a session, summed when sessions merge. */
    private static final List<String> SUMS =
            List.of("pageviews", "goals", "leave_ms", "leave_count", "scroll", "scroll_count");

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
        for (String sum : SUMS) {
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

    /** A step of a merge: its name for the store's step hook, and its statement. */
    record Step(String name, String sql) {}

    /**
     * The sessions of the tail, folded once per merge into this TEMP table (private to the writer's connection, rolled
     * back with its transaction), beside what {@code sessions} holds of each: whether it is stored, and the stored
     * first pageview's time. The merge's statements then read it instead of joining the tail with {@code sessions}
     * again.
     */
    static final String TAIL_TABLE = "session_tail";

    /**
     * The fold of the tail, built once (a few kilobytes), with its bounds filled in per merge as literals: a literal
     * bound lets DuckDB skip, by their min/max statistics, the row groups of events merged before.
     */
    private static final String FOLD_TAIL = "CREATE OR REPLACE TEMP TABLE " + TAIL_TABLE + " AS SELECT tail.*,"
            + " stored.session_key IS NOT NULL AS stored, stored.entry_at AS stored_entry_at FROM ("
            + fold("(SELECT * FROM events WHERE event_id > {after} AND event_id <= {upTo}) AS tail")
            + ") AS tail LEFT JOIN sessions AS stored ON stored.site_id = tail.site_id"
            + " AND stored.session_key = tail.session_key";

    private static final List<Step> MERGE_FOLDED_TAIL = mergeFolded();

    /**
     * The statements, for the caller's open transaction, that merge the sessions of the spooled events with ids in
     * ({@code after}, {@code upTo}] and raise the sessions watermark to {@code upTo}: the merge and its watermark
     * commit together or not at all.
     */
    static List<Step> mergeTail(long after, long upTo) {
        List<Step> out = new ArrayList<>();
        out.add(new Step(
                "merge_sessions",
                FOLD_TAIL.replace("{after}", Long.toString(after)).replace("{upTo}", Long.toString(upTo))));
        out.addAll(MERGE_FOLDED_TAIL);
        out.add(new Step(
                "raise_sessions_watermark",
                "UPDATE session_watermark SET event_id = greatest(event_id, " + upTo + ")"));
        out.add(new Step("drop_session_tail", "DROP TABLE " + TAIL_TABLE));
        return out;
    }

    /**
     * Merges the folded tail into {@code sessions}: the same rows as the upsert of {@link #merge}, which rewrote all 29
     * merged columns of every session it touched and looked each up through the primary key, both at a cost that grew
     * with the table (docs/benchmarks.md, "The embedded writer, afternoon"). Here a stored session gets its counts,
     * times and exit (12 columns) in one update; its entry (the first pageview's 17 columns) only when the tail's
     * first pageview is older than the stored one (late events, or a session's first pageview after other events),
     * which an ordinary batch never has; and new sessions are inserted whole, without a lookup, since the fold
     * recorded which are stored. The entry step comes first: the numbers step moves no entry time, and neither reads
     * what the other writes.
     */
    private static List<Step> mergeFolded() {
        String stored = " FROM " + TAIL_TABLE + " AS t WHERE t.stored AND sessions.site_id = t.site_id"
                + " AND sessions.session_key = t.session_key";
        StringBuilder entries = new StringBuilder("UPDATE sessions SET entry_at = t.entry_at");
        for (SessionAttribute a : SessionAttribute.values()) {
            if (a.pick == SessionAttribute.Pick.FIRST_PAGEVIEW)
                entries.append(", ").append(a.column()).append(" = t.").append(a.column());
        }
        // Filtered on the tail alone, before the join: the join's hash table holds only the late entries (none in an
        // ordinary merge), and the updated rows are exactly those.
        entries.append(" FROM (SELECT * FROM ")
                .append(TAIL_TABLE)
                .append(" WHERE stored AND entry_at IS NOT NULL AND (stored_entry_at IS NULL OR entry_at <"
                        + " stored_entry_at)) AS t WHERE sessions.site_id = t.site_id"
                        + " AND sessions.session_key = t.session_key");
        StringBuilder numbers = new StringBuilder("UPDATE sessions SET")
                .append(" started_at = least(sessions.started_at, t.started_at),")
                .append(" ended_at = greatest(sessions.ended_at, t.ended_at),")
                .append(" first_counted_at = least(coalesce(sessions.first_counted_at, t.first_counted_at),")
                .append(" coalesce(t.first_counted_at, sessions.first_counted_at)),")
                .append(" last_counted_at = greatest(coalesce(sessions.last_counted_at, t.last_counted_at),")
                .append(" coalesce(t.last_counted_at, sessions.last_counted_at))");
        for (String sum : SUMS) {
            numbers.append(", ")
                    .append(sum)
                    .append(" = sessions.")
                    .append(sum)
                    .append(" + t.")
                    .append(sum);
        }
        for (SessionAttribute a : SessionAttribute.values()) {
            if (a.pick == SessionAttribute.Pick.LAST_PAGEVIEW)
                numbers.append(',').append(pick(a.column(), a.pick, "t"));
        }
        numbers.append(',').append(pick("exit_at", SessionAttribute.Pick.LAST_PAGEVIEW, "t"));
        String columns =
                String.join(", ", columns(latest()).stream().map(Column::name).toList());
        return List.of(
                new Step("merge_session_entries", entries.toString()),
                new Step("merge_session_numbers", numbers.append(stored).toString()),
                new Step(
                        "insert_new_sessions",
                        "INSERT INTO sessions (" + columns + ") SELECT " + columns + " FROM " + TAIL_TABLE
                                + " WHERE NOT stored"));
    }

    /** Derives every session again from the events, with the columns of schema {@code version}. */
    static String rebuild(int version) {
        return "DELETE FROM sessions; " + insert(version) + fold("events", version) + ";\n";
    }

    // The batch's first (last) pageview wins when it is older (newer) than the stored one; SET reads the row as it was.
    private static String pick(String column, SessionAttribute.Pick pick) {
        return pick(column, pick, "excluded");
    }

    /** As above, with the incoming row under the name {@code incoming} ("excluded" in an upsert). */
    private static String pick(String column, SessionAttribute.Pick pick, String incoming) {
        String at = pick.timeColumn;
        String better = pick == SessionAttribute.Pick.FIRST_PAGEVIEW ? " < " : " > ";
        return " " + column + " = CASE WHEN " + incoming + "." + at + " IS NOT NULL AND (sessions." + at
                + " IS NULL OR "
                + incoming + "." + at + better + "sessions." + at + ") THEN " + incoming + "." + column
                + " ELSE sessions." + column + " END";
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
