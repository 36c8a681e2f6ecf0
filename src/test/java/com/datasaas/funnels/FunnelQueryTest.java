package com.datasaas.funnels;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.sites.Website;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.DuckDbDialect;
import com.datasaas.sql.GoldenSql;
import com.datasaas.stats.Dimension;
import com.datasaas.stats.Filter;
import com.datasaas.stats.StatsScope;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The funnel tree printed by both printers: DuckDB binds every value; the ClickHouse-spelled sketch prints them as
 * escaped literals and needs nothing the tree lacks (conditional minimum as {@code minIf}, joins with strictness).
 */
class FunnelQueryTest {
    private static final String HOSTILE = "/x' OR 1=1 --\\\\*";

    private static final Funnel FUNNEL = new Funnel(
            "fun_1",
            "mrf_site",
            "f",
            List.of(
                    new Funnel.Step("a", Funnel.StepType.PAGEVIEW, HOSTILE, null),
                    new Funnel.Step("b", Funnel.StepType.GOAL, null, "signup"),
                    new Funnel.Step("c", Funnel.StepType.PAGEVIEW, "/thanks", null)),
            Instant.EPOCH,
            Instant.EPOCH);

    private static final StatsScope SCOPE = new StatsScope(
            new Website(
                    "mrf_site",
                    1,
                    "example.com",
                    "example",
                    "UTC",
                    "USD",
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    Instant.EPOCH,
                    false),
            ZoneId.of("America/New_York"),
            LocalDate.of(2026, 3, 8),
            LocalDate.of(2026, 3, 9),
            List.of(
                    new Filter(Dimension.COUNTRY, Filter.Operator.IS, List.of("DE")),
                    new Filter(Dimension.PATHNAME, Filter.Operator.IS_NOT, List.of("/admin"))));

    @Test
    void duckdb_binds_every_value_and_the_clickhouse_sketch_escapes_them() {
        CompiledQuery duck = new DuckDbDialect().print(FunnelQuery.counts(FUNNEL, SCOPE, Map.of()));
        assertThat(duck.sql()).doesNotContain("1=1").doesNotContain("mrf_site").contains("LEFT JOIN");
        assertThat(duck.parameters()).contains("signup", "DE", "/admin");

        CompiledQuery sketch =
                new ClickHouseDialect(new ClickHouseSessions()).print(FunnelQuery.counts(FUNNEL, SCOPE, Map.of()));
        assertThat(sketch.parameters()).isEmpty();
        // The file is also run on ClickHouse 18.16 and on a current ClickHouse (ClickHouseCurrentEngineTest).
        GoldenSql.assertGolden("clickhouse", "funnel_counts.sql", sketch);
        assertThat(sketch.sql())
                .contains("countIf(funnel__reached >= 3)")
                .contains("'/x\\' OR 1=1")
                .doesNotContain("FILTER (WHERE");
    }

    @Test
    void golden_sql_shows_every_change_of_the_printed_query() {
        GoldenSql.assertGolden(
                "duckdb", "funnel_counts.sql", new DuckDbDialect().print(FunnelQuery.counts(FUNNEL, SCOPE, Map.of())));
    }

    @Test
    void the_ordering_rule_is_strictly_after_the_previous_steps_time_per_visitor() {
        String sql = new DuckDbDialect()
                .print(FunnelQuery.completers(FUNNEL, SCOPE, Map.of()))
                .sql();
        assertThat(sql).contains("e2.ts > p1.t").contains("p1.reached = 1").contains("p2.reached = 2");
        assertThat(sql).contains("GROUP BY p2.visitor_key").contains("reached = 3");
    }
}
