package com.datasaas.sql;

import static com.datasaas.sql.Sql.and;
import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.constant;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.in;
import static com.datasaas.sql.Sql.isNull;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.or;
import static com.datasaas.sql.Sql.plus;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;
import static com.datasaas.sql.Sql.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the shared printer brackets and lays out a tree, and where values go. */
class SqlPrinterTest {
    private final Dialect duckdb = new DuckDbDialect();

    private String where(Sql.Expr condition) {
        return duckdb.print(
                        select(item(col("a"))).from(table("t")).where(condition).build())
                .sql();
    }

    @Test
    void nested_and_or_are_bracketed_and_top_level_conditions_get_a_line_each() {
        assertThat(where(and(eq(col("a"), constant(1)), or(isNull(col("b")), eq(col("b"), constant("x"))))))
                .isEqualTo("SELECT a\nFROM t\nWHERE a = 1\n    AND (b IS NULL OR b = 'x')");
        assertThat(where(or(and(eq(col("a"), constant(1)), eq(col("b"), constant(2))), eq(col("c"), constant(3)))))
                .endsWith("WHERE (a = 1 AND b = 2) OR c = 3");
    }

    @Test
    void arithmetic_keeps_its_grouping() {
        Sql.Expr minusOfSum = new Sql.Binary(Sql.Operator.MINUS, col("a"), plus(col("b"), col("c")));
        assertThat(duckdb.print(select(as(minusOfSum, "d")).build()).sql()).isEqualTo("SELECT a - (b + c) AS d");
        assertThat(duckdb.print(select(as(plus(plus(col("a"), col("b")), col("c")), "d"))
                                .build())
                        .sql())
                .isEqualTo("SELECT a + b + c AS d");
    }

    @Test
    void values_are_bound_in_text_order_and_constants_escaped_inline() {
        CompiledQuery q = duckdb.print(select(item(col("a")))
                .from(table("t"))
                .where(
                        eq(col("s"), value("it's")),
                        in(col("c"), values(List.of("x", "y"))),
                        eq(col("k"), constant("o'k")))
                .limit(value(5))
                .build());
        assertThat(q.sql())
                .isEqualTo("SELECT a\nFROM t\nWHERE s = ?\n    AND c IN (?, ?)\n    AND k = 'o''k'\nLIMIT ?");
        assertThat(q.parameters()).containsExactly("it's", "x", "y", 5);
    }

    @Test
    void a_null_value_or_an_odd_constant_is_refused() {
        assertThatThrownBy(() -> value(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> constant(true)).isInstanceOf(IllegalArgumentException.class);
    }
}
