package com.datasaas.sql;

import com.datasaas.sql.Sql.Aggregate;
import com.datasaas.sql.Sql.Binary;
import com.datasaas.sql.Sql.Column;
import com.datasaas.sql.Sql.Contains;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.Item;
import com.datasaas.sql.Sql.Join;
import com.datasaas.sql.Sql.Like;
import com.datasaas.sql.Sql.Logical;
import com.datasaas.sql.Sql.Query;
import com.datasaas.sql.Sql.Relation;
import com.datasaas.sql.Sql.SecondsBetween;
import com.datasaas.sql.Sql.Select;
import com.datasaas.sql.Sql.Subquery;
import com.datasaas.sql.Sql.Table;
import com.datasaas.sql.Sql.TimeBucket;
import com.datasaas.sql.Sql.UnionAll;
import com.datasaas.sql.Sql.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * ClickHouse, in SQL that both Debian's 18.16 and current releases accept (design section 8): values as literals
 * this class escapes (18.16 has no server-side parameters), {@code -If} combinators, one JOIN per SELECT with explicit
 * strictness, time buckets with {@code toStartOfHour(ts, zone)}, {@code toDate}, {@code toMonday}, {@code toStartOfMonth} (never {@code toStartOfInterval}).
 *
 * <p><b>Names.</b> ClickHouse resolves a name to a SELECT alias before a column of the FROM clause ({@code
 * sum(pageviews) AS pageviews} is "an aggregate inside an aggregate"), and 18.16 mixes up same-named columns of the
 * two sides of a JOIN. So every subquery's outputs are renamed {@code <alias>__<name>}, references into it are
 * printed with those names, and each SELECT gives its outputs back their plain names. ORDER BY resolves select aliases
 * first, as SQL does.
 *
 * <p><b>Time.</b> 18.16 has no sub-second DateTime: {@code ts} is a {@code DateTime('UTC')} for comparisons, buckets
 * and output, and {@code ts_us} holds the exact microseconds. First/last values are ordered by {@code ts_us}, and
 * durations come from {@code started_at_us}/{@code ended_at_us} of the sessions relation, so they equal the
 * embedded engine's to the microsecond.
 *
 * <p><b>Sessions.</b> The tree names a {@code sessions} table; here it is the relation {@link SessionsRelation}
 * prints (the stored partial states merged per session), given the site and range of the enclosing query so only
 * the rows that can belong to its sessions are read.
 */
@Component
public final class ClickHouseDialect extends SqlPrinter {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String SEPARATOR = "__";

    /**
     * No session lasts this long (sessions end after 30 minutes of inactivity): the stats compiler's edge windows and
     * the realtime queries rely on the same bound ({@code QueryCompiler.SESSION_MARGIN}, {@code Activity}).
     */
    static final Duration SESSION_MARGIN = Duration.ofDays(1);

    /** How the event store defines the {@code sessions} relation. */
    public interface SessionsRelation {
        /**
         * A SELECT with one row per session and the columns the stats queries read from {@code sessions}, including
         * {@code started_at_us} and {@code ended_at_us}. {@code siteId} (or null for every site) and the windows of
         * event times (none: all time) narrow what it reads: every session lying wholly in a window must come out
         * whole; a session the windows cut may come out partial (its span inside its true span), since the enclosing
         * query only keeps sessions that lie wholly in one of them (see {@link #window}).
         */
        String select(String siteId, List<TimeWindow> windows);
    }

    /**
     * Event times {@code [from, until)} a sessions read may be narrowed to; a read with several reads the days of
     * any of them.
     */
    public record TimeWindow(Instant from, Instant until) {}

    private final SessionsRelation sessions;

    public ClickHouseDialect(SessionsRelation sessions) {
        this.sessions = sessions;
    }

    @Override
    public String name() {
        return "clickhouse";
    }

    /** Marks the subquery being printed: its SELECT renames its outputs with this prefix. */
    private record Prefix(String alias) {}

    /** Names visible in one SELECT. */
    private record Scope(
            String prefix,
            Map<String, String> inputs,
            Set<String> aliases,
            Expr where,
            boolean ordering,
            String tableAlias) {}

    // ---------------------------------------------------------------- values

    @Override
    void value(Out out, Object value) {
        out.sql(literal(value));
    }

    /** A value as a ClickHouse literal; strings escaped for ClickHouse's quoting (backslash and quote). */
    public static String literal(Object value) {
        if (value instanceof Number n) return n.toString();
        if (value instanceof Boolean b) return b ? "1" : "0";
        if (value instanceof Instant i) return "toDateTime(" + string(SECONDS.format(i)) + ", 'UTC')";
        return string(value.toString());
    }

    private static String string(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    String quote(String constant) {
        return string(constant);
    }

    // ---------------------------------------------------------------- names and relations

    @Override
    void select(Out out, Select s) {
        String prefix = out.scopes.peekLast() instanceof Prefix p ? p.alias() : null;
        Map<String, String> inputs = new HashMap<>();
        if (s.from() instanceof Subquery sub) {
            for (String name : outputs(sub.query())) inputs.put(name, sub.alias() + SEPARATOR + name);
        }
        Set<String> aliases = new HashSet<>();
        for (Item item : s.items()) {
            String alias = outputName(item);
            if (alias != null) aliases.add(alias);
        }
        // A table read directly (FROM sessions AS s) keeps its column names: s.x is plain x, not a join side's s__x.
        String tableAlias = s.from() instanceof Table t ? t.alias() : null;
        out.scopes.addLast(new Scope(prefix, inputs, aliases, s.where(), false, tableAlias));
        try {
            super.select(out, s);
        } finally {
            out.scopes.removeLast();
        }
    }

    private static List<String> outputs(Query q) {
        Select first = q instanceof UnionAll u ? u.parts().get(0) : (Select) q;
        return first.items().stream().map(ClickHouseDialect::outputName).toList();
    }

    private static String outputName(Item item) {
        if (item.alias() != null) return item.alias();
        return item.expression() instanceof Column c ? c.name() : null;
    }

    private Scope scope(Out out) {
        for (var it = out.scopes.descendingIterator(); it.hasNext(); ) {
            if (it.next() instanceof Scope s) return s;
        }
        return null;
    }

    @Override
    void item(Out out, Item item) {
        Scope scope = scope(out);
        String name = outputName(item);
        String alias =
                name == null || scope == null || scope.prefix() == null ? name : scope.prefix() + SEPARATOR + name;
        int start = out.text.length();
        expr(out, item.expression());
        if (alias != null && !out.text.substring(start).equals(alias))
            out.sql(" AS ").sql(alias);
    }

    @Override
    void orderTerm(Out out, Expr e) {
        Scope scope = scope(out);
        out.scopes.removeLast();
        out.scopes.addLast(
                new Scope(scope.prefix(), scope.inputs(), scope.aliases(), scope.where(), true, scope.tableAlias()));
        try {
            expr(out, e);
        } finally {
            out.scopes.removeLast();
            out.scopes.addLast(scope);
        }
    }

    @Override
    void column(Out out, Column c) {
        Scope current = scope(out);
        if (c.table() != null && current != null && c.table().equals(current.tableAlias())) {
            out.sql(c.name());
            return;
        }
        if (c.table() != null) {
            // Only the two sides of a JOIN are referred to by alias; their outputs carry the alias as a prefix.
            out.sql(c.table()).sql(SEPARATOR).sql(c.name());
            return;
        }
        Scope scope = scope(out);
        if (scope == null) {
            out.sql(c.name());
        } else if (scope.ordering() && scope.aliases().contains(c.name())) {
            out.sql(scope.prefix() == null ? c.name() : scope.prefix() + SEPARATOR + c.name());
        } else {
            out.sql(scope.inputs().getOrDefault(c.name(), c.name()));
        }
    }

    @Override
    void relation(Out out, Relation r) {
        if (r instanceof Table t && t.name().equals("sessions")) {
            Scope scope = scope(out);
            Window window = scope == null ? Window.ALL : window(scope.where());
            out.sql("(");
            out.depth++;
            out.newline();
            out.sql(sessions.select(window.siteId(), window.times()).replace("\n", "\n" + "    ".repeat(out.depth)));
            out.depth--;
            out.newline().sql(")");
            if (t.alias() != null) out.sql(" AS ").sql(t.alias());
        } else if (r instanceof Subquery s) {
            out.scopes.addLast(new Prefix(s.alias()));
            try {
                super.relation(out, s);
            } finally {
                out.scopes.removeLast();
            }
        } else if (r instanceof Join j) {
            if (!(j.left() instanceof Subquery left) || !(j.right() instanceof Subquery)) {
                throw new IllegalArgumentException("ClickHouse 18.16 joins two subqueries, one JOIN per SELECT: " + j);
            }
            // 18.16 wants the left side's key first in ON.
            Expr on = j.on();
            if (on instanceof Binary b
                    && b.operator() == Sql.Operator.EQ
                    && b.left() instanceof Column l
                    && !left.alias().equals(l.table())) {
                on = new Binary(Sql.Operator.EQ, b.right(), b.left());
            }
            super.relation(out, new Join(j.left(), j.type(), j.strictness(), j.right(), on));
        } else {
            super.relation(out, r);
        }
    }

    /** What the sessions relation may read: a site (or all) and windows of event times (none: all time). */
    private record Window(String siteId, List<TimeWindow> times) {
        static final Window ALL = new Window(null, List.of());
    }

    /**
     * What the sessions relation may read, from the enclosing WHERE: the site ({@code site_id = value}) and, when the
     * query asks for sessions overlapping a range ({@code started_at < until AND ended_at >= from}), only events within
     * {@link #SESSION_MARGIN} of it. Exact, not an estimate: a session overlapping the range lies wholly in that window,
     * and a session cut by the window's edges ends before the range or starts after it, so the same WHERE drops it.
     *
     * <p>When the query asks only for the sessions crossing an edge of the range ({@code started_at < from OR ended_at
     * >= until} as well), the windows are the margins around the two edges: a session crossing an edge lies wholly
     * within a margin of it, and one the margins cut lies wholly inside the range (its parts neither start before it
     * nor end after it), so the same WHERE drops it. That reads a few days instead of the whole range.
     */
    private static Window window(Expr where) {
        List<Expr> terms =
                where instanceof Logical l && l.all() ? l.terms() : where == null ? List.of() : List.of(where);
        String site = null;
        Instant until = null;
        Instant from = null;
        boolean crossing = false;
        for (Expr t : terms) {
            if (t instanceof Logical l && !l.all()) crossing |= crossing(l, terms);
            if (!(t instanceof Binary b) || !(b.left() instanceof Column c) || c.table() != null) continue;
            if (!(b.right() instanceof Value v)) continue;
            if (b.operator() == Sql.Operator.EQ && c.name().equals("site_id"))
                site = v.value().toString();
            if (b.operator() == Sql.Operator.LT && c.name().equals("started_at") && v.value() instanceof Instant i) {
                until = i;
            }
            if (b.operator() == Sql.Operator.GE && c.name().equals("ended_at") && v.value() instanceof Instant i) {
                from = i;
            }
        }
        if (site == null) return Window.ALL;
        if (from == null || until == null) return new Window(site, List.of());
        if (crossing) {
            return new Window(
                    site,
                    List.of(
                            new TimeWindow(from.minus(SESSION_MARGIN), from.plus(SESSION_MARGIN)),
                            new TimeWindow(until.minus(SESSION_MARGIN), until.plus(SESSION_MARGIN))));
        }
        return new Window(site, List.of(new TimeWindow(from.minus(SESSION_MARGIN), until.plus(SESSION_MARGIN))));
    }

    /**
     * Whether {@code or} is {@code started_at < from OR ended_at >= until} for the {@code from} and {@code until} of
     * the overlap conditions among {@code terms} ({@code ended_at >= from}, {@code started_at < until}).
     */
    private static boolean crossing(Logical or, List<Expr> terms) {
        if (or.terms().size() != 2) return false;
        Instant before = bound(or.terms().get(0), Sql.Operator.LT, "started_at");
        Instant after = bound(or.terms().get(1), Sql.Operator.GE, "ended_at");
        if (before == null || after == null) return false;
        Instant from = null;
        Instant until = null;
        for (Expr t : terms) {
            Instant f = bound(t, Sql.Operator.GE, "ended_at");
            Instant u = bound(t, Sql.Operator.LT, "started_at");
            if (f != null) from = f;
            if (u != null) until = u;
        }
        return before.equals(from) && after.equals(until);
    }

    /** The instant of {@code column <operator> instant}, else null. */
    private static Instant bound(Expr e, Sql.Operator operator, String column) {
        if (e instanceof Binary b
                && b.operator() == operator
                && b.left() instanceof Column c
                && c.table() == null
                && c.name().equals(column)
                && b.right() instanceof Value v
                && v.value() instanceof Instant i) {
            return i;
        }
        return null;
    }

    @Override
    String joinKeyword(Sql.JoinType type, Sql.Strictness strictness) {
        return strictness.name() + " " + (type == Sql.JoinType.LEFT ? "LEFT" : "INNER") + " JOIN";
    }

    // ---------------------------------------------------------------- functions

    @Override
    void aggregate(Out out, Aggregate a) {
        switch (a.function()) {
            case COUNT -> {
                if (a.argument() == null) {
                    call(out, a.filter() == null ? "count" : "countIf", a.filter());
                } else {
                    call(out, a.filter() == null ? "count" : "countIf", a.argument(), a.filter());
                }
            }
            case COUNT_DISTINCT ->
                call(out, a.filter() == null ? "uniqExact" : "uniqExactIf", a.argument(), a.filter());
            case ANY -> call(out, a.filter() == null ? "any" : "anyIf", a.argument(), a.filter());
            case SUM, MIN, MAX -> {
                // SQL's NULL over no (non-NULL) rows, where ClickHouse gives 0.
                String name = a.function().name().toLowerCase(java.util.Locale.ROOT);
                out.sql("if(countIf(");
                operand(out, a.argument());
                out.sql(" IS NOT NULL");
                if (a.filter() != null) {
                    out.sql(" AND (");
                    expr(out, a.filter());
                    out.sql(")");
                }
                out.sql(") = 0, NULL, ");
                call(out, a.filter() == null ? name : name + "If", a.argument(), a.filter());
                out.sql(")");
            }
            case FIRST_BY, LAST_BY -> {
                // argMin/argMax of (is the value there, the value): keeps rows whose value is NULL (plain argMin
                // skips them) and gives NULL over no rows (the flag's default is 0). No Nullable inside the state:
                // 18.16 cannot send a state holding a Nullable between servers (a sharded cluster's shards answer
                // with wrong values or crash), so the flag stands for it.
                String name = (a.function() == Sql.Function.FIRST_BY ? "argMin" : "argMax")
                        + (a.filter() == null ? "" : "If");
                out.sql("if(tupleElement(");
                pick(out, name, a);
                out.sql(", 1) = 1, tupleElement(");
                pick(out, name, a);
                out.sql(", 2), NULL)");
            }
        }
    }

    /** {@code argMax(tuple(isNotNull(x), assumeNotNull(x)), ts_us[, filter])}: printed twice, computed once. */
    private void pick(Out out, String name, Sql.Aggregate a) {
        out.sql(name).sql("(tuple(isNotNull(");
        expr(out, a.argument());
        out.sql("), assumeNotNull(");
        expr(out, a.argument());
        out.sql(")), ");
        expr(out, exactTime(a.by()));
        if (a.filter() != null) {
            out.sql(", ");
            expr(out, a.filter());
        }
        out.sql(")");
    }

    private void call(Out out, String name, Expr... arguments) {
        out.sql(name).sql("(");
        boolean first = true;
        for (Expr e : arguments) {
            if (e == null) continue;
            if (!first) out.sql(", ");
            expr(out, e);
            first = false;
        }
        out.sql(")");
    }

    /** {@code ts} as its exact twin {@code ts_us}: 18.16's DateTime has whole seconds only. */
    private static Expr exactTime(Expr e) {
        return e instanceof Column c && c.name().equals("ts") ? new Column(c.table(), "ts_us") : e;
    }

    @Override
    void contains(Out out, Contains c) {
        out.sql("(positionCaseInsensitiveUTF8(");
        expr(out, c.haystack());
        out.sql(", ");
        expr(out, c.needle());
        out.sql(") > 0)");
    }

    @Override
    void like(Out out, Like l) {
        // ClickHouse's LIKE takes a backslash as the escape character, as the tree's patterns do.
        operand(out, l.expression());
        out.sql(" LIKE ");
        operand(out, l.pattern());
    }

    @Override
    void secondsBetween(Out out, SecondsBetween s) {
        if (!(s.start() instanceof Column start) || !(s.end() instanceof Column end)) {
            throw new IllegalArgumentException("ClickHouse measures durations between timestamp columns: " + s);
        }
        out.sql("(");
        column(out, new Column(end.table(), end.name() + "_us"));
        out.sql(" - ");
        column(out, new Column(start.table(), start.name() + "_us"));
        out.sql(") / 1000000.0");
    }

    /**
     * A bucket is a wall-clock time in the site's zone, without zone. ClickHouse's {@code toStartOfHour(ts, zone)} is
     * an instant, and the two 01:00s of a night when clocks go back are two instants; so the hour is printed as its
     * wall-clock text read back in {@code Etc/UTC}, a zone with no changes, which the store reads as a time without
     * zone. Days, weeks and months are Dates, which have no zone to begin with.
     */
    @Override
    void timeBucket(Out out, TimeBucket b) {
        String zone = string(b.zone().getId());
        if (b.size() == Sql.BucketSize.HOUR) {
            out.sql("toDateTime(toString(toStartOfHour(");
            expr(out, b.ts());
            out.sql(", ").sql(zone).sql(")), 'Etc/UTC')");
            return;
        }
        String function = switch (b.size()) {
            case DAY -> "toDate";
            case WEEK -> "toMonday";
            default -> "toStartOfMonth";
        };
        out.sql(function).sql("(");
        expr(out, b.ts());
        out.sql(", ").sql(zone).sql(")");
    }

    /** {@code visitParamExtractString} exists in 18.16 ({@code JSONExtract*} does not); it never answers NULL. */
    @Override
    void jsonText(Out out, Sql.JsonText j) {
        out.sql("nullIf(visitParamExtractString(");
        expr(out, j.json());
        out.sql(", ").sql(string(j.key())).sql("), '')");
    }
}
