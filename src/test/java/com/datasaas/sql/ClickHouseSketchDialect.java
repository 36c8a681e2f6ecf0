package com.datasaas.sql;

import com.datasaas.sql.Sql.Aggregate;
import com.datasaas.sql.Sql.Contains;
import com.datasaas.sql.Sql.JoinType;
import com.datasaas.sql.Sql.Like;
import com.datasaas.sql.Sql.SecondsBetween;
import com.datasaas.sql.Sql.Strictness;
import com.datasaas.sql.Sql.TimeBucket;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Test only: a second printer in ClickHouse's spelling, with values as escaped literals instead of bound
 * parameters, to show the stats trees carry everything such a dialect needs. Not the server-mode dialect: it has
 * not been run against ClickHouse.
 */
public final class ClickHouseSketchDialect extends SqlPrinter {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Override
    public String name() {
        return "clickhouse-sketch";
    }

    @Override
    void value(Out out, Object value) {
        if (value instanceof Number n) {
            out.sql(n.toString());
        } else if (value instanceof Instant i) {
            out.sql("toDateTime(").sql(quote(SECONDS.format(i))).sql(", 'UTC')");
        } else {
            out.sql(quote(value.toString()));
        }
    }

    @Override
    String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    void aggregate(Out out, Aggregate a) {
        String name = switch (a.function()) {
            case COUNT -> "count";
            case COUNT_DISTINCT -> "uniqExact";
            case SUM -> "sum";
            case MIN -> "min";
            case MAX -> "max";
            case ANY -> "any";
            case FIRST_BY -> "argMin";
            case LAST_BY -> "argMax";
        };
        out.sql(name).sql(a.filter() == null ? "(" : "If(");
        boolean first = true;
        for (Sql.Expr e : new Sql.Expr[] {a.argument(), a.by(), a.filter()}) {
            if (e == null) continue;
            if (!first) out.sql(", ");
            expr(out, e);
            first = false;
        }
        out.sql(")");
    }

    @Override
    void contains(Out out, Contains c) {
        out.sql("(positionCaseInsensitive(");
        expr(out, c.haystack());
        out.sql(", ");
        expr(out, c.needle());
        out.sql(") > 0)");
    }

    @Override
    void like(Out out, Like l) {
        operand(out, l.expression());
        out.sql(" LIKE ");
        operand(out, l.pattern());
    }

    @Override
    void secondsBetween(Out out, SecondsBetween s) {
        out.sql("(toUnixTimestamp(");
        expr(out, s.end());
        out.sql(") - toUnixTimestamp(");
        expr(out, s.start());
        out.sql("))");
    }

    @Override
    void timeBucket(Out out, TimeBucket b) {
        String function = switch (b.size()) {
            case HOUR -> "toStartOfHour";
            case DAY -> "toStartOfDay";
            case WEEK -> "toMonday";
            case MONTH -> "toStartOfMonth";
        };
        out.sql(function).sql("(");
        expr(out, b.ts());
        out.sql(", ").sql(quote(b.zone().getId())).sql(")");
    }

    @Override
    void jsonText(Out out, Sql.JsonText j) {
        // visitParamExtractString: in 18.16 already (JSONExtract* is not); NULL-free, so empty means absent.
        out.sql("nullIf(visitParamExtractString(");
        expr(out, j.json());
        out.sql(", ").sql(quote(j.key())).sql("), '')");
    }

    @Override
    String joinKeyword(JoinType type, Strictness strictness) {
        return strictness.name() + " " + type.name() + " JOIN";
    }
}
