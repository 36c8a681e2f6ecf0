package com.datasaas.sql;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A small SQL tree: what a query asks, without how an engine spells it. Queries are built from these records and
 * printed by a {@link Dialect}, so DuckDB and ClickHouse run the same tree and each keeps its own golden SQL.
 *
 * <p>Two leaves carry data, on purpose. A {@link Value} is anything that comes from outside the code (site id,
 * instants, filter values, limits): callers never splice it into text, the dialect binds or escapes it. A {@link
 * Constant} is a fixed part of the query written in our code ({@code 'pageview'}, {@code 0}, {@code 576}); it is
 * printed inline so query plans and golden files stay readable.
 *
 * <p>The tree has only what ClickHouse can print too: subqueries rather than table CTEs, joins with an explicit
 * strictness, time buckets as a node (ClickHouse's {@code toStartOfDay(ts, zone)}), conditional aggregates as a node
 * ({@code FILTER (WHERE ...)} on DuckDB, {@code -If} combinators on ClickHouse).
 */
public final class Sql {
    private Sql() {}

    // ---------------------------------------------------------------- expressions

    public sealed interface Expr
            permits Column,
                    Value,
                    Constant,
                    Binary,
                    Logical,
                    In,
                    InQuery,
                    IsNull,
                    Case,
                    Coalesce,
                    Aggregate,
                    Contains,
                    Like,
                    SecondsBetween,
                    TimeBucket,
                    JsonText {}

    /** A column, optionally qualified by a table alias. */
    public record Column(String table, String name) implements Expr {}

    /** A value from outside the code: bound as a parameter or escaped by the dialect, never spliced by callers. */
    public record Value(Object value) implements Expr {
        public Value {
            Objects.requireNonNull(value, "a NULL value is written as IS NULL, not bound");
        }
    }

    /** A fixed number or string of our own code, printed inline. */
    public record Constant(Object value) implements Expr {
        public Constant {
            if (!(value instanceof Number || value instanceof String)) {
                throw new IllegalArgumentException("constants are numbers or strings: " + value);
            }
        }
    }

    public enum Operator {
        EQ("="),
        NE("<>"),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        PLUS("+"),
        MINUS("-");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        boolean arithmetic() {
            return this == PLUS || this == MINUS;
        }
    }

    public record Binary(Operator operator, Expr left, Expr right) implements Expr {}

    /** AND ({@code all} true) or OR of two or more conditions. */
    public record Logical(boolean all, List<Expr> terms) implements Expr {
        public Logical {
            terms = List.copyOf(terms);
        }
    }

    public record In(Expr expression, List<Expr> list, boolean negated) implements Expr {
        public In {
            list = List.copyOf(list);
            if (list.isEmpty()) throw new IllegalArgumentException("IN needs at least one value");
        }
    }

    public record InQuery(Expr expression, Query query) implements Expr {}

    public record IsNull(Expr expression, boolean negated) implements Expr {}

    public record When(Expr condition, Expr then) {}

    /** {@code CASE WHEN ... THEN ... ELSE ... END}; a null {@code otherwise} is SQL's NULL. */
    public record Case(List<When> whens, Expr otherwise) implements Expr {
        public Case {
            whens = List.copyOf(whens);
        }
    }

    public record Coalesce(List<Expr> expressions) implements Expr {
        public Coalesce {
            expressions = List.copyOf(expressions);
        }
    }

    public enum Function {
        /** {@code count(*)} when the argument is null. */
        COUNT,
        /** Exact distinct count (ClickHouse {@code uniqExact}; never an approximation). */
        COUNT_DISTINCT,
        SUM,
        MIN,
        MAX,
        /** Any value of the group; used where all values are equal. */
        ANY,
        /** The argument of the row with the smallest {@code by}, NULL values included. */
        FIRST_BY,
        /** The argument of the row with the largest {@code by}, NULL values included. */
        LAST_BY
    }

    /**
     * An aggregate over the rows meeting {@code filter} (all rows when null). {@code by} is the ordering column of
     * {@link Function#FIRST_BY} and {@link Function#LAST_BY}.
     */
    public record Aggregate(Function function, Expr argument, Expr by, Expr filter) implements Expr {}

    /** Case-insensitive substring test. */
    public record Contains(Expr haystack, Expr needle) implements Expr {}

    /** LIKE where {@code %} and {@code _} are wildcards and a backslash escapes them. */
    public record Like(Expr expression, Expr pattern) implements Expr {}

    /** Seconds, fractional, from {@code start} to {@code end} (two timestamps of one row). */
    public record SecondsBetween(Expr start, Expr end) implements Expr {}

    /**
     * The text of one top-level field of a JSON object stored as text (NULL when absent or not JSON). The key is a
     * fixed name of our own code, printed inline like a {@link Constant}.
     */
    public record JsonText(Expr json, String key) implements Expr {
        public JsonText {
            if (!key.matches("[a-z0-9_]+")) throw new IllegalArgumentException("JSON keys are [a-z0-9_]: " + key);
        }
    }

    public enum BucketSize {
        HOUR,
        DAY,
        /** ISO weeks, starting on Monday. */
        WEEK,
        MONTH
    }

    /**
     * The start of the local-time bucket holding {@code ts}, as a timestamp without zone. The dialect may rely on
     * {@code ts} lying in {@code [from, until)} (the query filters it so), for instance to work with the few zone
     * offsets of that range instead of converting every row through the zone database.
     */
    public record TimeBucket(BucketSize size, Expr ts, ZoneId zone, Instant from, Instant until) implements Expr {}

    // ---------------------------------------------------------------- queries and relations

    public sealed interface Query permits Select, UnionAll {}

    public record Item(Expr expression, String alias) {}

    public record OrderTerm(Expr expression, boolean descending) {}

    public record Select(
            boolean distinct,
            List<Item> items,
            Relation from,
            Expr where,
            List<Expr> groupBy,
            Expr having,
            List<OrderTerm> orderBy,
            Expr limit,
            Expr offset)
            implements Query {
        public Select {
            items = List.copyOf(items);
            groupBy = List.copyOf(groupBy);
            orderBy = List.copyOf(orderBy);
            if (items.isEmpty()) throw new IllegalArgumentException("a SELECT needs at least one item");
        }
    }

    public record UnionAll(List<Select> parts) implements Query {
        public UnionAll {
            parts = List.copyOf(parts);
        }
    }

    public sealed interface Relation permits Table, Subquery, Join {}

    public record Table(String name, String alias) implements Relation {}

    public record Subquery(Query query, String alias) implements Relation {}

    public enum JoinType {
        INNER,
        LEFT
    }

    /**
     * ClickHouse makes the caller say what happens with several matching rows: {@code ALL} joins every match (SQL's
     * meaning), {@code ANY} the first one only. Other dialects print {@code ANY} as a plain join, so use it only where
     * the right side has at most one row per key.
     */
    public enum Strictness {
        ALL,
        ANY
    }

    public record Join(Relation left, JoinType type, Strictness strictness, Relation right, Expr on)
            implements Relation {}

    // ---------------------------------------------------------------- builders

    public static Column col(String name) {
        return new Column(null, name);
    }

    public static Column col(String table, String name) {
        return new Column(table, name);
    }

    public static Value value(Object value) {
        return new Value(value);
    }

    public static List<Expr> values(List<?> values) {
        return values.stream().<Expr>map(Value::new).toList();
    }

    public static Constant constant(Object value) {
        return new Constant(value);
    }

    public static Binary eq(Expr left, Expr right) {
        return new Binary(Operator.EQ, left, right);
    }

    public static Binary ne(Expr left, Expr right) {
        return new Binary(Operator.NE, left, right);
    }

    public static Binary lt(Expr left, Expr right) {
        return new Binary(Operator.LT, left, right);
    }

    public static Binary ge(Expr left, Expr right) {
        return new Binary(Operator.GE, left, right);
    }

    public static Binary gt(Expr left, Expr right) {
        return new Binary(Operator.GT, left, right);
    }

    public static Binary plus(Expr left, Expr right) {
        return new Binary(Operator.PLUS, left, right);
    }

    /** AND of the non-null terms, flattened; null when there is none, so an optional WHERE can be built from it. */
    public static Expr and(List<? extends Expr> terms) {
        return logical(true, terms);
    }

    public static Expr and(Expr... terms) {
        return and(Arrays.asList(terms));
    }

    public static Expr or(List<? extends Expr> terms) {
        return logical(false, terms);
    }

    public static Expr or(Expr... terms) {
        return or(Arrays.asList(terms));
    }

    private static Expr logical(boolean all, List<? extends Expr> terms) {
        List<Expr> flat = new ArrayList<>();
        for (Expr t : terms) {
            if (t == null) continue;
            if (t instanceof Logical l && l.all() == all) {
                flat.addAll(l.terms());
            } else {
                flat.add(t);
            }
        }
        if (flat.isEmpty()) return null;
        return flat.size() == 1 ? flat.get(0) : new Logical(all, flat);
    }

    public static In in(Expr expression, List<Expr> list) {
        return new In(expression, list, false);
    }

    public static In notIn(Expr expression, List<Expr> list) {
        return new In(expression, list, true);
    }

    public static InQuery in(Expr expression, Query query) {
        return new InQuery(expression, query);
    }

    public static IsNull isNull(Expr expression) {
        return new IsNull(expression, false);
    }

    public static IsNull isNotNull(Expr expression) {
        return new IsNull(expression, true);
    }

    public static When when(Expr condition, Expr then) {
        return new When(condition, then);
    }

    public static Case caseWhen(List<When> whens, Expr otherwise) {
        return new Case(whens, otherwise);
    }

    public static Case caseWhen(Expr condition, Expr then, Expr otherwise) {
        return new Case(List.of(new When(condition, then)), otherwise);
    }

    public static Coalesce coalesce(Expr... expressions) {
        return new Coalesce(List.of(expressions));
    }

    public static Aggregate count() {
        return new Aggregate(Function.COUNT, null, null, null);
    }

    public static Aggregate countIf(Expr condition) {
        return new Aggregate(Function.COUNT, null, null, condition);
    }

    public static Aggregate countDistinctIf(Expr expression, Expr condition) {
        return new Aggregate(Function.COUNT_DISTINCT, expression, null, condition);
    }

    public static Aggregate sum(Expr expression) {
        return new Aggregate(Function.SUM, expression, null, null);
    }

    public static Aggregate sumIf(Expr expression, Expr condition) {
        return new Aggregate(Function.SUM, expression, null, condition);
    }

    public static Aggregate min(Expr expression) {
        return new Aggregate(Function.MIN, expression, null, null);
    }

    public static Aggregate max(Expr expression) {
        return new Aggregate(Function.MAX, expression, null, null);
    }

    public static Aggregate any(Expr expression) {
        return new Aggregate(Function.ANY, expression, null, null);
    }

    public static Aggregate firstBy(Expr expression, Expr by, Expr condition) {
        return new Aggregate(Function.FIRST_BY, expression, by, condition);
    }

    public static Aggregate lastBy(Expr expression, Expr by, Expr condition) {
        return new Aggregate(Function.LAST_BY, expression, by, condition);
    }

    public static Contains contains(Expr haystack, Expr needle) {
        return new Contains(haystack, needle);
    }

    public static Like like(Expr expression, Expr pattern) {
        return new Like(expression, pattern);
    }

    public static SecondsBetween secondsBetween(Expr start, Expr end) {
        return new SecondsBetween(start, end);
    }

    public static JsonText jsonText(Expr json, String key) {
        return new JsonText(json, key);
    }

    public static Item as(Expr expression, String alias) {
        return new Item(expression, alias);
    }

    public static Item item(Expr expression) {
        return new Item(expression, null);
    }

    public static OrderTerm asc(Expr expression) {
        return new OrderTerm(expression, false);
    }

    public static OrderTerm desc(Expr expression) {
        return new OrderTerm(expression, true);
    }

    public static Table table(String name) {
        return new Table(name, null);
    }

    public static Table table(String name, String alias) {
        return new Table(name, alias);
    }

    public static Subquery subquery(Query query, String alias) {
        return new Subquery(query, alias);
    }

    public static Join join(Relation left, Relation right, Expr on) {
        return new Join(left, JoinType.INNER, Strictness.ALL, right, on);
    }

    public static Join leftJoin(Relation left, Relation right, Expr on) {
        return new Join(left, JoinType.LEFT, Strictness.ALL, right, on);
    }

    public static SelectBuilder select(List<Item> items) {
        return new SelectBuilder(items);
    }

    public static SelectBuilder select(Item... items) {
        return new SelectBuilder(List.of(items));
    }

    /** Columns selected by name, unqualified. */
    public static List<Item> columns(List<String> names) {
        return names.stream().map(n -> item(col(n))).toList();
    }

    /** Builds a {@link Select} clause by clause, in the order SQL writes them. */
    public static final class SelectBuilder {
        private final List<Item> items;
        private boolean distinct;
        private Relation from;
        private Expr where;
        private List<Expr> groupBy = List.of();
        private Expr having;
        private List<OrderTerm> orderBy = List.of();
        private Expr limit;
        private Expr offset;

        private SelectBuilder(List<Item> items) {
            this.items = items;
        }

        public SelectBuilder distinct() {
            distinct = true;
            return this;
        }

        public SelectBuilder from(Relation relation) {
            from = relation;
            return this;
        }

        /** The AND of the non-null conditions; none leaves the query without WHERE. */
        public SelectBuilder where(Expr... conditions) {
            where = and(conditions);
            return this;
        }

        public SelectBuilder where(List<? extends Expr> conditions) {
            where = and(conditions);
            return this;
        }

        public SelectBuilder groupBy(List<Expr> expressions) {
            groupBy = expressions;
            return this;
        }

        public SelectBuilder having(Expr condition) {
            having = condition;
            return this;
        }

        public SelectBuilder orderBy(List<OrderTerm> terms) {
            orderBy = terms;
            return this;
        }

        public SelectBuilder orderBy(OrderTerm... terms) {
            return orderBy(List.of(terms));
        }

        public SelectBuilder limit(Expr limit) {
            this.limit = limit;
            return this;
        }

        public SelectBuilder limit(Expr limit, Expr offset) {
            this.limit = limit;
            this.offset = offset;
            return this;
        }

        public Select build() {
            return new Select(distinct, items, from, where, groupBy, having, orderBy, limit, offset);
        }
    }
}
