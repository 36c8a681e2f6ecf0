package com.datasaas.stats;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * DuckDB: bound parameters, FILTER clauses, time zones through {@code timezone(zone, ts)}. First/last values use the
 * {@code _null} variants of arg_min/arg_max: the plain ones skip rows whose value is NULL, which would give a session
 * that entered without UTM tags the tags of a later page.
 */
@Component
final class DuckDbDialect implements Dialect {

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public String carry(Object value, List<Object> parameters) {
        // The JDBC driver binds TIMESTAMPTZ from OffsetDateTime, not Instant.
        parameters.add(value instanceof Instant i ? OffsetDateTime.ofInstant(i, ZoneOffset.UTC) : value);
        return "?";
    }

    @Override
    public String countIf(String condition) {
        return "count(*) FILTER (WHERE " + condition + ")";
    }

    @Override
    public String uniqIf(String expression, String condition) {
        return "count(DISTINCT " + expression + ") FILTER (WHERE " + condition + ")";
    }

    @Override
    public String sumIf(String expression, String condition) {
        return "sum(" + expression + ") FILTER (WHERE " + condition + ")";
    }

    @Override
    public String anyValue(String expression) {
        return "any_value(" + expression + ")";
    }

    @Override
    public String firstBy(String expression, String ts, String condition) {
        return "arg_min_null(" + expression + ", " + ts + ") FILTER (WHERE " + condition + ")";
    }

    @Override
    public String lastBy(String expression, String ts, String condition) {
        return "arg_max_null(" + expression + ", " + ts + ") FILTER (WHERE " + condition + ")";
    }

    @Override
    public String secondsBetween(String start, String end) {
        return "(epoch_ms(" + end + ") - epoch_ms(" + start + ")) / 1000.0";
    }

    @Override
    public void bucket(SqlText sql, Interval interval, String ts, ZoneId zone) {
        sql.sql("date_trunc('" + interval.apiName() + "', timezone(")
                .value(zone.getId())
                .sql(", " + ts + "))");
    }

    @Override
    public void contains(SqlText sql, String expression, String needle) {
        sql.sql("contains(lower(" + expression + "), lower(").value(needle).sql("))");
    }

    @Override
    public void like(SqlText sql, String expression, String pattern) {
        sql.sql(expression + " LIKE ").value(pattern).sql(" ESCAPE '\\'");
    }
}
