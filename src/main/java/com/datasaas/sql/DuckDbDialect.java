package com.datasaas.sql;

import com.datasaas.sql.Sql.Aggregate;
import com.datasaas.sql.Sql.Contains;
import com.datasaas.sql.Sql.Like;
import com.datasaas.sql.Sql.SecondsBetween;
import com.datasaas.sql.Sql.TimeBucket;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * DuckDB: bound parameters, FILTER clauses. First/last values use the {@code _null} variants of arg_min/arg_max: the
 * plain ones skip rows whose value is NULL, which would give a session that entered without UTM tags the tags of a
 * later page.
 *
 * <p>Time buckets shift the UTC epoch by the zone's offset as an integer and truncate the resulting plain local
 * timestamp, instead of {@code timezone(zone, ts)}: converting every row through the zone database cost about 0.6 s
 * per million events, the integer form about 0.04 s, with the same buckets. The offsets are the few the zone has
 * within the query's range, taken from Java's zone rules.
 */
@Component
public final class DuckDbDialect extends SqlPrinter {
    private static final long MICROS_PER_SECOND = TimeUnit.SECONDS.toMicros(1);

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    void value(Out out, Object value) {
        // The JDBC driver binds TIMESTAMPTZ from OffsetDateTime, not Instant.
        out.bind(value instanceof Instant i ? OffsetDateTime.ofInstant(i, ZoneOffset.UTC) : value);
    }

    @Override
    void aggregate(Out out, Aggregate a) {
        String name = switch (a.function()) {
            case COUNT, COUNT_DISTINCT -> "count";
            case SUM -> "sum";
            case MIN -> "min";
            case MAX -> "max";
            case ANY -> "any_value";
            case FIRST_BY -> "arg_min_null";
            case LAST_BY -> "arg_max_null";
        };
        out.sql(name).sql("(");
        if (a.argument() == null) {
            out.sql("*");
        } else {
            if (a.function() == Sql.Function.COUNT_DISTINCT) out.sql("DISTINCT ");
            expr(out, a.argument());
        }
        if (a.by() != null) {
            out.sql(", ");
            expr(out, a.by());
        }
        out.sql(")");
        if (a.filter() != null) {
            out.sql(" FILTER (WHERE ");
            expr(out, a.filter());
            out.sql(")");
        }
    }

    @Override
    void contains(Out out, Contains c) {
        out.sql("contains(lower(");
        expr(out, c.haystack());
        out.sql("), lower(");
        expr(out, c.needle());
        out.sql("))");
    }

    @Override
    void like(Out out, Like l) {
        operand(out, l.expression());
        out.sql(" LIKE ");
        operand(out, l.pattern());
        out.sql(" ESCAPE '\\'");
    }

    @Override
    void secondsBetween(Out out, SecondsBetween s) {
        // Division binds tighter than every operator of the tree, so no outer brackets are needed.
        out.sql("(epoch_ms(");
        expr(out, s.end());
        out.sql(") - epoch_ms(");
        expr(out, s.start());
        out.sql(")) / 1000.0");
    }

    @Override
    void timeBucket(Out out, TimeBucket b) {
        out.sql("date_trunc('").sql(b.size().name().toLowerCase(Locale.ROOT)).sql("', make_timestamp(");
        localMicros(out, b);
        out.sql("))");
    }

    @Override
    void jsonText(Out out, Sql.JsonText j) {
        out.sql("json_extract_string(");
        expr(out, j.json());
        out.sql(", ").sql(quote("$." + j.key())).sql(")");
    }

    /**
     * Microseconds since the epoch of the local wall-clock time: the UTC epoch plus the zone's offset at that instant,
     * one CASE branch per offset change within the range. Numbers only, computed here from the zone rules.
     */
    private void localMicros(Out out, TimeBucket b) {
        ZoneRules rules = b.zone().getRules();
        out.sql("epoch_us(");
        expr(out, b.ts());
        out.sql(")");
        ZoneOffsetTransition next = rules.nextTransition(b.from());
        if (next == null || !next.getInstant().isBefore(b.until())) {
            long offset = rules.getOffset(b.from()).getTotalSeconds() * MICROS_PER_SECOND;
            if (offset != 0) out.sql(offset < 0 ? " - " : " + ").sql(Long.toString(Math.abs(offset)));
            return;
        }
        out.sql(" + CASE");
        long offset = rules.getOffset(b.from()).getTotalSeconds() * MICROS_PER_SECOND;
        while (next != null && next.getInstant().isBefore(b.until())) {
            out.sql(" WHEN epoch_us(");
            expr(out, b.ts());
            out.sql(") < ").sql(Long.toString(micros(next.getInstant())));
            out.sql(" THEN ").sql(Long.toString(offset));
            offset = next.getOffsetAfter().getTotalSeconds() * MICROS_PER_SECOND;
            next = rules.nextTransition(next.getInstant());
        }
        out.sql(" ELSE ").sql(Long.toString(offset)).sql(" END");
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), MICROS_PER_SECOND), t.getNano() / 1_000);
    }
}
