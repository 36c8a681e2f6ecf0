package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.funnels.FunnelFixtures;
import com.datasaas.goals.Goal;
import com.datasaas.sites.Website;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.GoldenSql;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact SQL the ClickHouse dialect prints (the same cases as {@link DuckDbDialectGoldenSqlTest}), kept in {@code src/test/resources/stats/golden/clickhouse}, so any change to
 * generated SQL shows up in review. After an intended change, run with {@code -Dgolden.update=true} and read the
 * diff.
 */
class ClickHouseDialectGoldenSqlTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Goal SIGNUP =
            new Goal("goal_1", "mrf_site", "signup", "Sign up", Goal.Type.CUSTOM, null, Instant.EPOCH);
    private static final Goal DOCS =
            new Goal("goal_2", "mrf_site", "docs", "Docs", Goal.Type.PAGEVIEW, "/docs/*_v1", Instant.EPOCH);

    private final Dialect dialect = new ClickHouseDialect(new ClickHouseSessions());

    private CompiledQuery aggregate(StatsQuery q) {
        return dialect.print(QueryCompiler.aggregate(q));
    }

    private CompiledQuery groupCount(StatsQuery q) {
        return dialect.print(QueryCompiler.groupCount(q));
    }

    private CompiledQuery goals(StatsQuery q) {
        return dialect.print(QueryCompiler.goals(q));
    }

    private static StatsQuery query(
            List<Dimension> dimensions, List<Filter> filters, Interval interval, int limit, List<Goal> goals) {
        return new StatsQuery(
                "mrf_site",
                LocalDate.of(2026, 3, 8),
                LocalDate.of(2026, 3, 9),
                NEW_YORK,
                List.of(Metric.VISITORS),
                dimensions,
                filters,
                interval,
                StatsQuery.Order.VISITORS_DESC,
                limit,
                limit > 0 ? 20 : 0,
                goals);
    }

    @Test
    void overview_without_filters_or_goals_reads_the_sessions_table() {
        CompiledQuery sql = aggregate(query(List.of(), List.of(), null, 0, List.of()));
        assertGolden("overview.sql", sql);
        // The range's sessions (crossing test, site, overlap), events near the edges (the range is two days: one
        // window), and which sessions cross an edge (site, overlap, crossing test).
        assertThat(sql.parameters()).isEmpty();
    }

    @Test
    void session_level_filters_and_goals_stay_on_the_sessions_table() {
        CompiledQuery sql = aggregate(query(
                List.of(Dimension.REFERRER),
                List.of(
                        new Filter(Dimension.CHANNEL, Filter.Operator.IS, List.of("Organic Search")),
                        new Filter(Dimension.UTM_CAMPAIGN, Filter.Operator.CONTAINS, List.of("spring"))),
                null,
                10,
                List.of(SIGNUP, DOCS)));
        assertGolden("breakdown_referrer_session_filters.sql", sql);
        // Values are escaped literals; the LIKE pattern keeps its backslash escape, doubled inside the quotes.
        assertThat(sql.parameters()).isEmpty();
        assertThat(sql.sql())
                .contains("'signup'")
                .contains("LIKE '/docs/%\\\\_v1'")
                .contains("'Organic Search'");
    }

    @Test
    void breakdown_by_pathname_with_event_and_session_filters_and_goals() {
        CompiledQuery sql = aggregate(query(
                List.of(Dimension.PATHNAME),
                List.of(
                        new Filter(Dimension.COUNTRY, Filter.Operator.IS, List.of("US", "CA")),
                        new Filter(Dimension.CHANNEL, Filter.Operator.IS_NOT, List.of("Direct")),
                        new Filter(Dimension.PATHNAME, Filter.Operator.CONTAINS, List.of("blog", "docs"))),
                null,
                10,
                List.of(SIGNUP, DOCS)));
        assertGolden("breakdown_pathname_filtered.sql", sql);
        assertThat(sql.parameters()).isEmpty();
    }

    /** The funnel_step filter: the visitors of a funnel step, as an IN over the funnel's own query. */
    private static StatsQuery withFunnelStep(StatsQuery q, List<Filter> funnelFilters) {
        Website site = new Website(
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
                false);
        StatsScope scope = new StatsScope(site, q.zone(), q.start(), q.end(), funnelFilters);
        return q.withVisitors(List.of(FunnelFixtures.reachedStep(scope, 2)));
    }

    @Test
    void a_funnel_step_filter_keeps_the_visitors_of_the_step_in_both_forms() {
        List<Filter> country = List.of(new Filter(Dimension.COUNTRY, Filter.Operator.IS, List.of("DE")));
        // the sessions-table form (overview) and the events form (a pathname breakdown)
        CompiledQuery overview = aggregate(withFunnelStep(query(List.of(), country, null, 0, List.of()), country));
        assertGolden("overview_funnel_step.sql", overview);
        assertThat(overview.sql()).contains("s__visitor_key IN (");
        CompiledQuery pages =
                aggregate(withFunnelStep(query(List.of(Dimension.PATHNAME), country, null, 10, List.of()), country));
        assertGolden("breakdown_pathname_funnel_step.sql", pages);
        assertThat(pages.sql()).contains("e__visitor_key IN (");
        assertGolden(
                "goals_funnel_step.sql",
                goals(withFunnelStep(query(List.of(), List.of(), null, 0, List.of(SIGNUP)), List.of())));
    }

    @Test
    void breakdown_by_session_level_dimensions() {
        assertGolden(
                "breakdown_entry_page.sql",
                aggregate(query(List.of(Dimension.ENTRY_PAGE), List.of(), null, 10, List.of())));
        assertGolden(
                "breakdown_referrer_screen_size.sql",
                aggregate(query(
                        List.of(Dimension.SCREEN_SIZE),
                        List.of(new Filter(Dimension.REFERRER, Filter.Operator.IS, List.of("Google"))),
                        null,
                        10,
                        List.of())));
    }

    @Test
    void breakdown_by_goal_keeps_goal_events_only() {
        assertGolden(
                "breakdown_goal_name.sql",
                aggregate(query(List.of(Dimension.GOAL_NAME), List.of(), null, 10, List.of(SIGNUP))));
    }

    @Test
    void breakdown_total_counts_groups() {
        assertGolden(
                "breakdown_count.sql", groupCount(query(List.of(Dimension.COUNTRY), List.of(), null, 10, List.of())));
    }

    @Test
    void hourly_timeseries_buckets_in_the_site_zone() {
        CompiledQuery sql = aggregate(query(List.of(), List.of(), Interval.HOUR, 0, List.of()));
        assertGolden("timeseries_hour.sql", sql);
        assertThat(sql.sql()).contains("toStartOfHour(e__ts, 'America/New_York')");
    }

    @Test
    void goal_completions() {
        CompiledQuery sql = goals(query(List.of(), List.of(), null, 0, List.of(SIGNUP, DOCS)));
        assertGolden("goals.sql", sql);
        assertThat(sql.parameters()).isEmpty();
    }

    @Test
    void last_pageview_for_a_server_side_goal() {
        assertGolden("last_pageview.sql", dialect.print(QueryCompiler.lastPageview("mrf_site", 42L)));
    }

    @Test
    void goal_path_wildcards_become_like_patterns() {
        assertThat(QueryCompiler.likePattern("/blog/*")).isEqualTo("/blog/%");
        assertThat(QueryCompiler.likePattern("/100%_off*")).isEqualTo("/100\\%\\_off%");
    }

    private static void assertGolden(String file, CompiledQuery compiled) {
        GoldenSql.assertGolden("clickhouse", file, compiled);
    }
}
