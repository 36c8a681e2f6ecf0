package com.datasaas.events;

import com.datasaas.sql.ClickHouseDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Sessions on ClickHouse: a {@code sessions} table of partial aggregate states ({@code AggregatingMergeTree}), fed by
 * the materialized view {@code sessions_feed} within every INSERT into {@code events}, and read here with the
 * {@code -Merge} combinators where the stats trees name {@code sessions}. The definition is the embedded store's
 * ({@link SessionRollup#fold}): one list of fields below gives the table's columns, the view's states and the reads,
 * and {@link SessionAttribute} gives the session-level dimensions, so the DDL (migration 2, generated from this class
 * and checked by a test) cannot drift from the reads.
 *
 * <p>Why states and not rows: a load balancer spreads one visit over several nodes, in any order. Each insert adds a
 * partial state per session and day of its own events; merging states is order-free (earliest/latest, sums, the value
 * of the earliest/latest pageview), so whichever node stores which event, in whatever order, the merged row equals
 * the group-by over all the session's events. Exactly once follows from the events: the view sees exactly the rows
 * an INSERT stores, and the event store never stores an event twice. A session is never complete in one row: every
 * read groups by session and merges, which is what {@link #select} prints.
 *
 * <p>Rows are keyed by day (UTC) as well, so a range's sessions are read from the days around it only; a session
 * crossing midnight has a row for each day, which the read merges.
 *
 * <p>{@code ts} has whole seconds on ClickHouse 18.16, so first and last values are ordered by {@code ts_us}, and
 * {@code started_at_us}/{@code ended_at_us} carry the exact times for durations.
 */
@Component
public final class ClickHouseSessions implements ClickHouseDialect.SessionsRelation {
    private static final String PAGEVIEW = "event_type = 'pageview'";
    private static final String COUNTED = "event_type IN ('pageview', 'goal')";
    private static final String LEAVE = "event_type = '_leave'";
    private static final String TIME = "DateTime('UTC')";

    /**
     * A column of a session row: the state column kept in {@code sessions} ({@code <name>_state}, so a read's alias
     * never shadows a state another read merges), its type, the state over an insert's events, and the read.
     */
    record Field(String name, String stateType, String state, String read) {
        String stateColumn() {
            return name + "_state";
        }
    }

    /** The session's numbers; the attributes follow ({@link #fields}). */
    private static final List<Field> NUMBERS = List.of(
            field("visitor_key", "any, Int64", "anyState(visitor_key)", "anyMerge(%s)"),
            // Read from the exact twins below: ts is the whole second of ts_us (floor), and floor keeps the order,
            // so min(ts) is the second of min(ts_us). One merge fewer per bound on every read of a session.
            field(
                    "started_at",
                    "min, " + TIME,
                    "minState(ts)",
                    "toDateTime(intDiv(minMerge(started_at_us_state), 1000000), 'UTC')"),
            field(
                    "ended_at",
                    "max, " + TIME,
                    "maxState(ts)",
                    "toDateTime(intDiv(maxMerge(ended_at_us_state), 1000000), 'UTC')"),
            field("started_at_us", "min, Int64", "minState(ts_us)", "minMerge(%s)"),
            field("ended_at_us", "max, Int64", "maxState(ts_us)", "maxMerge(%s)"),
            // Counted events are pageviews and goals: no count of their own is needed for "none, so NULL".
            field(
                    "first_counted_at",
                    "minIf, " + TIME + ", UInt8",
                    "minIfState(ts, " + COUNTED + ")",
                    "if(countIfMerge(pageviews_state) + countIfMerge(goals_state) = 0, NULL, minIfMerge(%s))"),
            field(
                    "last_counted_at",
                    "maxIf, " + TIME + ", UInt8",
                    "maxIfState(ts, " + COUNTED + ")",
                    "if(countIfMerge(pageviews_state) + countIfMerge(goals_state) = 0, NULL, maxIfMerge(%s))"),
            field("pageviews", "countIf, UInt8", "countIfState(" + PAGEVIEW + ")", "countIfMerge(%s)"),
            field("goals", "countIf, UInt8", "countIfState(event_type = 'goal')", "countIfMerge(%s)"),
            field(
                    "leave_ms",
                    "sumIf, Int64, UInt8",
                    "sumIfState(ifNull(duration_ms, toInt64(0)), " + LEAVE + ")",
                    "sumIfMerge(%s)"),
            field(
                    "leave_count",
                    "countIf, UInt8",
                    "countIfState(" + LEAVE + " AND duration_ms IS NOT NULL)",
                    "countIfMerge(%s)"),
            field(
                    "scroll",
                    "sumIf, Int16, UInt8",
                    "sumIfState(ifNull(scroll_depth, toInt16(0)), " + LEAVE + ")",
                    "sumIfMerge(%s)"),
            field(
                    "scroll_count",
                    "countIf, UInt8",
                    "countIfState(" + LEAVE + " AND scroll_depth IS NOT NULL)",
                    "countIfMerge(%s)"),
            field(
                    "entry_at",
                    "minIf, " + TIME + ", UInt8",
                    "minIfState(ts, " + PAGEVIEW + ")",
                    "if(countIfMerge(pageviews_state) = 0, NULL, minIfMerge(%s))"),
            field(
                    "exit_at",
                    "maxIf, " + TIME + ", UInt8",
                    "maxIfState(ts, " + PAGEVIEW + ")",
                    "if(countIfMerge(pageviews_state) = 0, NULL, maxIfMerge(%s))"));

    private static Field field(String name, String arguments, String state, String read) {
        return new Field(name, "AggregateFunction(" + arguments + ")", state, read.formatted(name + "_state"));
    }

    /**
     * A session-level dimension: the value of the first (last) pageview by {@code ts_us}, kept as a string with a
     * one-character prefix, {@code ''} for NULL. The prefix is what keeps a NULL value of that pageview (a plain
     * argMin skips NULL rows and so would take a later page's value); 18.16 loses the NULL of a {@code
     * Tuple(Nullable)} state when it writes it to disk, so the state holds a plain string.
     */
    private static Field attribute(SessionAttribute a) {
        String function = a.pick == SessionAttribute.Pick.FIRST_PAGEVIEW ? "argMinIf" : "argMaxIf";
        String value = "ifNull(concat('=', toString(" + a.source + ")), '')";
        String merged = function + "Merge(" + a.column() + "_state)";
        String text = "substring(" + merged + ", 2)";
        String typed = switch (a.sqlType) {
            case "VARCHAR" -> text;
            case "INTEGER" -> "toInt32OrZero(" + text + ")"; // both branches of if() run: never fail on ''
            default ->
                throw new IllegalStateException(
                        "No ClickHouse reading for session attribute type " + a.sqlType + " of " + a);
        };
        return new Field(
                a.column(),
                "AggregateFunction(" + function + ", String, Int64, UInt8)",
                function + "State(" + value + ", ts_us, " + PAGEVIEW + ")",
                "if(" + merged + " = '', NULL, " + typed + ")");
    }

    /**
     * The attributes ClickHouse migration 2 made columns for: those of the embedded schema up to this version. A
     * released migration never changes, so an attribute added later needs a ClickHouse migration of its own (a new
     * table with the column, the view pointed at it, a backfill); until it has one, the reads name a column the table
     * lacks and every ClickHouse test fails.
     */
    static final int MIGRATION_2_ATTRIBUTES = 4;

    static List<Field> fields() {
        return fields(Integer.MAX_VALUE);
    }

    private static List<Field> fields(int attributesUpTo) {
        List<Field> out = new ArrayList<>(NUMBERS);
        for (SessionAttribute a : SessionAttribute.values()) {
            if (a.since <= attributesUpTo) out.add(attribute(a));
        }
        return out;
    }

    /**
     * One row per session with the columns the stats queries read from {@code sessions}: the states of the given
     * site's rows merged by session. With windows, only rows of the days they touch are read; a session lying wholly
     * inside a window is read whole, and one cut by the windows' edges is one the query's WHERE drops (see {@link
     * ClickHouseDialect.SessionsRelation}). ClickHouse reads only the merged columns the enclosing query uses.
     *
     * <p>For one site, the rows are grouped by {@code session_key} alone (the key has the site mixed in, {@link
     * IdKeys}) and the site is put back as a constant outside: a group by one integer uses ClickHouse's fast
     * fixed-width hash table, where {@code (site_id, session_key)} goes through the slower serialized keys.
     */
    @Override
    public String select(String siteId, List<ClickHouseDialect.TimeWindow> windows) {
        return select(siteId, windows, null);
    }

    /**
     * {@link #select(String, List)} for the sessions whose key is in {@code sessionKeys} (a subquery of keys; {@code
     * null}: all), filtered before the states are merged.
     */
    String select(String siteId, List<ClickHouseDialect.TimeWindow> windows, String sessionKeys) {
        return select(siteId, windows, sessionKeys, null);
    }

    /**
     * {@link #select(String, List, String)} with only the named columns of {@link #fields} ({@code null}: all).
     * 18.16 was measured merging every column of this select even where the enclosing query uses a few (a {@code
     * count()} over it: 16 ms of CPU with all 34, 3 ms with 5, at 10M events, with or without the PREWHERE). The day
     * rollup's query uses 4 of the 34 (plus its attributes); its live query took twice the CPU with all of them
     * (docs/benchmarks-stats.md, afternoon of 2026-12-06).
     */
    String select(String siteId, List<ClickHouseDialect.TimeWindow> windows, String sessionKeys, Set<String> only) {
        List<Field> fields = only == null
                ? fields()
                : fields().stream().filter(f -> only.contains(f.name())).toList();
        List<String> columns = new ArrayList<>();
        if (siteId == null) columns.add("site_id");
        columns.add("session_key");
        for (Field f : fields) columns.add(f.read() + " AS " + f.name());
        List<String> where = new ArrayList<>();
        if (siteId != null) where.add("site_id = " + ClickHouseDialect.literal(siteId));
        List<String> days = new ArrayList<>();
        for (ClickHouseDialect.TimeWindow w : windows) {
            days.add("day >= toDate(" + ClickHouseDialect.literal(w.from()) + ") AND day <= toDate("
                    + ClickHouseDialect.literal(w.until()) + ")");
        }
        if (days.size() == 1) where.add(days.get(0));
        if (days.size() > 1)
            where.add("("
                    + String.join(" OR ", days.stream().map(d -> "(" + d + ")").toList()) + ")");
        String merged = "SELECT " + String.join(",\n    ", columns) + "\nFROM sessions"
                // PREWHERE: the states are read only for the sessions asked. GLOBAL: on a cluster the keys are read
                // once, not by every shard from a Distributed table.
                + (sessionKeys == null ? "" : "\nPREWHERE session_key GLOBAL IN (" + sessionKeys + ")")
                + (where.isEmpty() ? "" : "\nWHERE " + String.join(" AND ", where))
                + (siteId == null ? "\nGROUP BY site_id, session_key" : "\nGROUP BY session_key");
        if (siteId == null) return merged;
        List<String> names = new ArrayList<>(List.of(ClickHouseDialect.literal(siteId) + " AS site_id", "session_key"));
        for (Field f : fields) names.add(f.name());
        return "SELECT " + String.join(", ", names) + "\nFROM (\n    " + merged.replace("\n", "\n    ") + "\n)";
    }

    /**
     * The session rows ({@link #select}'s columns, ordered by site and session) merged from a relation of states: the
     * {@code sessions} table, {@link #statesOf} over events, or a {@code UNION ALL} of both.
     */
    static String read(String states) {
        List<String> columns = new ArrayList<>(List.of("site_id", "session_key"));
        for (Field f : fields()) columns.add(f.read() + " AS " + f.name());
        return "SELECT " + String.join(", ", columns) + " FROM (" + states + ") GROUP BY site_id, session_key"
                + " ORDER BY site_id, session_key";
    }

    /**
     * The states of the events matching {@code where}, with the columns of the {@code sessions} table in its order:
     * what the view would have inserted for them.
     */
    static String statesOf(String where) {
        return states(fields()).replace("\nFROM events\n", "\nFROM events\nWHERE " + where + "\n");
    }

    /** The states of a set of events per session and day: what the view inserts for each INSERT into events. */
    private static String states(List<Field> fields) {
        List<String> columns = new ArrayList<>(List.of("site_id", "toDate(ts) AS day", "session_key"));
        for (Field f : fields) columns.add(f.state() + " AS " + f.stateColumn());
        return "SELECT " + String.join(",\n    ", columns) + "\nFROM events\nGROUP BY site_id, day, session_key";
    }

    /**
     * Migration 2, generated from the fields above ({@code ClickHouseSessionsSchemaTest} checks the file equals this):
     * the table, the view that feeds it from each INSERT into {@code events}, and the backfill of the events stored
     * before (an upgrade runs while no node writes: see docs/server-mode.md). Plain {@code CREATE TABLE} and {@code
     * CREATE MATERIALIZED VIEW ... TO} statements, so a cluster's DDL can point the view at a local table.
     */
    static String migration() {
        List<Field> fields = fields(MIGRATION_2_ATTRIBUTES);
        StringBuilder out = new StringBuilder();
        out.append(
                        "-- GENERATED from events/ClickHouseSessions.java (fields and SessionAttribute); do not edit by hand.\n")
                .append("-- Regenerate: ./mvnw test -Dtest=ClickHouseSessionsSchemaTest -Dgolden.update=true\n")
                .append("--\n")
                .append("-- Sessions as partial aggregate states: each INSERT into events adds, through the view\n")
                .append("-- sessions_feed, one row per session and day of its events; reads merge a session's rows\n")
                .append("-- (-Merge combinators, GROUP BY session). Background merges fold rows of the same key.\n")
                .append("CREATE TABLE IF NOT EXISTS sessions (\n")
                .append("    site_id String,\n")
                .append("    day Date,\n")
                .append("    session_key Int64");
        for (Field f : fields) {
            out.append(",\n    ").append(f.stateColumn()).append(' ').append(f.stateType());
        }
        out.append("\n) ENGINE = AggregatingMergeTree\n")
                .append("PARTITION BY toYYYYMM(day)\n")
                .append("ORDER BY (site_id, day, session_key);\n\n")
                .append("CREATE MATERIALIZED VIEW IF NOT EXISTS sessions_feed TO sessions AS\n")
                .append(states(fields))
                .append(";\n\n")
                .append("-- Backfill: the sessions of the events stored before this migration.\n")
                .append("INSERT INTO sessions\n")
                .append(states(fields))
                .append(";\n");
        return out.toString();
    }
}
