package com.datasaas.events;

import com.datasaas.sql.ClickHouseDialect;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Sessions on ClickHouse: a {@code sessions} table of partial aggregate states ({@code AggregatingMergeTree}), fed by
 * the materialized view {@code sessions_feed} within every INSERT into {@code events}, and read here with the
 * {@code -Merge} combinators where the stats trees name {@code sessions}. The definition is the embedded store's
 * ({@link SessionRollup#fold}): one list of numbers below and {@link SessionAttribute}'s session-level dimensions give
 * the table's columns, the view's states and the reads ({@link #layout}), so the DDL (migrations 2 and 6, generated
 * from this class and checked by a test) cannot drift from the reads.
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
     * A state column of {@code sessions}: its name ({@code <name>_state}, so a read's alias never shadows a state
     * another read merges), its type, and the state over an insert's events.
     */
    record State(String column, String type, String expression) {}

    /** A column of a session row as the reads give it: its name and the merge of states that gives it. */
    record Field(String name, String read) {}

    /** A session number: its own state and its read. */
    private record Number(String name, String stateType, String state, String read) {}

    /** The session's numbers; the attributes follow ({@link #fields}). */
    private static final List<Number> NUMBERS = List.of(
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

    private static Number field(String name, String arguments, String state, String read) {
        return new Number(name, "AggregateFunction(" + arguments + ")", state, read.formatted(name + "_state"));
    }

    /**
     * A session-level dimension is the value of the first (last) pageview by {@code ts_us}, kept as a string with a
     * one-character prefix, {@code ''} for NULL. The prefix is what keeps a NULL value of that pageview (a plain
     * argMin skips NULL rows and so would take a later page's value); 18.16 loses the NULL of a {@code
     * Tuple(Nullable)} state when it writes it to disk, so the state holds plain strings.
     */
    private static String value(SessionAttribute a) {
        return "ifNull(concat('=', toString(" + a.source + ")), '')";
    }

    /** The attribute's value in SQL from its merged text ({@link #value}): NULL for {@code ''}, else its type. */
    private static String typed(SessionAttribute a, String merged) {
        String text = "substring(" + merged + ", 2)";
        String typed = switch (a.sqlType) {
            case "VARCHAR" -> text;
            case "INTEGER" -> "toInt32OrZero(" + text + ")"; // both branches of if() run: never fail on ''
            default ->
                throw new IllegalStateException(
                        "No ClickHouse reading for session attribute type " + a.sqlType + " of " + a);
        };
        return "if(" + merged + " = '', NULL, " + typed + ")";
    }

    /** An attribute's own string state ({@code <column>_state}): every attribute's until migration 6, the exit page's since. */
    private static State ownState(SessionAttribute a) {
        String function = function(a.pick);
        return new State(
                a.column() + "_state",
                "AggregateFunction(" + function + ", String, Int64, UInt8)",
                function + "State(" + value(a) + ", ts_us, " + PAGEVIEW + ")");
    }

    /** The read of {@link #ownState}. */
    private static String ownRead(SessionAttribute a) {
        return typed(a, function(a.pick) + "Merge(" + a.column() + "_state)");
    }

    private static String function(SessionAttribute.Pick pick) {
        return pick == SessionAttribute.Pick.FIRST_PAGEVIEW ? "argMinIf" : "argMaxIf";
    }

    /**
     * The layout of migration 2: a state per attribute. Kept to generate that released migration only; migration 6
     * replaced it with {@link #layout}.
     */
    private static Layout separateLayout(int attributesUpTo) {
        Layout out = numbers();
        for (SessionAttribute a : SessionAttribute.values()) {
            if (a.since > attributesUpTo) continue;
            out.states.add(ownState(a));
            out.fields.add(new Field(a.column(), ownRead(a)));
        }
        return out;
    }

    /**
     * The layout since migration 6: the attributes of the same pageview (the first one: every attribute but the exit
     * page) share one {@code argMinIf} state over a tuple of their values, {@code entry_attributes_state}. They were
     * 16 states on the same time and condition: each an own column per row, own files per part, and its own
     * comparison of {@code ts_us} per event. One state cut the INSERT's CPU per event by about a fifth and the
     * sessions parts and their merge CPU by half on 18.16 (docs/benchmarks.md, "ClickHouse sessions in fewer
     * states"). A pick with a single attribute (the exit page) keeps a plain string state: a one-value tuple would
     * only take 18.16's slower generic state. A read takes its element of the merged tuple; ClickHouse merges a state
     * named twice in one SELECT once.
     */
    private static Layout layout(int attributesUpTo) {
        Layout out = numbers();
        Map<SessionAttribute, String> reads = new EnumMap<>(SessionAttribute.class);
        for (SessionAttribute.Pick pick : SessionAttribute.Pick.values()) {
            List<SessionAttribute> picked = new ArrayList<>();
            for (SessionAttribute a : SessionAttribute.values()) {
                if (a.pick == pick && a.since <= attributesUpTo) picked.add(a);
            }
            if (picked.isEmpty()) continue;
            String function = function(pick);
            if (picked.size() == 1) {
                SessionAttribute a = picked.get(0);
                out.states.add(ownState(a));
                reads.put(a, ownRead(a));
                continue;
            }
            String column = pick.stateName + "_state";
            out.states.add(new State(
                    column,
                    "AggregateFunction(" + function + ", Tuple("
                            + String.join(
                                    ", ", picked.stream().map(a -> "String").toList()) + "), Int64, UInt8)",
                    function + "State(tuple("
                            + String.join(
                                    ", ",
                                    picked.stream()
                                            .map(ClickHouseSessions::value)
                                            .toList()) + "), ts_us, " + PAGEVIEW + ")"));
            for (int i = 0; i < picked.size(); i++) {
                SessionAttribute a = picked.get(i);
                reads.put(a, typed(a, "tupleElement(" + function + "Merge(" + column + "), " + (i + 1) + ")"));
            }
        }
        // The rows' columns in the attributes' order, as before the fold.
        reads.forEach((a, read) -> out.fields.add(new Field(a.column(), read)));
        return out;
    }

    /** States and reads, in the table's column order and the rows' column order. */
    private record Layout(List<State> states, List<Field> fields) {}

    private static Layout numbers() {
        Layout out = new Layout(new ArrayList<>(), new ArrayList<>());
        for (Number n : NUMBERS) {
            out.states.add(new State(n.name() + "_state", n.stateType(), n.state()));
            out.fields.add(new Field(n.name(), n.read()));
        }
        return out;
    }

    /**
     * The attributes ClickHouse migration 2 made columns for: those of the embedded schema up to this version. A
     * released migration never changes, so an attribute added later needs a ClickHouse migration of its own (a new
     * table with the column, the view pointed at it, a backfill: see migration 6); until it has one, the reads name a
     * column the table lacks and every ClickHouse test fails.
     */
    static final int MIGRATION_2_ATTRIBUTES = 4;

    /** The attributes in migration 6's layout: all of them, as of that migration. */
    static final int MIGRATION_6_ATTRIBUTES = 4;

    static List<Field> fields() {
        return layout(Integer.MAX_VALUE).fields();
    }

    static List<State> states() {
        return layout(Integer.MAX_VALUE).states();
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
        return states(states()).replace("\nFROM events\n", "\nFROM events\nWHERE " + where + "\n");
    }

    /** The states of a set of events per session and day: what the view inserts for each INSERT into events. */
    private static String states(List<State> states) {
        List<String> columns = new ArrayList<>(List.of("site_id", "toDate(ts) AS day", "session_key"));
        for (State s : states) columns.add(s.expression() + " AS " + s.column());
        return "SELECT " + String.join(",\n    ", columns) + "\nFROM events\nGROUP BY site_id, day, session_key";
    }

    /**
     * Migration 2, generated from the per-attribute layout it was released with ({@code ClickHouseSessionsSchemaTest}
     * checks the file equals this): the table, the view that feeds it from each INSERT into {@code events}, and the
     * backfill of the events stored before (an upgrade runs while no node writes: see docs/server-mode.md). Plain
     * {@code CREATE TABLE} and {@code CREATE MATERIALIZED VIEW ... TO} statements, so a cluster's DDL can point the
     * view at a local table.
     */
    static String migration2() {
        List<State> states = separateLayout(MIGRATION_2_ATTRIBUTES).states();
        StringBuilder out = new StringBuilder();
        out.append(
                        "-- GENERATED from events/ClickHouseSessions.java (fields and SessionAttribute); do not edit by hand.\n")
                .append("-- Regenerate: ./mvnw test -Dtest=ClickHouseSessionsSchemaTest -Dgolden.update=true\n")
                .append("--\n")
                .append("-- Sessions as partial aggregate states: each INSERT into events adds, through the view\n")
                .append("-- sessions_feed, one row per session and day of its events; reads merge a session's rows\n")
                .append("-- (-Merge combinators, GROUP BY session). Background merges fold rows of the same key.\n")
                .append(createTable("sessions", states))
                .append(";\n\n")
                .append(createView(states))
                .append(";\n\n")
                .append("-- Backfill: the sessions of the events stored before this migration.\n")
                .append("INSERT INTO sessions\n")
                .append(states(states))
                .append(";\n");
        return out.toString();
    }

    /**
     * Migration 6, generated from {@link #layout} ({@code ClickHouseSessionsSchemaTest} checks the file equals this):
     * the sessions table rebuilt with the entry attributes in one state. Stored states cannot be converted (a state
     * holds its value, not the {@code ts_us} it was picked by, which the merged state needs), so the new table is
     * filled from the events, as migration 2's backfill did: the view sees exactly the rows an INSERT stores, and
     * deleting a site or visitors deletes both, so the sessions of the stored events are what the old table held.
     */
    static String migration6() {
        List<State> states = layout(MIGRATION_6_ATTRIBUTES).states();
        return "-- GENERATED from events/ClickHouseSessions.java (layout and SessionAttribute); do not edit by hand.\n"
                + "-- Regenerate: ./mvnw test -Dtest=ClickHouseSessionsSchemaTest -Dgolden.update=true\n"
                + "--\n"
                + "-- Sessions with the entry attributes in one state (issue 12): the 16 attributes of the first\n"
                + "-- pageview were 16 argMinIf states on the same ts_us and condition; one argMinIf over a tuple of\n"
                + "-- their values keeps the same values (ties included: the same comparisons pick the same row) and cut\n"
                + "-- the sessions INSERT and merge CPU (docs/benchmarks.md, \"ClickHouse sessions in fewer states\").\n"
                + "--\n"
                + "-- Stored states cannot be converted (a state keeps its value, not the ts_us it was picked by), so\n"
                + "-- the new table is filled from the events, like migration 2's backfill: the same sessions. An\n"
                + "-- upgrade runs while no node writes (docs/server-mode.md). Every statement may run again after a\n"
                + "-- failure at any point (the runner records version 6 only after the last one): the copy is\n"
                + "-- dropped and made anew from the events, which hold every session before and after the swap.\n"
                + "-- On a cluster the copy's local tables take the name sessions_local, and the Distributed sessions\n"
                + "-- is made anew with the new columns (a Distributed table keeps the columns it was made with).\n"
                + "DROP TABLE IF EXISTS sessions_v6;\n\n"
                + createTable("sessions_v6", states)
                + ";\n\n"
                + "INSERT INTO sessions_v6\n"
                + states(states)
                + ";\n\n"
                + "DROP TABLE IF EXISTS sessions_feed;\n\n"
                + "DROP TABLE IF EXISTS sessions;\n\n"
                + "RENAME TABLE sessions_v6 TO sessions;\n\n"
                + "-- One server: already there. A cluster: the Distributed sessions over the renamed local tables.\n"
                + createTable("sessions", states)
                + ";\n\n"
                + "-- On a cluster: the Distributed sessions_v6, whose local tables now have the name sessions_local.\n"
                + "DROP TABLE IF EXISTS sessions_v6;\n\n"
                + createView(states)
                + ";\n";
    }

    private static String createTable(String name, List<State> states) {
        StringBuilder out = new StringBuilder("CREATE TABLE IF NOT EXISTS " + name + " (\n")
                .append("    site_id String,\n")
                .append("    day Date,\n")
                .append("    session_key Int64");
        for (State s : states)
            out.append(",\n    ").append(s.column()).append(' ').append(s.type());
        return out.append("\n) ENGINE = AggregatingMergeTree\n")
                .append("PARTITION BY toYYYYMM(day)\n")
                .append("ORDER BY (site_id, day, session_key)")
                .toString();
    }

    private static String createView(List<State> states) {
        return "CREATE MATERIALIZED VIEW IF NOT EXISTS sessions_feed TO sessions AS\n" + states(states);
    }
}
