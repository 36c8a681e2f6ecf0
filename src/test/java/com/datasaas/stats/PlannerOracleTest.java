package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.EventType;
import com.datasaas.events.TestEvent;
import com.datasaas.goals.Goal;
import com.datasaas.support.RunningApp;
import com.datasaas.support.StoreOracle;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Generated event sets and filter combinations: whatever form the planner picks (the sessions table, the hourly
 * rollup with raw events for the hours it does not cover, or events joined to sessions), its numbers must equal a group-by written here in plain Java over the raw events, following
 * the definitions of design section 5 and the session semantics of {@link com.datasaas.events.SessionAttribute} (a
 * session's location, device, screen, channel and entry page are those of its first pageview). Events arrive
 * shuffled in batches of random size, so sessions are merged out of order; sessions cross midnight and the range's
 * edges; some sessions have no pageview at all.
 */
class PlannerOracleTest extends RunningApp {
    /** UTC; New York, whose clocks go forward on 2026-03-08; Kolkata, whose half-hour offset no rollup hour fits. */
    private static final List<ZoneId> ZONES =
            List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"));

    static final LocalDate FIRST_DAY = LocalDate.parse("2026-03-07");
    /** Goals are matched at query time, so the same goals on every path, whenever their events were stored. */
    private static final List<Goal> GOALS = List.of(
            new Goal("g1", "mrf_planner", "signup", "Sign up", Goal.Type.CUSTOM, null, Instant.EPOCH),
            new Goal("g2", "mrf_planner", "blog", "Blog", Goal.Type.PAGEVIEW, "/blog/*", Instant.EPOCH));

    private static final String[] COUNTRIES = {"US", "DE", "FR", null};
    private static final String[] DEVICES = {"desktop", "mobile", null};
    private static final Integer[] WIDTHS = {400, 800, 1280, 1600, null};
    private static final String[] PATHS = {"/", "/a", "/b", "/blog/x"};
    private static final String[] CHANNELS = {"Direct", "Email", "Organic Search"};

    static final List<Dimension> DIMENSIONS = List.of(
            Dimension.COUNTRY,
            Dimension.REGION,
            Dimension.DEVICE_TYPE,
            Dimension.SCREEN_SIZE,
            Dimension.CHANNEL,
            Dimension.ENTRY_PAGE,
            Dimension.EXIT_PAGE,
            Dimension.LANGUAGE,
            Dimension.PATHNAME);

    private static final List<Filter> FILTERS = List.of(
            new Filter(Dimension.COUNTRY, Filter.Operator.IS, List.of("US")),
            new Filter(Dimension.COUNTRY, Filter.Operator.IS_NOT, List.of("US", "FR")),
            new Filter(Dimension.DEVICE_TYPE, Filter.Operator.IS, List.of("mobile")),
            new Filter(Dimension.SCREEN_SIZE, Filter.Operator.IS, List.of("laptop", "mobile")),
            new Filter(Dimension.CHANNEL, Filter.Operator.IS_NOT, List.of("Email")),
            new Filter(Dimension.ENTRY_PAGE, Filter.Operator.IS_NOT, List.of("/")),
            new Filter(Dimension.CITY, Filter.Operator.CONTAINS, List.of("BER")),
            new Filter(Dimension.PATHNAME, Filter.Operator.IS, List.of("/a")),
            new Filter(Dimension.PATHNAME, Filter.Operator.CONTAINS, List.of("B")));

    @Autowired
    EventStore store;

    @Autowired
    StatsEngine engine;

    /** The embedded store's sessions table against a group-by over its events (a store with such a table). */
    void storedSessionsMatchEvents() {
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    /** Brings the store's rollup up to date, as its schedule does; a store without rollups has nothing to do. */
    void rollUp() {
        if (store instanceof DuckDbEventStore duck) duck.rollUp(Instant.now(), true);
    }

    /** Whether the store keeps rollups, so the planner must have picked them after {@link #rollUp}. */
    boolean keepsRollups() {
        return store instanceof DuckDbEventStore;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void every_plan_gives_the_numbers_of_a_group_by_over_the_raw_events(long seed) {
        String site = unique("mrf_planner");
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> events = generate(site, random);
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(seed));
        // A tenth arrives late, after the rollup folded the hours it belongs to.
        int late = shuffled.size() - shuffled.size() / 10;
        List<Event> stored = new ArrayList<>();
        append(shuffled.subList(0, late), stored, random);
        storedSessionsMatchEvents();

        Map<QueryCompiler.Plan, Integer> plans = new EnumMap<>(QueryCompiler.Plan.class);
        // Whatever the background roll has done meanwhile: raw events, or the rollup with the hours it has not seen.
        compare(site, stored, random, 15, plans);
        rollUp();
        compare(site, stored, random, 15, plans);
        // Late events: committed with their dirty hours, the rollup not rebuilt yet (as after a crash between the
        // event commit and the roll); the planner reads those hours raw.
        append(shuffled.subList(late, shuffled.size()), stored, random);
        storedSessionsMatchEvents();
        compare(site, stored, random, 15, plans);
        rollUp(); // rebuilt from the watermark and the dirty hours
        compare(site, stored, random, 15, plans);

        assertThat(plans.getOrDefault(QueryCompiler.Plan.SESSIONS, 0)).isPositive();
        assertThat(plans.getOrDefault(QueryCompiler.Plan.EVENTS, 0)).isPositive();
        if (keepsRollups()) {
            assertThat(plans.getOrDefault(QueryCompiler.Plan.ROLLUP, 0)).isPositive();
            assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();
        } else {
            assertThat(plans).doesNotContainKey(QueryCompiler.Plan.ROLLUP);
        }
    }

    private void append(List<Event> batch, List<Event> stored, SplittableRandom random) {
        for (int i = 0; i < batch.size(); ) {
            int n = 1 + random.nextInt(40);
            store.append(batch.subList(i, Math.min(batch.size(), i + n)));
            i += n;
        }
        stored.addAll(batch);
    }

    private void compare(
            String site,
            List<Event> stored,
            SplittableRandom random,
            int queries,
            Map<QueryCompiler.Plan, Integer> plans) {
        for (int i = 0; i < queries; i++) {
            StatsQuery q = randomQuery(site, random);
            plans.merge(engine.plan(q), 1, Integer::sum);
            Map<List<Object>, Numbers> expected = groupByOverEvents(stored, q);
            Map<List<Object>, Numbers> actual = new HashMap<>();
            for (StatsRow row : engine.aggregate(q)) {
                Components c = row.components();
                actual.put(
                        row.groups(),
                        new Numbers(
                                c.visitors(),
                                c.sessions(),
                                c.pageviews(),
                                c.bounces(),
                                Math.round(c.durationSum() * 1000),
                                c.leaveCount(),
                                Math.round(c.leaveMsSum()),
                                c.convertedVisitors()));
            }
            assertThat(new TreeMap<>(stringKeys(actual)))
                    .as(
                            "%s %s %s %s %s..%s goals %s",
                            q.interval(),
                            q.zone(),
                            q.dimensions(),
                            q.filters(),
                            q.start(),
                            q.end(),
                            q.goals().size())
                    .isEqualTo(new TreeMap<>(stringKeys(expected)));
        }
    }

    /** ~80 sessions of 1-7 events over three days, some crossing midnight, 30 visitors. */
    static List<Event> generate(String site, SplittableRandom random) {
        List<Event> out = new ArrayList<>();
        for (int s = 0; s < 80; s++) {
            String visitor = "v" + random.nextInt(30);
            String session = "s" + s;
            Instant t = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(random.nextLong(3 * 86_400));
            // A tenth of the sessions start just before a midnight, so they cross it.
            if (random.nextInt(10) == 0) t = t.truncatedTo(ChronoUnit.DAYS).plusSeconds(86_400 - 120);
            int n = 1 + random.nextInt(7);
            for (int e = 0; e < n; e++) {
                EventType type = switch (random.nextInt(10)) {
                    case 0, 1, 2, 3, 4, 5 -> EventType.PAGEVIEW;
                    case 6 -> EventType.HEARTBEAT;
                    case 7, 8 -> EventType.LEAVE;
                    default -> EventType.GOAL;
                };
                String country = pick(random, COUNTRIES);
                // The draws stay in this order (path, channel, device, width, duration): the seeds' event sets
                // depend on it.
                TestEvent drawn = event(site, visitor, session, t, type)
                        .path(pick(random, PATHS))
                        .channel(pick(random, CHANNELS));
                located(drawn, country, "US".equals(country) ? "Berlin, NH" : "DE".equals(country) ? "Berlin" : null)
                        .deviceType(pick(random, DEVICES))
                        .screenWidth(pick(random, WIDTHS));
                out.add(left(drawn, type == EventType.LEAVE ? 1_000L * random.nextInt(100) : null)
                        .build());
                t = t.plusSeconds(1 + random.nextInt(300)); // strictly increasing: one first pageview per session
            }
        }
        return out;
    }

    private static <T> T pick(SplittableRandom random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    /**
     * The oracle's events: Firefox on Linux without versions, a goal named "signup"; callers set the rest by name, the
     * country through {@link #located} and a leave's duration through {@link #left}.
     */
    static TestEvent event(String site, String visitor, String session, Instant ts, EventType type) {
        return TestEvent.of(site, ts, type, visitor, session)
                .goalName(type == EventType.GOAL ? "signup" : null)
                .browser("Firefox")
                .browserVersion(null)
                .os("Linux")
                .osVersion(null);
    }

    /** The country, with a language and region that follow it (none without a country). */
    static TestEvent located(TestEvent e, String country, String city) {
        return e.country(country)
                .language(country == null ? null : country.toLowerCase(Locale.ROOT))
                .region(country == null ? null : country + "-region")
                .city(city);
    }

    /** A leave's duration, with a scroll depth when there is one. */
    static TestEvent left(TestEvent e, Long durationMs) {
        return e.durationMs(durationMs).scrollDepth(durationMs == null ? null : 50);
    }

    private static StatsQuery randomQuery(String site, SplittableRandom random) {
        LocalDate start = FIRST_DAY.plusDays(random.nextInt(3));
        LocalDate end = start.plusDays(random.nextInt(2));
        Interval interval = switch (random.nextInt(10)) {
            case 0, 1 -> Interval.DAY;
            case 2 -> Interval.HOUR;
            default -> null;
        };
        List<Dimension> dims = new ArrayList<>();
        if (random.nextInt(4) > 0) dims.add(DIMENSIONS.get(random.nextInt(DIMENSIONS.size())));
        List<Filter> filters = new ArrayList<>();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            Filter f = FILTERS.get(random.nextInt(FILTERS.size()));
            if (filters.stream().noneMatch(g -> g.dimension() == f.dimension())) filters.add(f);
        }
        return new StatsQuery(
                site,
                start,
                end,
                ZONES.get(random.nextInt(ZONES.size())),
                List.of(Metric.values()),
                dims,
                filters,
                interval,
                StatsQuery.Order.VISITORS_DESC,
                10_000,
                0,
                random.nextBoolean() ? GOALS : List.of());
    }

    /** The numbers compared; the duration sum in milliseconds so doubles compare exactly. */
    record Numbers(
            long visitors,
            long sessions,
            long pageviews,
            long bounces,
            long durationMs,
            long leaveCount,
            long leaveMs,
            long convertedVisitors) {}

    private record Session(
            Instant started, Instant ended, long pageviews, long goals, Event firstPageview, Event lastPageview) {}

    static Map<String, Numbers> stringKeys(Map<List<Object>, Numbers> in) {
        Map<String, Numbers> out = new HashMap<>();
        in.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** The answer from the definitions, computed over the raw events in memory. */
    static Map<List<Object>, Numbers> groupByOverEvents(List<Event> events, StatsQuery q) {
        Map<String, List<Event>> bySession = new HashMap<>();
        for (Event e : events)
            bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        Map<String, Session> sessions = new HashMap<>();
        bySession.forEach((id, list) -> {
            Instant started =
                    list.stream().map(Event::timestamp).min(Instant::compareTo).orElseThrow();
            Instant ended =
                    list.stream().map(Event::timestamp).max(Instant::compareTo).orElseThrow();
            List<Event> pageviews = list.stream()
                    .filter(e -> e.type() == EventType.PAGEVIEW)
                    .sorted((a, b) -> a.timestamp().compareTo(b.timestamp()))
                    .toList();
            long goals = list.stream().filter(e -> e.type() == EventType.GOAL).count();
            sessions.put(
                    id,
                    new Session(
                            started,
                            ended,
                            pageviews.size(),
                            goals,
                            pageviews.isEmpty() ? null : pageviews.get(0),
                            pageviews.isEmpty() ? null : pageviews.get(pageviews.size() - 1)));
        });

        // (group values, session) -> counted, pageviews, leave count, leave ms
        Map<List<Object>, Map<String, long[]>> perSession = new HashMap<>();
        for (Event e : events) {
            if (e.timestamp().isBefore(q.from()) || !e.timestamp().isBefore(q.until())) continue;
            Session s = sessions.get(e.sessionId());
            boolean kept = true;
            for (Filter f : q.filters()) kept &= matches(f, value(f.dimension(), e, s));
            if (!kept) continue;
            List<Object> groups = new ArrayList<>();
            if (q.interval() != null) {
                groups.add(q.interval().truncate(LocalDateTime.ofInstant(e.timestamp(), q.zone())));
            }
            for (Dimension d : q.dimensions()) groups.add(value(d, e, s));
            long[] n = perSession
                    .computeIfAbsent(Collections.unmodifiableList(groups), k -> new HashMap<>())
                    .computeIfAbsent(e.sessionId(), k -> new long[5]);
            if (converts(q, e)) n[4] = 1;
            if (e.type() == EventType.PAGEVIEW || e.type() == EventType.GOAL) n[0]++;
            if (e.type() == EventType.PAGEVIEW) n[1]++;
            if (e.type() == EventType.LEAVE && e.durationMs() != null) {
                n[2]++;
                n[3] += e.durationMs();
            }
        }
        Map<List<Object>, Numbers> out = new HashMap<>();
        perSession.forEach((groups, bySessionId) -> {
            Set<String> visitors = new HashSet<>();
            Set<String> converted = new HashSet<>();
            long counted = 0, pageviews = 0, bounces = 0, durationMs = 0, leaves = 0, leaveMs = 0;
            for (var entry : bySessionId.entrySet()) {
                long[] n = entry.getValue();
                Session s = sessions.get(entry.getKey());
                pageviews += n[1];
                leaves += n[2];
                leaveMs += n[3];
                if (n[0] == 0) continue;
                counted++;
                String visitor = events.stream()
                        .filter(e -> e.sessionId().equals(entry.getKey()))
                        .findFirst()
                        .orElseThrow()
                        .visitorId();
                visitors.add(visitor);
                if (n[4] == 1) converted.add(visitor);
                if (s.pageviews() == 1 && s.goals() == 0) bounces++;
                durationMs += s.ended().toEpochMilli() - s.started().toEpochMilli();
            }
            if (counted == 0) return; // a group of only heartbeats and leaves is not a row
            out.put(
                    groups,
                    new Numbers(
                            visitors.size(),
                            counted,
                            pageviews,
                            bounces,
                            durationMs,
                            leaves,
                            leaveMs,
                            converted.size()));
        });
        return out;
    }

    /** Whether the event completes one of the query's goals: by name for custom goals, by page pattern for pageviews. */
    private static boolean converts(StatsQuery q, Event e) {
        for (Goal g : q.goals()) {
            if (g.type() == Goal.Type.CUSTOM
                    && e.type() == EventType.GOAL
                    && g.name().equals(e.goalName())) return true;
            if (g.type() == Goal.Type.PAGEVIEW
                    && e.type() == EventType.PAGEVIEW
                    && e.pathname().matches(g.path().replace("*", ".*"))) return true;
        }
        return false;
    }

    /** A dimension's value for one event: session-level ones from the session's first (exit: last) pageview. */
    private static Object value(Dimension d, Event e, Session s) {
        Event first = s.firstPageview();
        return switch (d) {
            case PATHNAME -> e.pathname();
            case EXIT_PAGE -> s.lastPageview() == null ? null : s.lastPageview().pathname();
            case ENTRY_PAGE -> first == null ? null : first.pathname();
            case COUNTRY -> first == null ? null : first.country();
            case REGION -> first == null ? null : first.region();
            case CITY -> first == null ? null : first.city();
            case DEVICE_TYPE -> first == null ? null : first.deviceType();
            case CHANNEL -> first == null ? null : first.channel();
            case LANGUAGE -> first == null ? null : first.language();
            case SCREEN_SIZE -> first == null ? null : screenSize(first.screenWidth());
            default -> throw new IllegalArgumentException("not generated: " + d);
        };
    }

    private static String screenSize(Integer width) {
        if (width == null) return null;
        if (width < 576) return "mobile";
        if (width < 992) return "tablet";
        if (width < 1440) return "laptop";
        return "desktop";
    }

    private static boolean matches(Filter f, Object value) {
        String v = (String) value;
        return switch (f.operator()) {
            case IS -> v != null && f.values().contains(v);
            case IS_NOT -> v == null || !f.values().contains(v);
            case CONTAINS ->
                v != null
                        && f.values().stream()
                                .anyMatch(x -> v.toLowerCase(Locale.ROOT).contains(x.toLowerCase(Locale.ROOT)));
        };
    }
}
