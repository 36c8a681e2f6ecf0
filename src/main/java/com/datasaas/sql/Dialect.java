package com.datasaas.sql;

import java.util.List;

/**
 * Prints a {@link Sql} tree in one engine's SQL. The stats and realtime features build each query once, as a tree;
 * every engine gets its own dialect, not its own copy of the queries, and its own golden SQL files
 * ({@code src/test/resources/stats/golden/<dialect>/}) so a change in generated SQL shows in review.
 *
 * <p><b>Values.</b> Every {@link Sql.Value} is carried by the dialect, never spliced into the text by a caller. A
 * dialect with bound parameters (DuckDB) prints {@code ?} and appends the value to {@link CompiledQuery#parameters()}
 * in text order; a dialect without them (ClickHouse 18.16 has no server-side parameters) prints the value as a
 * literal it escapes itself, and returns no parameters. {@link Sql.Constant}s are our own code's numbers and strings
 * and are printed inline by both.
 *
 * <p><b>What a dialect must print</b> (design section 8): subqueries (the tree has no table CTEs), joins with
 * their strictness, conditional aggregates, time buckets in a zone, case-insensitive contains, LIKE with a
 * backslash escape, seconds between two timestamps.
 */
public interface Dialect {

    /** The name {@link com.datasaas.events.EventStore#dialect()} reports for stores speaking this SQL. */
    String name();

    /** The query as text plus the values bound to its placeholders, in order (none for literal dialects). */
    CompiledQuery print(Sql.Query query);

    /** The dialect of {@code dialects} named {@code name}: the one the event store speaks. */
    static Dialect named(String name, List<Dialect> dialects) {
        return dialects.stream()
                .filter(d -> d.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No SQL dialect for event store '" + name + "'; known: "
                        + dialects.stream().map(Dialect::name).toList()));
    }
}
