package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A partial day's live rows folded in Java ({@link LiveSessionDays}, from the day query's two flat steps) equal the
 * rows of the day query they replace ({@link ClickHouseDayRollup#build} over the same live sessions and window), on
 * every rolled-up dimension, against a private ClickHouse 18.16 server. The events: sessions crossing the local
 * midnight into the partial day (continued links), the same pathname on both days, pageviews, goals, leaves with and
 * without duration and scroll, heartbeat-only sessions, NULL pathnames and attributes, a visitor with several
 * sessions, a session without a pageview.
 */
class ClickHouseLiveSessionDaysTest {
    private static final ClickHouseServer SERVER = ClickHouseServer.shared();
    private static final String SITE = "mrf_live";
    private static final String[] PATHS = {"/", "/pricing", "/blog/a", null};
    private static final String[] CHANNELS = {"Direct", "Organic Search", null};
    private static final String[] COUNTRIES = {"DE", "US", null};

    @TempDir
    Path node;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void the_folded_live_rows_equal_the_day_query_on_every_dimension(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ZoneId zone = List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"))
                .get((int) (seed % 3));
        LocalDate day = LocalDate.parse("2026-11-02");
        Instant midnight = day.atStartOfDay(zone).toInstant();
        // Cut early in the day: sessions begun the evening before are live, and continued on the partial day.
        Instant cut = midnight.plusSeconds(3600);
        Instant closedBefore = cut.minusSeconds(1800);
        ClickHouseEventStore store = new ClickHouseEventStore(
                new ClickHouseSettings(
                        SERVER.url("live_days_" + ProcessHandle.current().pid() + "_" + seed), null, null),
                new DataSaasProperties(node, null, null, null, null));
        List<Event> events = new ArrayList<>();
        for (int s = 0; s < 120; s++) {
            // Begun in the evening before (some crossing midnight, some live), around closed_before, later that day.
            Instant t = switch (random.nextInt(5)) {
                case 0 -> midnight.minusSeconds(600 + random.nextInt(3600));
                case 1, 2 -> closedBefore.minusSeconds(random.nextInt(7200));
                default -> midnight.plusSeconds(random.nextInt(6 * 3600));
            };
            boolean heartbeatsOnly = random.nextInt(12) == 0;
            int n = 1 + random.nextInt(8);
            String visitor = "v" + random.nextInt(40);
            for (int e = 0; e < n; e++) {
                EventType type = heartbeatsOnly
                        ? EventType.HEARTBEAT
                        : switch (random.nextInt(10)) {
                            case 0, 1, 2, 3, 4 -> EventType.PAGEVIEW;
                            case 5 -> EventType.HEARTBEAT;
                            case 6, 7 -> EventType.LEAVE;
                            default -> EventType.GOAL;
                        };
                events.add(event(random, visitor, "s" + s, t, type));
                t = t.plusSeconds(1 + random.nextInt(900));
            }
        }
        store.append(events);

        ClickHouseDayRollup rollup = new ClickHouseDayRollup(store);
        // The live sessions' earliest start (as ClickHouseDayRollup.liveStart finds it) and none: the whole window.
        Instant liveStart = events.stream()
                .filter(e -> events.stream()
                        .anyMatch(o -> o.sessionId().equals(e.sessionId())
                                && !o.timestamp().isBefore(closedBefore)))
                .map(Event::timestamp)
                .min(Instant::compareTo)
                .orElseThrow()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (Instant liveFrom : Arrays.asList(liveStart, null)) {
            ClickHouseDayRollup.Partial partial = new ClickHouseDayRollup.Partial(day, 1, cut, cut, liveFrom);
            for (String dimension : DayRollup.dimensions()) {
                List<String> query = text(rollup
                        .compute(
                                SITE,
                                zone,
                                day,
                                day,
                                List.of(dimension),
                                ClickHouseDayRollup.liveSessions(SITE, closedBefore),
                                liveFrom)
                        .stream()
                        .map(r -> (DayRow) r[0])
                        .toList());
                List<String> folded = text(rollup.liveSessionRows(SITE, zone, dimension, partial));
                assertThat(query).as(dimension + ", live rows from " + liveFrom).isNotEmpty();
                assertThat(folded)
                        .as(dimension + ", live rows from " + liveFrom)
                        .isEqualTo(query);
            }
        }
        assertThat(text(rollup.liveSessionRows(
                        SITE, zone, DayRollup.PATHNAME, new ClickHouseDayRollup.Partial(day, 1, cut, cut, liveStart))))
                .as("continued sessions on some pathname")
                .anyMatch(r -> !r.contains("|continued 0|"));
    }

    /** Rows as sorted text, every number and the sorted visitor keys, so two lists compare whatever their order. */
    private static List<String> text(List<DayRow> rows) {
        return rows.stream()
                .map(r -> r.day() + "|" + r.value() + "|visitors " + r.visitors() + "|sessions " + r.sessions() + "|"
                        + r.pageviews() + "|" + r.bounces() + "|" + r.durationSum() + "|" + r.leaveMsSum() + "|"
                        + r.leaveCount() + "|" + r.scrollSum() + "|" + r.scrollCount() + "|continued "
                        + r.continuedSessions() + "|" + r.continuedDuration() + "|"
                        + Arrays.toString(
                                Arrays.stream(r.visitorKeys()).sorted().toArray()))
                .sorted()
                .toList();
    }

    private static Event event(SplittableRandom random, String visitor, String session, Instant t, EventType type) {
        String path = PATHS[random.nextInt(PATHS.length)];
        String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
        boolean leave = type == EventType.LEAVE;
        return TestEvent.of(SITE, t, type, visitor, session)
                .goalName(type == EventType.GOAL ? "signup" : null)
                .path(path)
                // random draws in the order of the fields, as before the builder: the same seed, the same events
                .channel(CHANNELS[random.nextInt(CHANNELS.length)])
                .screenWidth(random.nextBoolean() ? 1280 : null)
                .language("en")
                .deviceType(random.nextBoolean() ? "desktop" : "mobile")
                .browser("Firefox")
                .browserVersion(null)
                .os("Linux")
                .osVersion(null)
                .country(country)
                .region(country == null ? null : country + "-region")
                .durationMs(leave && random.nextInt(4) > 0 ? 1_000L * random.nextInt(100) : null)
                .scrollDepth(leave && random.nextInt(4) > 0 ? random.nextInt(101) : null)
                .build();
    }
}
