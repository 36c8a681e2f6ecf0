package com.datasaas.stats;

import java.time.ZoneId;
import java.util.List;

/**
 * The few places where SQL engines differ. {@link QueryCompiler} builds one query shape for every engine and asks
 * the dialect only for these pieces, so the ClickHouse dialect will be another implementation of this interface,
 * not another copy of the queries. Every piece must be expressible on ClickHouse 18.16 (design section 8).
 */
interface Dialect {

    /** The name {@link com.datasaas.events.EventStore#dialect()} reports for stores speaking this SQL. */
    String name();

    /**
     * Returns the SQL that carries {@code value}: a placeholder (and the value appended to {@code parameters}), or a
     * literal the dialect escaped itself.
     */
    String carry(Object value, List<Object> parameters);

    String countIf(String condition);

    String uniqIf(String expression, String condition);

    String sumIf(String expression, String condition);

    String anyValue(String expression);

    /** {@code expression} of the row with the smallest {@code ts} among rows meeting {@code condition}. */
    String firstBy(String expression, String ts, String condition);

    /** {@code expression} of the row with the largest {@code ts} among rows meeting {@code condition}. */
    String lastBy(String expression, String ts, String condition);

    /** Seconds, fractional, from {@code start} to {@code end} (two timestamps of one row). */
    String secondsBetween(String start, String end);

    /** Writes the start of the local-time bucket holding {@code ts}, as a timestamp without zone. */
    void bucket(SqlText sql, Interval interval, String ts, ZoneId zone);

    /** Writes a case-insensitive "contains" test of {@code expression} against {@code needle}. */
    void contains(SqlText sql, String expression, String needle);

    /** Writes a LIKE test where {@code pattern} uses {@code %} as wildcard and backslash as escape. */
    void like(SqlText sql, String expression, String pattern);
}
