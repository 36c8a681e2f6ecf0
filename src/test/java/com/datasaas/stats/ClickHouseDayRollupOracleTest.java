package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.ClickHouseEventStore;
import com.datasaas.events.ClickHouseSessions;
import com.datasaas.events.ClickHouseSettings;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventType;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.DuckDbDialect;
import com.datasaas.support.ClickHouseServer;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code DAYS} plan on ClickHouse (its day rollup plus live days) against the plain-Java group-by over the raw
 * events ({@link PlannerOracleTest}) and against the embedded store's day plan on the same events: after the first
 * roll, after late events (into rolled days and into a session still running across a rolled midnight), after a
 * visitor deletion, and after the rolls that follow each. Every exact number equals the oracle's; where both stores
 * answer from their day rollups in the settled state, every number (estimated visitors included) equals DuckDB's.
 */
class ClickHouseDayRollupOracleTest {
    private static final ClickHouseServer SERVER = ClickHouseServer.shared();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final List<ZoneId> ZONES =
            List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"));
    /** The settling time the test gives the ClickHouse rollup (its default is minutes). */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private Path dir;
    private DuckDbEventStore duck;
    private ClickHouseEventStore clickHouse;
    private StatsEngine duckEngine;
    private StatsEngine clickHouseEngine;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("ch-day-rollup-oracle");
        duck = SampleData.open(dir.resolve("duck"));
        String db = "day_oracle_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        clickHouse = new ClickHouseEventStore(
                new ClickHouseSettings(SERVER.url(db), null, null),
                new DataSaasProperties(dir.resolve("node"), null, null, null, null));
        clickHouse.settleTime(SETTLE);
        clickHouse.longestBuild(Duration.ZERO); // every roll trims day_changes: a change it lost would show below
        duckEngine = new StatsEngine(duck, List.of(new DuckDbDialect()));
        clickHouseEngine = new StatsEngine(clickHouse, List.of(new ClickHouseDialect(new ClickHouseSessions())));
        duckEngine.exactBelow(0); // a few visitors: reach the sketch merging too
        clickHouseEngine.exactBelow(0);
    }

    @AfterEach
    void close() throws Exception {
        duck.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void the_clickhouse_day_plan_gives_the_numbers_of_the_raw_events_and_of_duckdb(long seed) throws Exception {
        String site = "mrf_chdays" + seed;
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> events = PlannerOracleTest.generate(site, random);
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(seed));
        int late = shuffled.size() - shuffled.size() / 10;
        List<Event> stored = new ArrayList<>(shuffled.subList(0, late));
        write(stored);
        ZoneId zone = ZONES.get((int) (seed % ZONES.size()));
        Map<QueryCompiler.Plan, Integer> plans = new EnumMap<>(QueryCompiler.Plan.class);

        // Nothing rolled: the exact plans answer.
        compare(site, zone, stored, random, plans, false);
        assertThat(plans).doesNotContainKey(QueryCompiler.Plan.DAYS);

        roll(site, zone, true);
        compare(site, zone, stored, random, plans, true);
        assertThat(plans.getOrDefault(QueryCompiler.Plan.DAYS, 0)).isPositive();

        // Rolling again right away finds nothing to do.
        assertThat(clickHouse.rollDays(site, zone)).isZero();

        // Late events into rolled days, and a session still running across a rolled midnight: the days they reach
        // are read live (or the exact plans answer), never from the stale rows.
        List<Event> rest = new ArrayList<>(shuffled.subList(late, shuffled.size()));
        rest.add(continued(stored, zone));
        write(rest);
        stored.addAll(rest);
        plans.clear();
        compare(site, zone, stored, random, plans, false);

        roll(site, zone, true);
        plans.clear();
        compare(site, zone, stored, random, plans, true);
        assertThat(plans.getOrDefault(QueryCompiler.Plan.DAYS, 0)).isPositive();

        // A visitor deleted: the days of their events are live until rolled again.
        String gone = stored.get(0).visitorId();
        assertThat(clickHouse.deleteVisitors(site, List.of(gone))).isPositive();
        duck.deleteVisitors(site, List.of(gone));
        stored.removeIf(e -> e.visitorId().equals(gone));
        plans.clear();
        compare(site, zone, stored, random, plans, false);

        roll(site, zone, true);
        plans.clear();
        compare(site, zone, stored, random, plans, true);
        assertThat(plans.getOrDefault(QueryCompiler.Plan.DAYS, 0)).isPositive();
    }

    /**
     * A partial day (the closed sessions of a day not rolled yet, cut at 15:00 local) plus live rows of the other
     * sessions give the raw events' numbers; events of live sessions and new sessions after the cut keep it fresh; a
     * partial session resumed after more than the visit timeout, a late event before the cut and a visitor deletion
     * make it stale (the day is read fully live, nothing counted twice) until it is built again.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void a_partial_day_and_its_live_sessions_give_the_numbers_of_the_raw_events(long seed) throws Exception {
        String site = "mrf_chpartial" + seed;
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> stored = new ArrayList<>(PlannerOracleTest.generate(site, random));
        ZoneId zone = ZONES.get((int) (seed % ZONES.size()));
        // The third day: ranges that begin on one of the two days before still read a clean rolled day when a change
        // reaches the day before the partial one (a session crossing its midnight).
        LocalDate day = PlannerOracleTest.FIRST_DAY.plusDays(2);
        Instant cut = day.atStartOfDay(zone).plusHours(15).toInstant();
        Instant closedBefore = cut.minus(Duration.ofMinutes(30));
        // "Now" for the rollup: the day is current (later days' events lie ahead), its earlier days have ended.
        clickHouse.dayClock(Clock.fixed(cut.plus(SETTLE), ZoneId.of("UTC")));
        write(stored);
        Thread.sleep(SETTLE.toMillis() * 2 + 200);
        assertThat(clickHouse.rollDays(site, zone)).isPositive();
        assertThat(clickHouse.buildPartialDay(site, zone)).isTrue();
        assertPartial(site, zone, day, true);
        comparePartial(site, zone, stored, random);

        Map<String, Event> last = lastEvents(stored);
        List<Event> closed = last.values().stream()
                .filter(e -> e.timestamp().atZone(zone).toLocalDate().equals(day)
                        && e.timestamp().isBefore(closedBefore.minusSeconds(120)))
                .sorted(java.util.Comparator.comparing(Event::sessionId))
                .toList();
        Event live = last.values().stream()
                .filter(e -> e.timestamp().atZone(zone).toLocalDate().equals(day)
                        && !e.timestamp().isBefore(cut))
                .min(java.util.Comparator.comparing(Event::sessionId))
                .orElseThrow();
        assertThat(closed).as("closed sessions on the partial day").hasSizeGreaterThanOrEqualTo(3);

        // An event of a live session and a brand-new session, both after the cut: the partial stays fresh.
        Event more = with(live, live.timestamp().plusSeconds(300), EventType.PAGEVIEW);
        Event fresh = with(
                live,
                cut.plusSeconds(600),
                EventType.PAGEVIEW,
                Map.of("visitorId", "v-new", "visitorKey", 7_000_001L, "sessionId", "s-new", "sessionKey", 7_000_002L));
        for (Event e : List.of(more, fresh)) {
            writeAndKeep(stored, e);
            assertPartial(site, zone, day, true);
            comparePartial(site, zone, stored, random);
        }

        // A closed session resumed after more than the visit timeout (same session key), a late event before the cut,
        // a visitor of the partial deleted: stale, the day read fully live, then built again.
        List<Runnable> changes = List.of(
                () -> writeAndKeep(stored, with(closed.get(0), cut.plusSeconds(60), EventType.PAGEVIEW)),
                () -> writeAndKeep(
                        stored, with(closed.get(1), closed.get(1).timestamp().plusSeconds(60), EventType.PAGEVIEW)),
                () -> {
                    String gone = closed.get(2).visitorId();
                    assertThat(clickHouse.deleteVisitors(site, List.of(gone))).isPositive();
                    duck.deleteVisitors(site, List.of(gone));
                    stored.removeIf(e -> e.visitorId().equals(gone));
                });
        for (Runnable change : changes) {
            change.run();
            assertPartial(site, zone, day, false);
            compare(site, zone, stored, random, new EnumMap<>(QueryCompiler.Plan.class), false);
            // The change also reaches the rolled days (changes are grouped by the hour they were made in): rolled
            // again, they are clean while the partial stays stale, so the day plan reads the partial's day fully live.
            Thread.sleep(SETTLE.toMillis() * 2 + 200);
            clickHouse.rollDays(site, zone);
            assertPartial(site, zone, day, false);
            comparePartial(site, zone, stored, random);
            assertThat(clickHouse.buildPartialDay(site, zone)).isTrue();
            assertPartial(site, zone, day, true);
            comparePartial(site, zone, stored, random);
        }
    }

    private void assertPartial(String site, ZoneId zone, LocalDate day, boolean fresh) {
        assertThat(clickHouse.partialDays(site, zone, day, day).contains(day))
                .as("fresh partial of " + day)
                .isEqualTo(fresh);
    }

    /** The ClickHouse answers against the raw events' group-by; the day plan must answer some. */
    private void comparePartial(String site, ZoneId zone, List<Event> stored, SplittableRandom random) {
        Map<QueryCompiler.Plan, Integer> plans = new EnumMap<>(QueryCompiler.Plan.class);
        compare(site, zone, stored, random, plans, false);
        assertThat(plans.getOrDefault(QueryCompiler.Plan.DAYS, 0)).isPositive();
    }

    private void writeAndKeep(List<Event> stored, Event e) {
        write(List.of(e));
        stored.add(e);
    }

    private static Map<String, Event> lastEvents(List<Event> events) {
        Map<String, Event> last = new HashMap<>();
        for (Event e : events)
            last.merge(e.sessionId(), e, (a, b) -> a.timestamp().isAfter(b.timestamp()) ? a : b);
        return last;
    }

    private void write(List<Event> events) {
        duck.append(events);
        clickHouse.append(events);
    }

    /** Both stores' rolls once the writes have settled; ClickHouse must roll something when asked to. */
    private void roll(String site, ZoneId zone, boolean expectDays) throws InterruptedException {
        Thread.sleep(SETTLE.toMillis() * 2 + 200);
        duck.rollUp(Instant.now(), false);
        duck.rollDays(site, zone);
        long days = clickHouse.rollDays(site, zone);
        if (expectDays) assertThat(days).isPositive();
    }

    /**
     * A pageview 10 minutes after the last event of a session that ended within the last half hour of a local day:
     * the session now runs past midnight, so the day it began on changes (its duration, bounce and the next day's
     * continued link).
     */
    private static Event continued(List<Event> stored, ZoneId zone) throws Exception {
        Map<String, Event> last = new HashMap<>();
        for (Event e : stored)
            last.merge(e.sessionId(), e, (a, b) -> a.timestamp().isAfter(b.timestamp()) ? a : b);
        Event before = last.values().stream()
                .filter(e -> {
                    var local = e.timestamp().atZone(zone);
                    return local.getHour() == 23 && local.getMinute() >= 30;
                })
                .findFirst()
                .orElseGet(() -> last.values().iterator().next());
        return with(before, before.timestamp().plusSeconds(600), EventType.PAGEVIEW);
    }

    /** A copy of the event at another time and of another type (its record components otherwise kept). */
    private static Event with(Event e, Instant ts, EventType type) {
        return with(e, ts, type, Map.of());
    }

    /** {@link #with(Event, Instant, EventType)} with other components replaced too, by name. */
    private static Event with(Event e, Instant ts, EventType type, Map<String, Object> others) {
        try {
            return copy(e, ts, type, others);
        } catch (ReflectiveOperationException x) {
            throw new IllegalStateException(x);
        }
    }

    private static Event copy(Event e, Instant ts, EventType type, Map<String, Object> others)
            throws ReflectiveOperationException {
        RecordComponent[] components = Event.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = switch (components[i].getName()) {
                case "timestamp" -> ts;
                case "type" -> type;
                default ->
                    others.containsKey(components[i].getName())
                            ? others.get(components[i].getName())
                            : components[i].getAccessor().invoke(e);
            };
        }
        return Event.class.getDeclaredConstructor(types).newInstance(values);
    }

    private void compare(
            String site,
            ZoneId zone,
            List<Event> stored,
            SplittableRandom random,
            Map<QueryCompiler.Plan, Integer> plans,
            boolean settled) {
        for (int i = 0; i < 15; i++) {
            StatsQuery q = dayQuery(site, zone, random);
            QueryCompiler.Plan plan = clickHouseEngine.plan(q);
            plans.merge(plan, 1, Integer::sum);
            boolean estimated = clickHouseEngine.visitorsEstimated(q);
            List<StatsRow> rows = clickHouseEngine.aggregate(q);
            Map<List<Object>, PlannerOracleTest.Numbers> expected = PlannerOracleTest.groupByOverEvents(stored, q);
            Map<List<Object>, PlannerOracleTest.Numbers> actual =
                    DayRollupOracleTest.numbers(q, rows, estimated, expected);
            String what = String.format(
                    "%s %s %s %s..%s plan %s", q.interval(), q.zone(), q.dimensions(), q.start(), q.end(), plan);
            assertThat(new TreeMap<>(PlannerOracleTest.stringKeys(actual)))
                    .as(what)
                    .isEqualTo(new TreeMap<>(PlannerOracleTest.stringKeys(expected)));
            if (settled && plan == QueryCompiler.Plan.DAYS && duckEngine.plan(q) == QueryCompiler.Plan.DAYS) {
                // The same rows, sketches and merging: the same numbers, estimates included.
                assertThat(estimated).as(what).isEqualTo(duckEngine.visitorsEstimated(q));
                assertThat(numbers(rows)).as(what).isEqualTo(numbers(duckEngine.aggregate(q)));
            }
        }
    }

    /** Rows as text with durations to the millisecond (the two engines sum doubles in other orders). */
    private static Map<String, String> numbers(List<StatsRow> rows) {
        Map<String, String> out = new TreeMap<>();
        for (StatsRow r : rows) {
            Components c = r.components();
            out.put(
                    String.valueOf(r.groups()),
                    List.of(
                                    c.visitors(),
                                    c.sessions(),
                                    c.pageviews(),
                                    c.bounces(),
                                    Math.round(c.durationSum() * 1000),
                                    c.leaveCount(),
                                    Math.round(c.leaveMsSum()))
                            .toString());
        }
        return out;
    }

    /** A question the day plan can take: no filters, no goals, the total or one rolled-up dimension, days or none. */
    private static StatsQuery dayQuery(String site, ZoneId zone, SplittableRandom random) {
        LocalDate start = PlannerOracleTest.FIRST_DAY.plusDays(random.nextInt(3));
        LocalDate end = start.plusDays(random.nextInt(3));
        List<Dimension> dims = new ArrayList<>();
        if (random.nextInt(3) > 0) {
            dims.add(PlannerOracleTest.DIMENSIONS.get(random.nextInt(PlannerOracleTest.DIMENSIONS.size())));
        }
        return new StatsQuery(
                site,
                start,
                end,
                zone,
                List.of(Metric.values()),
                dims,
                List.of(),
                random.nextInt(3) == 0 ? Interval.DAY : null,
                StatsQuery.Order.VISITORS_DESC,
                10_000,
                0,
                List.of());
    }
}
