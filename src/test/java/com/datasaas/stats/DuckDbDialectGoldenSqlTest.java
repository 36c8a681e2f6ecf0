package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.RollupCoverage;
import com.datasaas.funnels.FunnelFixtures;
import com.datasaas.goals.Goal;
import com.datasaas.sites.Website;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.DuckDbDialect;
import com.datasaas.sql.GoldenSql;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The exact SQL the DuckDB dialect prints, kept in {@code src/test/resources/stats/golden/duckdb}, so any change to
 * generated SQL shows up in review. After an intended change, run with {@code -Dgolden.update=true} and read the
 * diff.
 */
class DuckDbDialectGoldenSqlTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Goal SIGNUP =
            new Goal("goal_1", "mrf_site", "signup", "Sign up", Goal.Type.CUSTOM, null, Instant.EPOCH);
    private static final Goal DOCS =
            new Goal("goal_2", "mrf_site", "docs", "Docs", Goal.Type.PAGEVIEW, "/docs/*_v1", Instant.EPOCH);

    private final Dialect dialect = new DuckDbDialect();

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
        assertThat(sql.parameters())
                .containsExactly(
                        utc("2026-03-08T05:00:00Z"),
                        utc("2026-03-10T04:00:00Z"),
                        "mrf_site",
                        utc("2026-03-10T04:00:00Z"),
                        utc("2026-03-08T05:00:00Z"),
                        "mrf_site",
                        utc("2026-03-08T05:00:00Z"),
                        utc("2026-03-10T04:00:00Z"),
                        "mrf_site",
                        utc("2026-03-10T04:00:00Z"),
                        utc("2026-03-08T05:00:00Z"),
                        utc("2026-03-08T05:00:00Z"),
                        utc("2026-03-10T04:00:00Z"));
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
        // The converting sessions (site, range, goals) come first: they are an IN list of the select items.
        assertThat(sql.parameters().subList(3, 5)).containsExactly("signup", "/docs/%\\_v1");
        assertThat(sql.parameters()
                        .subList(sql.parameters().size() - 4, sql.parameters().size()))
                .containsExactly("Organic Search", "spring", 10, 20);
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
        assertThat(sql.parameters())
                .containsExactly(
                        "signup",
                        "/docs/%\\_v1",
                        "mrf_site",
                        utc("2026-03-08T05:00:00Z"),
                        utc("2026-03-10T04:00:00Z"),
                        "mrf_site",
                        utc("2026-03-10T04:00:00Z"),
                        utc("2026-03-08T05:00:00Z"),
                        "US",
                        "CA",
                        "Direct",
                        "blog",
                        "docs",
                        10,
                        20);
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
        assertThat(overview.sql()).contains("s.visitor_key IN (");
        CompiledQuery pages =
                aggregate(withFunnelStep(query(List.of(Dimension.PATHNAME), country, null, 10, List.of()), country));
        assertGolden("breakdown_pathname_funnel_step.sql", pages);
        assertThat(pages.sql()).contains("e.visitor_key IN (");
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
        // No zone conversion per row: New York's two offsets of those days (EST, then EDT from 07:00 UTC on March 8)
        // are numbers in the SQL, added to the UTC epoch.
        long switchMicros = Instant.parse("2026-03-08T07:00:00Z").toEpochMilli() * 1000;
        assertThat(sql.sql())
                .contains("epoch_us(e.ts) + CASE WHEN epoch_us(e.ts) < " + switchMicros
                        + " THEN -18000000000 ELSE -14400000000 END")
                .doesNotContain("timezone(");
        assertThat(sql.parameters()).doesNotContain("America/New_York");
    }

    @Test
    void pathname_from_the_rollup_with_a_dirty_hour_and_the_open_part_from_events() {
        // Rolled up until 2026-03-09 12:00 UTC; 2026-03-08 10:00 UTC got late events, so it is read raw.
        RollupCoverage coverage = new RollupCoverage(
                Instant.parse("2026-03-09T12:00:00Z"), List.of(Instant.parse("2026-03-08T10:00:00Z")));
        StatsQuery q = query(
                List.of(Dimension.PATHNAME),
                List.of(new Filter(Dimension.CHANNEL, Filter.Operator.IS_NOT, List.of("Direct"))),
                null,
                10,
                List.of(SIGNUP, DOCS));
        assertThat(QueryCompiler.plan(q, Optional.of(coverage))).isEqualTo(QueryCompiler.Plan.ROLLUP);
        CompiledQuery sql = dialect.print(QueryCompiler.aggregate(q, Optional.of(coverage)));
        assertGolden("breakdown_pathname_rollup.sql", sql);
        assertThat(sql.parameters())
                .contains(
                        utc("2026-03-08T05:00:00Z"),
                        utc("2026-03-09T12:00:00Z"),
                        utc("2026-03-08T10:00:00Z"),
                        utc("2026-03-08T11:00:00Z"),
                        utc("2026-03-10T04:00:00Z"));
        assertGolden(
                "timeseries_day_rollup.sql",
                dialect.print(QueryCompiler.aggregate(
                        query(List.of(), List.of(), Interval.DAY, 0, List.of()), Optional.of(coverage))));
    }

    @Test
    void goal_completions() {
        CompiledQuery sql = goals(query(List.of(), List.of(), null, 0, List.of(SIGNUP, DOCS)));
        assertGolden("goals.sql", sql);
        assertThat(sql.parameters())
                .containsExactly(
                        "signup", "/docs/%\\_v1", "mrf_site", utc("2026-03-08T05:00:00Z"), utc("2026-03-10T04:00:00Z"));
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

    private static OffsetDateTime utc(String instant) {
        return OffsetDateTime.parse(instant);
    }

    private static void assertGolden(String file, CompiledQuery compiled) {
        GoldenSql.assertGolden("duckdb", file, compiled);
    }
}
