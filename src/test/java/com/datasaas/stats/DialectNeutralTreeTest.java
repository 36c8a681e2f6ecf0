package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.goals.Goal;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stats trees printed by the ClickHouse dialect, with values as escaped literals:
 * nothing DuckDB-specific is baked into the trees, and a value reaches the text only through the dialect.
 */
class DialectNeutralTreeTest {
    private static final String HOSTILE = "x' OR 1=1 --\\";
    private final Dialect sketch = new ClickHouseDialect(new ClickHouseSessions());

    private static StatsQuery query(List<Dimension> dimensions, List<Filter> filters, Interval interval) {
        return new StatsQuery(
                "mrf_site",
                LocalDate.of(2026, 3, 8),
                LocalDate.of(2026, 3, 9),
                ZoneId.of("America/New_York"),
                List.of(Metric.VISITORS),
                dimensions,
                filters,
                interval,
                StatsQuery.Order.VISITORS_DESC,
                10,
                0,
                List.of(new Goal("g", "mrf_site", "signup", "Sign up", Goal.Type.CUSTOM, null, Instant.EPOCH)));
    }

    @Test
    void events_form_with_filters_prints_with_literals_and_clickhouse_functions() {
        CompiledQuery sql = sketch.print(QueryCompiler.aggregate(query(
                List.of(Dimension.PATHNAME),
                List.of(
                        new Filter(Dimension.COUNTRY, Filter.Operator.IS, List.of(HOSTILE)),
                        new Filter(Dimension.CHANNEL, Filter.Operator.CONTAINS, List.of("search"))),
                null)));
        assertThat(sql.parameters()).isEmpty();
        assertThat(sql.sql())
                .doesNotContain("?")
                .doesNotContain("WITH ")
                .contains("s__country IN ('x\\' OR 1=1 --\\\\')")
                .contains("(positionCaseInsensitiveUTF8(s__channel, 'search') > 0)")
                .contains("ALL INNER JOIN")
                .contains("uniqExactIf(per_session__visitor_key, per_session__counted > 0)")
                .contains("site_id = 'mrf_site'")
                .contains("ts >= toDateTime('2026-03-08 05:00:00', 'UTC')");
    }

    @Test
    void sessions_form_timeseries_and_goals_print_too() {
        String sessions = sketch.print(QueryCompiler.aggregate(query(List.of(Dimension.CHANNEL), List.of(), null)))
                .sql();
        // The sessions relation: the stored partial states, merged per session (not a group-by over events).
        assertThat(sessions)
                .contains("ALL LEFT JOIN")
                .contains("countIfMerge(pageviews_state) AS pageviews")
                .contains("FROM sessions");
        String hourly = sketch.print(QueryCompiler.aggregate(query(List.of(), List.of(), Interval.HOUR)))
                .sql();
        assertThat(hourly)
                .contains("toDateTime(toString(toStartOfHour(e__ts, 'America/New_York')), 'Etc/UTC') AS hits__g0");
        String goals = sketch.print(QueryCompiler.goals(query(List.of(), List.of(), null)))
                .sql();
        assertThat(goals).contains("goal_name = 'signup' AS matched__goal_0").contains("countIf(matched__goal_0)");
        assertThat(List.of(sessions, hourly, goals)).noneMatch(s -> s.contains("?"));
    }
}
