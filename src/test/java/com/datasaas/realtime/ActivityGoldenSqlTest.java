package com.datasaas.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.DuckDbDialect;
import com.datasaas.sql.GoldenSql;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The exact SQL of the realtime map and feed on DuckDB (golden files beside the stats ones). */
class ActivityGoldenSqlTest {
    private final Dialect dialect = new DuckDbDialect();

    @Test
    void active_visitors_take_the_session_start_from_up_to_a_day_earlier() {
        CompiledQuery sql =
                dialect.print(Activity.activeVisitorsQuery("mrf_site", Instant.parse("2026-03-08T12:00:00Z")));
        GoldenSql.assertGolden("duckdb", "active_visitors.sql", sql);
        assertThat(sql.parameters())
                .containsExactly(
                        "mrf_site",
                        OffsetDateTime.parse("2026-03-08T12:00:00Z"),
                        "mrf_site",
                        OffsetDateTime.parse("2026-03-07T12:00:00Z"),
                        "mrf_site",
                        OffsetDateTime.parse("2026-03-08T12:00:00Z"));
    }

    @Test
    void the_same_queries_on_clickhouse() {
        Dialect clickHouse = new ClickHouseDialect(new ClickHouseSessions());
        CompiledQuery active =
                clickHouse.print(Activity.activeVisitorsQuery("mrf_site", Instant.parse("2026-03-08T12:00:00Z")));
        GoldenSql.assertGolden("clickhouse", "active_visitors.sql", active);
        assertThat(active.parameters()).isEmpty();
        CompiledQuery recent = clickHouse.print(Activity.recentEventsQuery("mrf_site", 50));
        GoldenSql.assertGolden("clickhouse", "recent_events.sql", recent);
        assertThat(recent.sql()).contains("LIMIT 50");
    }

    @Test
    void recent_events_bind_the_limit() {
        CompiledQuery sql = dialect.print(Activity.recentEventsQuery("mrf_site", 50));
        GoldenSql.assertGolden("duckdb", "recent_events.sql", sql);
        assertThat(sql.parameters()).containsExactly("mrf_site", 50);
    }
}
