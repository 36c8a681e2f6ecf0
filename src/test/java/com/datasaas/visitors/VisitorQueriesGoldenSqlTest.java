package com.datasaas.visitors;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.DuckDbDialect;
import com.datasaas.sql.GoldenSql;
import com.datasaas.sql.Sql;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact SQL of the visitors list on DuckDB (golden file), and the same tree in ClickHouse's spelling: values as
 * escaped literals, identities read with {@code visitParamExtractString}, the identity join with ANY strictness.
 */
class VisitorQueriesGoldenSqlTest {
    private final Dialect duckdb = new DuckDbDialect();
    private final Dialect sketch = new ClickHouseDialect(new ClickHouseSessions());

    private Sql.Select list() {
        Sql.Select perVisitor = VisitorQueries.perVisitor(
                "mrf_site",
                Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-04-01T00:00:00Z"),
                VisitorQueries.visitorKeyIn(List.of(7L, 9L)));
        return VisitorQueries.profiles("mrf_site", perVisitor, 50, 100);
    }

    @Test
    void the_list_groups_visitors_by_their_latest_identity() {
        CompiledQuery sql = duckdb.print(list());
        GoldenSql.assertGolden("duckdb", "visitors_list.sql", sql);
        assertThat(sql.sql()).contains("json_extract_string(metadata, '$.user_id')");
        assertThat(sql.parameters()).startsWith("mrf_site").endsWith(50, 100);
    }

    @Test
    void the_same_tree_prints_for_clickhouse() {
        CompiledQuery sql = sketch.print(list());
        // The file is also run on ClickHouse 18.16 and on a current ClickHouse (ClickHouseCurrentEngineTest).
        GoldenSql.assertGolden("clickhouse", "visitors_list.sql", sql);
        assertThat(sql.parameters()).isEmpty();
        assertThat(sql.sql())
                .contains("nullIf(visitParamExtractString(metadata, 'user_id'), '')")
                .contains("LIMIT 50 OFFSET 100")
                .doesNotContain("?");
    }

    @Test
    void the_journey_reads_sessions_then_their_events() {
        GoldenSql.assertGolden(
                "duckdb", "visitor_sessions.sql", duckdb.print(VisitorQueries.sessions("mrf_site", List.of(7L))));
        GoldenSql.assertGolden(
                "duckdb",
                "visitor_journey_events.sql",
                duckdb.print(VisitorQueries.journeyEvents("mrf_site", List.of(3L, 4L))));
    }
}
