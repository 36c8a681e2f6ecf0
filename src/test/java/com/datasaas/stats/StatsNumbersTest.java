package com.datasaas.stats;

import static com.datasaas.events.TestEvent.goal;
import static com.datasaas.events.TestEvent.heartbeat;
import static com.datasaas.events.TestEvent.leave;
import static com.datasaas.events.TestEvent.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.events.TestEvent;
import com.datasaas.goals.Goal;
import com.datasaas.support.RunningApp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each metric of design section 5 on small hand-written event sets, against values worked out by hand in the
 * comments. Events go straight into the store so timestamps can be chosen; each test uses its own site id.
 */
class StatsNumbersTest extends RunningApp {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Goal SIGNUP = new Goal("g1", "x", "signup", "Sign up", Goal.Type.CUSTOM, null, Instant.EPOCH);

    @Autowired
    EventStore store;

    @Autowired
    StatsEngine engine;

    private static String newSite() {
        return unique("mrf_numbers");
    }

    private void append(TestEvent... events) {
        List<com.datasaas.events.Event> batch = new ArrayList<>();
        for (TestEvent e : events) batch.add(e.build());
        store.append(batch);
        afterAppend();
    }

    /** Called after every write; {@link RolledUpStatsNumbersTest} rolls the store up here. */
    void afterAppend() {}

    private static StatsQuery query(
            String site, String start, String end, ZoneId zone, List<Dimension> dims, List<Filter> filters) {
        return new StatsQuery(
                site,
                LocalDate.parse(start),
                LocalDate.parse(end),
                zone,
                List.of(Metric.values()),
                dims,
                filters,
                null,
                StatsQuery.Order.VISITORS_DESC,
                100,
                0,
                List.of(SIGNUP));
    }

    private Map<String, Object> totals(StatsQuery q) {
        return StatsController.values(engine.totals(q), List.of(Metric.values()));
    }

    /** Dimension value to metrics, in result order. */
    private Map<Object, Map<String, Object>> breakdown(StatsQuery q) {
        Map<Object, Map<String, Object>> out = new LinkedHashMap<>();
        for (StatsRow row : engine.aggregate(q)) {
            out.put(row.groups().get(0), StatsController.values(row.components(), List.of(Metric.values())));
        }
        return out;
    }

    private static Filter filter(Dimension d, Filter.Operator op, String... values) {
        return new Filter(d, op, List.of(values));
    }

    /**
     * Visitor A, session a1: "/" (Organic Search from Google), "/blog", heartbeat, leave /blog after 30 s at 80 %:
     * 180 s, 2 pageviews. Visitor B, session b1: "/", leave after 20 s at 40 %: 20 s, a bounce. Visitor B, session
     * b2: "/pricing" then goal signup: 30 s, not a bounce because of the goal. Visitor C, session c1: "/" only: 0 s,
     * a bounce.
     */
    private String fourSessions() {
        String s = newSite();
        append(
                pageview(s, "2026-05-10T10:00:00Z", "A", "a1", "/")
                        .channel("Organic Search")
                        .referrerSource("Google")
                        .referrerDomain("www.google.com"),
                pageview(s, "2026-05-10T10:01:00Z", "A", "a1", "/blog"),
                heartbeat(s, "2026-05-10T10:02:00Z", "A", "a1").path("/blog"),
                leave(s, "2026-05-10T10:03:00Z", "A", "a1", 30_000, 80).path("/blog"),
                pageview(s, "2026-05-10T11:00:00Z", "B", "b1", "/").screenWidth(400),
                leave(s, "2026-05-10T11:00:20Z", "B", "b1", 20_000, 40).screenWidth(400),
                pageview(s, "2026-05-10T12:00:00Z", "B", "b2", "/pricing").country("DE"),
                goal(s, "2026-05-10T12:00:30Z", "B", "b2", "signup")
                        .path("/pricing")
                        .country("DE"),
                pageview(s, "2026-05-10T13:00:00Z", "C", "c1", "/").screenWidth(1000));
        return s;
    }

    @Test
    void headline_metrics_follow_the_definitions() {
        String s = fourSessions();
        Map<String, Object> t = totals(query(s, "2026-05-10", "2026-05-10", UTC, List.of(), List.of()));
        assertThat(t)
                .containsEntry("visitors", 3L)
                .containsEntry("sessions", 4L)
                .containsEntry("pageviews", 5L)
                .containsEntry("bounce_rate", 50.0) // b1 and c1 of four sessions
                .containsEntry("avg_session_duration", 58L) // (180 + 20 + 30 + 0) / 4 = 57.5
                .containsEntry("views_per_session", 1.25)
                .containsEntry("scroll_depth", 60.0) // (80 + 40) / 2
                .containsEntry("time_on_page", 25L) // (30 + 20) / 2
                .containsEntry("conversions", 1L) // B
                .containsEntry("conversion_rate", 33.3); // 1 of 3 visitors
    }

    @Test
    void an_empty_range_is_all_zeros() {
        String s = fourSessions();
        Map<String, Object> t = totals(query(s, "2026-05-11", "2026-05-12", UTC, List.of(), List.of()));
        assertThat(t)
                .containsEntry("visitors", 0L)
                .containsEntry("sessions", 0L)
                .containsEntry("bounce_rate", 0.0)
                .containsEntry("avg_session_duration", 0L)
                .containsEntry("scroll_depth", null)
                .containsEntry("conversion_rate", 0.0);
    }

    @Test
    void pathname_breakdown_counts_sessions_that_saw_the_page() {
        String s = fourSessions();
        Map<Object, Map<String, Object>> rows =
                breakdown(query(s, "2026-05-10", "2026-05-10", UTC, List.of(Dimension.PATHNAME), List.of()));
        assertThat(rows.keySet()).containsExactly("/", "/blog", "/pricing");
        assertThat(rows.get("/"))
                .containsEntry("visitors", 3L)
                .containsEntry("pageviews", 3L)
                .containsEntry("bounce_rate", 66.7) // a1 (no), b1 (yes), c1 (yes)
                .containsEntry("time_on_page", 20L); // b1's leave on "/"
        assertThat(rows.get("/blog"))
                .containsEntry("visitors", 1L)
                .containsEntry("time_on_page", 30L)
                .containsEntry("scroll_depth", 80.0);
        assertThat(rows.get("/pricing")).containsEntry("conversions", 1L).containsEntry("bounce_rate", 0.0);
    }

    @Test
    void entry_exit_channel_referrer_and_screen_size_breakdowns() {
        String s = fourSessions();
        assertThat(breakdown(query(s, "2026-05-10", "2026-05-10", UTC, List.of(Dimension.ENTRY_PAGE), List.of()))
                        .entrySet())
                .extracting(e -> e.getKey() + "=" + e.getValue().get("sessions"))
                .containsExactly("/=3", "/pricing=1");
        assertThat(breakdown(query(s, "2026-05-10", "2026-05-10", UTC, List.of(Dimension.EXIT_PAGE), List.of()))
                        .entrySet())
                .extracting(e -> e.getKey() + "=" + e.getValue().get("sessions"))
                .containsExactly("/=2", "/blog=1", "/pricing=1");
        assertThat(breakdown(query(s, "2026-05-10", "2026-05-10", UTC, List.of(Dimension.CHANNEL), List.of()))
                        .entrySet())
                .extracting(e -> e.getKey() + "=" + e.getValue().get("visitors"))
                .containsExactly("Direct=2", "Organic Search=1");
        assertThat(breakdown(query(s, "2026-05-10", "2026-05-10", UTC, List.of(Dimension.REFERRER), List.of()))
                        .entrySet())
                .extracting(e -> e.getKey() + "=" + e.getValue().get("visitors"))
                .containsExactly("null=2", "Google=1"); // no referrer: Direct / None
        // 400 px: mobile, 1000 px: laptop, 1280 px: laptop; b2 also at 1280 px.
        assertThat(breakdown(query(s, "2026-05-10", "2026-05-10", UTC, List.of(Dimension.SCREEN_SIZE), List.of()))
                        .entrySet())
                .extracting(e -> e.getKey() + "=" + e.getValue().get("visitors"))
                .containsExactly("laptop=3", "mobile=1");
        assertThat(breakdown(query(s, "2026-05-10", "2026-05-10", UTC, List.of(Dimension.GOAL_NAME), List.of()))
                        .entrySet())
                .extracting(e -> e.getKey() + "=" + e.getValue().get("visitors"))
                .containsExactly("signup=1");
    }

    @Test
    void session_level_filters_keep_or_drop_whole_sessions() {
        String s = fourSessions();
        // Entered on "/": a1, b1, c1, with all their pageviews (a1 also saw /blog).
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.ENTRY_PAGE, Filter.Operator.IS, "/")))))
                .containsEntry("sessions", 3L)
                .containsEntry("pageviews", 4L)
                .containsEntry("visitors", 3L);
        // Left from /blog: only a1, both of its pageviews, including "/".
        Map<Object, Map<String, Object>> exitBlog = breakdown(query(
                s,
                "2026-05-10",
                "2026-05-10",
                UTC,
                List.of(Dimension.PATHNAME),
                List.of(filter(Dimension.EXIT_PAGE, Filter.Operator.IS, "/blog"))));
        assertThat(exitBlog.keySet()).containsExactly("/", "/blog");
        // The channel comes from the first pageview: a1 is Organic Search although its second page says Direct.
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.CHANNEL, Filter.Operator.IS, "Organic Search")))))
                .containsEntry("sessions", 1L)
                .containsEntry("pageviews", 2L)
                .containsEntry("bounce_rate", 0.0);
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.CHANNEL, Filter.Operator.IS_NOT, "Organic Search")))))
                .containsEntry("sessions", 3L)
                .containsEntry("pageviews", 3L);
        // A session without a referrer is "not Google" too.
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.REFERRER, Filter.Operator.IS_NOT, "Google")))))
                .containsEntry("sessions", 3L);
    }

    @Test
    void event_level_filters_narrow_events_and_combine_with_and() {
        String s = fourSessions();
        // Sessions that saw /blog: a1, whose two pageviews make it no bounce.
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.PATHNAME, Filter.Operator.IS, "/blog")))))
                .containsEntry("visitors", 1L)
                .containsEntry("sessions", 1L)
                .containsEntry("pageviews", 1L)
                .containsEntry("bounce_rate", 0.0)
                .containsEntry("avg_session_duration", 180L);
        // Several values of one filter: OR.
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.PATHNAME, Filter.Operator.IS, "/blog", "/pricing")))))
                .containsEntry("visitors", 2L)
                .containsEntry("pageviews", 2L);
        // contains is case-insensitive; AND with the country filter drops b2 (DE).
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(
                                filter(Dimension.PATHNAME, Filter.Operator.CONTAINS, "BLOG", "pric"),
                                filter(Dimension.COUNTRY, Filter.Operator.IS, "US")))))
                .containsEntry("visitors", 1L)
                .containsEntry("pageviews", 1L);
        // country is_not US: b2 only.
        assertThat(totals(query(
                        s,
                        "2026-05-10",
                        "2026-05-10",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.COUNTRY, Filter.Operator.IS_NOT, "US")))))
                .containsEntry("sessions", 1L)
                .containsEntry("conversions", 1L);
    }

    @Test
    void bounces_count_goals_but_not_heartbeats_or_leaves() {
        String s = newSite();
        append(
                // one pageview and a goal: not a bounce
                pageview(s, "2026-06-01T10:00:00Z", "V1", "s1", "/"),
                goal(s, "2026-06-01T10:00:10Z", "V1", "s1", "signup"),
                // one pageview, heartbeats and a leave: still a bounce, lasting 60 s
                pageview(s, "2026-06-01T11:00:00Z", "V2", "s2", "/"),
                heartbeat(s, "2026-06-01T11:00:30Z", "V2", "s2"),
                leave(s, "2026-06-01T11:01:00Z", "V2", "s2", 60_000, 100),
                // two pageviews: not a bounce
                pageview(s, "2026-06-01T12:00:00Z", "V3", "s3", "/"),
                pageview(s, "2026-06-01T12:00:05Z", "V3", "s3", "/about"));
        assertThat(totals(query(s, "2026-06-01", "2026-06-01", UTC, List.of(), List.of())))
                .containsEntry("sessions", 3L)
                .containsEntry("bounce_rate", 33.3)
                .containsEntry("avg_session_duration", 25L); // (10 + 60 + 5) / 3
    }

    @Test
    void a_session_spanning_midnight_counts_whole_on_both_days() {
        String s = newSite();
        append(
                pageview(s, "2026-05-11T23:50:00Z", "V", "night", "/a"),
                pageview(s, "2026-05-12T00:10:00Z", "V", "night", "/b"),
                leave(s, "2026-05-12T00:15:00Z", "V", "night", 300_000, 50).path("/b"));
        for (String day : List.of("2026-05-11", "2026-05-12")) {
            assertThat(totals(query(s, day, day, UTC, List.of(), List.of())))
                    .as(day)
                    .containsEntry("visitors", 1L)
                    .containsEntry("sessions", 1L)
                    .containsEntry("pageviews", 1L)
                    .containsEntry("bounce_rate", 0.0) // the session has two pageviews
                    .containsEntry("avg_session_duration", 1500L); // 23:50 to 00:15
            assertThat(breakdown(query(s, day, day, UTC, List.of(Dimension.ENTRY_PAGE), List.of()))
                            .keySet())
                    .as(day)
                    .containsExactly("/a");
        }
        assertThat(totals(query(s, "2026-05-11", "2026-05-12", UTC, List.of(), List.of())))
                .containsEntry("sessions", 1L)
                .containsEntry("pageviews", 2L)
                .containsEntry("time_on_page", 300L);
    }

    /**
     * New York: local midnight of 2026-03-08 is 05:00 UTC; clocks jump from 02:00 EST to 03:00 EDT at 07:00 UTC, so
     * local midnight of 2026-03-09 is 04:00 UTC. On 2026-11-01 clocks go from 02:00 EDT back to 01:00 EST at 06:00
     * UTC; local midnight of 2026-11-02 is 05:00 UTC.
     */
    @Test
    void days_and_hours_follow_the_site_zone_across_daylight_saving_changes() {
        String s = newSite();
        append(
                pageview(s, "2026-03-08T04:30:00Z", "v1", "s1", "/"), // Mar 7, 23:30 EST
                pageview(s, "2026-03-08T05:30:00Z", "v2", "s2", "/"), // Mar 8, 00:30 EST
                pageview(s, "2026-03-08T06:30:00Z", "v3", "s3", "/"), // Mar 8, 01:30 EST
                pageview(s, "2026-03-08T07:30:00Z", "v4", "s4", "/"), // Mar 8, 03:30 EDT
                pageview(s, "2026-03-09T03:30:00Z", "v5", "s5", "/"), // Mar 8, 23:30 EDT
                pageview(s, "2026-03-09T04:30:00Z", "v6", "s6", "/"), // Mar 9, 00:30 EDT
                pageview(s, "2026-11-01T03:30:00Z", "w1", "t1", "/"), // Oct 31, 23:30 EDT
                pageview(s, "2026-11-01T05:30:00Z", "w2", "t2", "/"), // Nov 1, 01:30 EDT
                pageview(s, "2026-11-01T06:30:00Z", "w3", "t3", "/"), // Nov 1, 01:30 EST
                pageview(s, "2026-11-02T04:30:00Z", "w4", "t4", "/")); // Nov 1, 23:30 EST

        assertThat(totals(query(s, "2026-03-08", "2026-03-08", NEW_YORK, List.of(), List.of())))
                .containsEntry("pageviews", 4L);
        assertThat(totals(query(s, "2026-03-09", "2026-03-09", NEW_YORK, List.of(), List.of())))
                .containsEntry("pageviews", 1L);
        // The timezone override: in UTC, March 9 holds 03:30 and 04:30.
        assertThat(totals(query(s, "2026-03-09", "2026-03-09", UTC, List.of(), List.of())))
                .containsEntry("pageviews", 2L);
        assertThat(totals(query(s, "2026-11-01", "2026-11-01", NEW_YORK, List.of(), List.of())))
                .containsEntry("pageviews", 3L);

        assertThat(hourly(s, "2026-03-08"))
                .containsExactly(
                        Map.entry(LocalDateTime.parse("2026-03-08T00:00"), 1L),
                        Map.entry(LocalDateTime.parse("2026-03-08T01:00"), 1L),
                        Map.entry(LocalDateTime.parse("2026-03-08T03:00"), 1L),
                        Map.entry(LocalDateTime.parse("2026-03-08T23:00"), 1L));
        // Both 01:30s fall in the one local 01:00 bucket.
        assertThat(hourly(s, "2026-11-01"))
                .containsExactly(
                        Map.entry(LocalDateTime.parse("2026-11-01T01:00"), 2L),
                        Map.entry(LocalDateTime.parse("2026-11-01T23:00"), 1L));
        assertThat(Interval.HOUR.buckets(LocalDate.parse("2026-03-08"), LocalDate.parse("2026-03-08")))
                .hasSize(24);
    }

    private Map<LocalDateTime, Long> hourly(String site, String day) {
        StatsQuery q = new StatsQuery(
                site,
                LocalDate.parse(day),
                LocalDate.parse(day),
                NEW_YORK,
                List.of(Metric.PAGEVIEWS),
                List.of(),
                List.of(),
                Interval.HOUR,
                null,
                0,
                0,
                List.of());
        Map<LocalDateTime, Long> out = new LinkedHashMap<>();
        for (StatsRow row : engine.aggregate(q)) {
            out.put((LocalDateTime) row.groups().get(0), row.components().pageviews());
        }
        return out;
    }

    @Test
    void goals_count_distinct_visitors_and_pageview_goals_match_wildcards() {
        String s = newSite();
        append(
                pageview(s, "2026-07-01T10:00:00Z", "A", "a", "/docs/intro"),
                pageview(s, "2026-07-01T10:01:00Z", "A", "a", "/docs/api"),
                goal(s, "2026-07-01T10:02:00Z", "A", "a", "signup"),
                goal(s, "2026-07-01T10:03:00Z", "A", "a", "signup"),
                pageview(s, "2026-07-01T11:00:00Z", "B", "b", "/docs_old"),
                pageview(s, "2026-07-01T12:00:00Z", "C", "c", "/"),
                goal(s, "2026-07-01T12:01:00Z", "C", "c", "other"));
        Goal docs = new Goal("g2", s, "docs", "Docs", Goal.Type.PAGEVIEW, "/docs/*", Instant.EPOCH);
        StatsQuery q = new StatsQuery(
                s,
                LocalDate.parse("2026-07-01"),
                LocalDate.parse("2026-07-01"),
                UTC,
                List.of(Metric.CONVERSIONS),
                List.of(),
                List.of(),
                null,
                null,
                0,
                0,
                List.of(SIGNUP, docs));
        StatsEngine.GoalCounts counts = engine.goals(q);
        assertThat(counts.visitors()).isEqualTo(3);
        assertThat(counts.goals()).containsExactly(new StatsEngine.GoalCount(1, 2), new StatsEngine.GoalCount(1, 2));
        // "other" is not a defined goal, /docs_old does not match /docs/*: only A converted.
        assertThat(engine.totals(q).convertedVisitors()).isEqualTo(1);
    }

    /**
     * Sessions-only queries read the sessions table kept at write time; everything else groups events in four steps.
     * On generated traffic (with sessions crossing both edges of the range) both must give the same numbers. An
     * always-true event-level filter (no event has this hostname) forces the four steps.
     */
    @Test
    void the_sessions_table_gives_the_same_numbers_as_the_events() {
        String s = newSite();
        Instant end = Instant.parse("2026-08-20T12:00:00Z");
        new SampleData(s, 7).write(store, 20_000, 5, end);
        Filter anyHost = filter(Dimension.HOSTNAME, Filter.Operator.IS_NOT, "no-such-host.invalid");
        Goal docs = new Goal("g2", s, "docs", "Docs", Goal.Type.PAGEVIEW, "/docs*", Instant.EPOCH);
        List<List<Filter>> filterSets = List.of(
                List.of(),
                List.of(filter(Dimension.CHANNEL, Filter.Operator.IS, "Organic Search", "Email")),
                List.of(filter(Dimension.ENTRY_PAGE, Filter.Operator.IS_NOT, "/")));
        List<List<Dimension>> dimensionSets = List.of(
                List.of(), List.of(Dimension.ENTRY_PAGE), List.of(Dimension.REFERRER), List.of(Dimension.UTM_SOURCE));
        for (List<Filter> filters : filterSets) {
            for (List<Dimension> dims : dimensionSets) {
                StatsQuery onePass = new StatsQuery(
                        s,
                        LocalDate.parse("2026-08-17"),
                        LocalDate.parse("2026-08-18"),
                        NEW_YORK,
                        List.of(Metric.values()),
                        dims,
                        filters,
                        null,
                        StatsQuery.Order.VISITORS_DESC,
                        1000,
                        0,
                        List.of(SIGNUP, docs));
                List<Filter> forced = new ArrayList<>(filters);
                forced.add(anyHost);
                StatsQuery fourSteps = new StatsQuery(
                        s,
                        onePass.start(),
                        onePass.end(),
                        NEW_YORK,
                        onePass.metrics(),
                        dims,
                        forced,
                        null,
                        onePass.order(),
                        1000,
                        0,
                        onePass.goals());
                assertThat(QueryCompiler.sessionsOnly(onePass)).isTrue();
                assertThat(QueryCompiler.sessionsOnly(fourSteps)).isFalse();
                List<StatsRow> expected = engine.aggregate(fourSteps);
                assertThat(expected).isNotEmpty();
                assertThat(expected.get(0).components().visitors()).isPositive();
                assertThat(engine.aggregate(onePass))
                        .as(dims + " " + filters)
                        .usingRecursiveFieldByFieldElementComparator(
                                org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration.builder()
                                        .withComparatorForType(
                                                (a, b) -> Math.abs(a - b) < 1e-6 ? 0 : Double.compare(a, b),
                                                Double.class)
                                        .build())
                        .containsExactlyElementsOf(expected);
                if (!dims.isEmpty()) {
                    assertThat(engine.groupCount(onePass)).isEqualTo(engine.groupCount(fourSteps));
                }
            }
        }
    }

    @Test
    void sessions_written_in_several_late_batches_keep_their_first_pageview() {
        String s = newSite();
        // The session's first pageview arrives last, in its own batch.
        append(
                pageview(s, "2026-09-01T10:05:00Z", "V", "late", "/b"),
                leave(s, "2026-09-01T10:06:00Z", "V", "late", 60_000, 70).path("/b"));
        append(pageview(s, "2026-09-01T10:10:00Z", "V", "late", "/c"));
        append(pageview(s, "2026-09-01T10:00:00Z", "V", "late", "/a").channel("Email"));
        StatsQuery q = query(s, "2026-09-01", "2026-09-01", UTC, List.of(Dimension.ENTRY_PAGE), List.of());
        assertThat(QueryCompiler.sessionsOnly(q)).isTrue();
        Map<Object, Map<String, Object>> rows = breakdown(q);
        assertThat(rows.keySet()).containsExactly("/a");
        assertThat(rows.get("/a"))
                .containsEntry("sessions", 1L)
                .containsEntry("pageviews", 3L)
                .containsEntry("bounce_rate", 0.0)
                .containsEntry("avg_session_duration", 600L) // 10:00 to 10:10
                .containsEntry("time_on_page", 60L);
        assertThat(breakdown(query(s, "2026-09-01", "2026-09-01", UTC, List.of(Dimension.EXIT_PAGE), List.of()))
                        .keySet())
                .containsExactly("/c");
        assertThat(totals(query(
                        s,
                        "2026-09-01",
                        "2026-09-01",
                        UTC,
                        List.of(),
                        List.of(filter(Dimension.CHANNEL, Filter.Operator.IS, "Email")))))
                .containsEntry("visitors", 1L)
                .containsEntry("pageviews", 3L);
    }

    /** The sessions table, kept batch by batch at write time, against the definitions computed from the events. */
    @Test
    void the_sessions_table_matches_a_group_by_over_the_events() {
        String s = newSite();
        new SampleData(s, 11).write(store, 15_000, 3, Instant.parse("2026-10-03T12:00:00Z"));
        // Extra batches for sessions already stored: an earlier pageview and a later leave.
        List<String> sessions = store.query(
                "SELECT session_id FROM events WHERE site_id = ? GROUP BY session_id ORDER BY session_id LIMIT 3",
                List.of(s),
                (rs, n) -> rs.getString(1));
        for (String session : sessions) {
            String visitor = store.query(
                            "SELECT visitor_id FROM events WHERE site_id = ? AND session_id = ? LIMIT 1",
                            List.of(s, session),
                            (rs, n) -> rs.getString(1))
                    .get(0);
            append(pageview(s, "2026-09-30T00:00:01Z", visitor, session, "/early")
                    .channel("Email"));
            append(leave(s, "2026-10-04T00:00:00Z", visitor, session, 1_000, 10));
        }
        String fromEvents = sessionsFromEvents();
        String fromTable = sessionsFromTable();
        org.springframework.jdbc.core.RowMapper<List<Object>> row = (rs, n) -> {
            List<Object> values = new ArrayList<>();
            for (int i = 1; i <= 11; i++) values.add(rs.getObject(i));
            return values;
        };
        List<List<Object>> expected = store.query(fromEvents, List.of(s), row);
        assertThat(expected).hasSizeGreaterThan(1000);
        assertThat(store.query(fromTable, List.of(s), row)).containsExactlyElementsOf(expected);
    }

    /**
     * Per session of the site {@code ?}, ordered by session_key: session_key, started_at, ended_at, pageviews, goals,
     * leave_ms, entry_page, exit_page, channel, referrer, utm_source, by a group-by over the events.
     */
    String sessionsFromEvents() {
        return "SELECT session_key, min(ts), max(ts), count(*) FILTER (WHERE event_type = 'pageview'),"
                + " count(*) FILTER (WHERE event_type = 'goal'),"
                + " CAST(coalesce(sum(duration_ms) FILTER (WHERE event_type = '_leave'), 0) AS BIGINT),"
                + " arg_min_null(pathname, ts) FILTER (WHERE event_type = 'pageview'),"
                + " arg_max_null(pathname, ts) FILTER (WHERE event_type = 'pageview'),"
                + " arg_min_null(channel, ts) FILTER (WHERE event_type = 'pageview'),"
                + " arg_min_null(coalesce(referrer_source, referrer_domain), ts) FILTER (WHERE event_type = 'pageview'),"
                + " arg_min_null(utm_source, ts) FILTER (WHERE event_type = 'pageview')"
                + " FROM events WHERE site_id = ? GROUP BY session_key ORDER BY session_key";
    }

    /** The same columns as {@link #sessionsFromEvents()}, read from the store's maintained sessions table. */
    String sessionsFromTable() {
        return "SELECT session_key, started_at, ended_at, pageviews, goals, leave_ms, entry_page, exit_page,"
                + " channel, referrer, utm_source FROM sessions WHERE site_id = ? ORDER BY session_key";
    }
}
