package com.datasaas.sql;

import com.datasaas.sql.Sql.Aggregate;
import com.datasaas.sql.Sql.Binary;
import com.datasaas.sql.Sql.Case;
import com.datasaas.sql.Sql.Coalesce;
import com.datasaas.sql.Sql.Column;
import com.datasaas.sql.Sql.Constant;
import com.datasaas.sql.Sql.Contains;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.In;
import com.datasaas.sql.Sql.InQuery;
import com.datasaas.sql.Sql.IsNull;
import com.datasaas.sql.Sql.Item;
import com.datasaas.sql.Sql.Join;
import com.datasaas.sql.Sql.JoinType;
import com.datasaas.sql.Sql.JsonText;
import com.datasaas.sql.Sql.Like;
import com.datasaas.sql.Sql.Logical;
import com.datasaas.sql.Sql.OrderTerm;
import com.datasaas.sql.Sql.Query;
import com.datasaas.sql.Sql.Relation;
import com.datasaas.sql.Sql.SecondsBetween;
import com.datasaas.sql.Sql.Select;
import com.datasaas.sql.Sql.Strictness;
import com.datasaas.sql.Sql.Subquery;
import com.datasaas.sql.Sql.Table;
import com.datasaas.sql.Sql.TimeBucket;
import com.datasaas.sql.Sql.UnionAll;
import com.datasaas.sql.Sql.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * What every dialect prints the same way (SELECT ... FROM ... WHERE ..., operators, CASE, IN, joins, the layout of
 * the text) and the hooks for what engines spell differently. One printer serves every thread: the text under
 * construction lives in an {@link Out} per call.
 *
 * <p>Hooks print self-contained expressions (a function call, or anything binding tighter than comparison and
 * arithmetic), except {@link #like}, which is printed where a comparison may stand.
 */
abstract class SqlPrinter implements Dialect {
    private static final int OR = 1;
    private static final int AND = 2;
    private static final int COMPARISON = 3;
    private static final int ARITHMETIC = 4;
    private static final int ATOM = 9;

    @Override
    public final CompiledQuery print(Query query) {
        Out out = new Out();
        query(out, query);
        return new CompiledQuery(out.text.toString(), out.parameters);
    }

    /** The text and bound values of one print, and the indentation of the current subquery. */
    static final class Out {
        final StringBuilder text = new StringBuilder();
        final List<Object> parameters = new ArrayList<>();
        /** Dialect state while printing nested SELECTs (name scopes), innermost last. */
        final java.util.ArrayDeque<Object> scopes = new java.util.ArrayDeque<>();

        int depth;

        Out sql(String s) {
            text.append(s);
            return this;
        }

        /** A placeholder for {@code value}, for dialects with bound parameters. */
        Out bind(Object value) {
            parameters.add(value);
            text.append('?');
            return this;
        }

        Out newline() {
            text.append('\n');
            text.append("    ".repeat(depth));
            return this;
        }
    }

    /** Prints {@code value}: a placeholder plus {@link Out#bind}, or a literal the dialect escapes itself. */
    abstract void value(Out out, Object value);

    /** A string constant of our own code as a literal. */
    String quote(String constant) {
        return "'" + constant.replace("'", "''") + "'";
    }

    abstract void aggregate(Out out, Aggregate a);

    /** A column reference, qualified by its table alias when it has one. */
    void column(Out out, Column c) {
        if (c.table() != null) out.sql(c.table()).sql(".");
        out.sql(c.name());
    }

    abstract void contains(Out out, Contains c);

    abstract void like(Out out, Like l);

    abstract void secondsBetween(Out out, SecondsBetween s);

    abstract void timeBucket(Out out, TimeBucket b);

    abstract void jsonText(Out out, JsonText j);

    String joinKeyword(JoinType type, Strictness strictness) {
        return type == JoinType.LEFT ? "LEFT JOIN" : "JOIN";
    }

    // ---------------------------------------------------------------- queries

    final void query(Out out, Query q) {
        if (q instanceof Select s) {
            select(out, s);
        } else if (q instanceof UnionAll u) {
            for (int i = 0; i < u.parts().size(); i++) {
                if (i > 0) out.newline().sql("UNION ALL").newline();
                select(out, u.parts().get(i));
            }
        } else {
            throw new IllegalArgumentException("unknown query node " + q);
        }
    }

    /**
     * Prints one SELECT. {@code outputPrefix} is null except when a dialect renames the outputs of a subquery (see
     * {@link #subqueryOutputPrefix}).
     */
    void select(Out out, Select s) {
        out.sql(s.distinct() ? "SELECT DISTINCT " : "SELECT ");
        out.depth++;
        for (int i = 0; i < s.items().size(); i++) {
            if (i > 0) out.sql(",").newline();
            item(out, s.items().get(i));
        }
        out.depth--;
        if (s.from() != null) {
            out.newline().sql("FROM ");
            relation(out, s.from());
        }
        if (s.where() != null) {
            out.newline().sql("WHERE ");
            conditions(out, s.where());
        }
        if (!s.groupBy().isEmpty()) {
            out.newline().sql("GROUP BY ");
            list(out, s.groupBy());
        }
        if (s.having() != null) {
            out.newline().sql("HAVING ");
            conditions(out, s.having());
        }
        if (!s.orderBy().isEmpty()) {
            out.newline().sql("ORDER BY ");
            for (int i = 0; i < s.orderBy().size(); i++) {
                if (i > 0) out.sql(", ");
                OrderTerm t = s.orderBy().get(i);
                orderTerm(out, t.expression());
                if (t.descending()) out.sql(" DESC");
            }
        }
        if (s.limit() != null) {
            out.newline().sql("LIMIT ");
            expr(out, s.limit(), 0);
            if (s.offset() != null) {
                out.sql(" OFFSET ");
                expr(out, s.offset(), 0);
            }
        }
    }

    /** An ORDER BY expression; a dialect may resolve names there differently (select aliases first). */
    void orderTerm(Out out, Expr e) {
        expr(out, e, 0);
    }

    void item(Out out, Item item) {
        expr(out, item.expression(), 0);
        if (item.alias() != null) out.sql(" AS ").sql(item.alias());
    }

    /** A WHERE or HAVING condition: one AND term per line, so golden files read as lists of conditions. */
    final void conditions(Out out, Expr condition) {
        if (condition instanceof Logical l && l.all()) {
            out.depth++;
            for (int i = 0; i < l.terms().size(); i++) {
                if (i > 0) out.newline().sql("AND ");
                logicalTerm(out, l.terms().get(i), AND);
            }
            out.depth--;
        } else {
            expr(out, condition, 0);
        }
    }

    void relation(Out out, Relation r) {
        if (r instanceof Table t) {
            out.sql(t.name());
            if (t.alias() != null) out.sql(" AS ").sql(t.alias());
        } else if (r instanceof Subquery s) {
            out.sql("(");
            out.depth++;
            out.newline();
            query(out, s.query());
            out.depth--;
            out.newline().sql(") AS ").sql(s.alias());
        } else if (r instanceof Join j) {
            relation(out, j.left());
            out.newline().sql(joinKeyword(j.type(), j.strictness())).sql(" ");
            relation(out, j.right());
            out.sql(" ON ");
            expr(out, j.on(), 0);
        } else {
            throw new IllegalArgumentException("unknown relation node " + r);
        }
    }

    // ---------------------------------------------------------------- expressions

    final void expr(Out out, Expr e) {
        expr(out, e, 0);
    }

    /** Prints {@code e}, in parentheses when it binds less tightly than its {@code context} requires. */
    final void expr(Out out, Expr e, int context) {
        boolean parens = precedence(e) < context;
        if (parens) out.sql("(");
        bare(out, e);
        if (parens) out.sql(")");
    }

    private static int precedence(Expr e) {
        if (e instanceof Logical l) return l.all() ? AND : OR;
        if (e instanceof Binary b) return b.operator().arithmetic() ? ARITHMETIC : COMPARISON;
        if (e instanceof In || e instanceof InQuery || e instanceof IsNull || e instanceof Like) return COMPARISON;
        return ATOM;
    }

    private void logicalTerm(Out out, Expr term, int context) {
        // A nested AND/OR is always bracketed: correct either way, and nobody has to remember SQL's precedence.
        expr(out, term, term instanceof Logical ? ATOM : context);
    }

    private void bare(Out out, Expr e) {
        if (e instanceof Column c) {
            column(out, c);
        } else if (e instanceof Value v) {
            value(out, v.value());
        } else if (e instanceof Constant c) {
            out.sql(c.value() instanceof String s ? quote(s) : c.value().toString());
        } else if (e instanceof Binary b) {
            expr(out, b.left(), ARITHMETIC);
            out.sql(" ").sql(b.operator().symbol).sql(" ");
            // a - (b + c): the right operand of arithmetic needs brackets at the same level.
            expr(out, b.right(), b.operator().arithmetic() ? ARITHMETIC + 1 : ARITHMETIC);
        } else if (e instanceof Logical l) {
            int own = l.all() ? AND : OR;
            for (int i = 0; i < l.terms().size(); i++) {
                if (i > 0) out.sql(l.all() ? " AND " : " OR ");
                logicalTerm(out, l.terms().get(i), own);
            }
        } else if (e instanceof In in) {
            expr(out, in.expression(), ARITHMETIC);
            out.sql(in.negated() ? " NOT IN (" : " IN (");
            list(out, in.list());
            out.sql(")");
        } else if (e instanceof InQuery in) {
            expr(out, in.expression(), ARITHMETIC);
            out.sql(" IN (");
            out.depth++;
            out.newline();
            query(out, in.query());
            out.depth--;
            out.newline().sql(")");
        } else if (e instanceof IsNull n) {
            expr(out, n.expression(), ARITHMETIC);
            out.sql(n.negated() ? " IS NOT NULL" : " IS NULL");
        } else if (e instanceof Case c) {
            out.sql("CASE");
            for (Sql.When w : c.whens()) {
                out.sql(" WHEN ");
                expr(out, w.condition(), 0);
                out.sql(" THEN ");
                if (w.then() == null) {
                    out.sql("NULL");
                } else {
                    expr(out, w.then(), 0);
                }
            }
            if (c.otherwise() != null) {
                out.sql(" ELSE ");
                expr(out, c.otherwise(), 0);
            }
            out.sql(" END");
        } else if (e instanceof Coalesce c) {
            out.sql("coalesce(");
            list(out, c.expressions());
            out.sql(")");
        } else if (e instanceof Aggregate a) {
            aggregate(out, a);
        } else if (e instanceof Contains c) {
            contains(out, c);
        } else if (e instanceof Like l) {
            like(out, l);
        } else if (e instanceof SecondsBetween s) {
            secondsBetween(out, s);
        } else if (e instanceof TimeBucket b) {
            timeBucket(out, b);
        } else if (e instanceof JsonText j) {
            jsonText(out, j);
        } else {
            throw new IllegalArgumentException("unknown expression node " + e);
        }
    }

    /** Operands of a hook's comparison or arithmetic, bracketed when needed. */
    final void operand(Out out, Expr e) {
        expr(out, e, ARITHMETIC);
    }

    final void list(Out out, List<Expr> expressions) {
        for (int i = 0; i < expressions.size(); i++) {
            if (i > 0) out.sql(", ");
            expr(out, expressions.get(i), 0);
        }
    }
}
