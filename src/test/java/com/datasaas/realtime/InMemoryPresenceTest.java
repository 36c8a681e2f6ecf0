package com.datasaas.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.DuckDbEventStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryPresenceTest {
    private static final Instant NOW = Instant.parse("2026-12-06T22:00:00Z");

    @TempDir
    Path dataDir;

    DuckDbEventStore store;
    MutableClock clock = new MutableClock(NOW);
    InMemoryPresence presence;

    @BeforeEach
    void open() throws SQLException {
        store = new DuckDbEventStore(new DataSaasProperties(dataDir, null, null, null, null));
        presence = new InMemoryPresence(store, clock);
    }

    @AfterEach
    void close() throws SQLException {
        store.close();
    }

    @Test
    void a_visitor_counts_once_with_their_latest_event_whatever_the_order_events_arrive_in() {
        presence.seen("site", 7, NOW.minusSeconds(10));
        presence.seen("site", 7, NOW.minusSeconds(400)); // a late, older event does not move the time back
        presence.seen("site", 7, NOW.minusSeconds(30));

        assertThat(presence.online("site", NOW)).isEqualTo(1);
        assertThat(presence.onlineVisitors("site", NOW)).containsExactly(Map.entry(7L, NOW.minusSeconds(10)));
    }

    @Test
    void the_window_includes_its_first_millisecond_and_sites_are_apart() {
        presence.seen("site", 1, NOW.minus(Presence.WINDOW));
        presence.seen("site", 2, NOW.minus(Presence.WINDOW).minusMillis(1));
        presence.seen("other", 3, NOW);

        assertThat(presence.online("site", NOW)).isEqualTo(1);
        assertThat(presence.onlineVisitors("site", NOW)).containsOnlyKeys(1L);
        assertThat(presence.onlineVisitors("other", NOW)).containsOnlyKeys(3L);
        assertThat(presence.online("unknown", NOW)).isZero();
        assertThat(presence.onlineVisitors("unknown", NOW)).isEmpty();
    }

    @Test
    void many_visitors_agree_with_a_plain_map_and_idle_ones_are_forgotten() {
        // Enough visitors to grow every table many times, with keys as the ingest path makes them (any long).
        SplittableRandom random = new SplittableRandom(11);
        Map<Long, Long> expected = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            long visitor = random.nextLong();
            long at = NOW.toEpochMilli() - random.nextLong(600_000);
            presence.seen("site", visitor, Instant.ofEpochMilli(at));
            expected.merge(visitor, at, Math::max);
        }
        long cutoff = NOW.minus(Presence.WINDOW).toEpochMilli();
        Map<Long, Instant> online = new HashMap<>();
        expected.forEach((visitor, at) -> {
            if (at >= cutoff) online.put(visitor, Instant.ofEpochMilli(at));
        });
        assertThat(online).hasSizeBetween(20_000, 30_000);
        assertThat(presence.onlineVisitors("site", NOW)).isEqualTo(online);
        assertThat(presence.online("site", NOW)).isEqualTo(online.size());

        presence.forgetIdleVisitors();
        assertThat(presence.onlineVisitors("site", NOW)).isEqualTo(online);

        // Once everyone is idle the site goes, and a new visitor starts it afresh.
        clock.now = NOW.plus(Presence.WINDOW).plusSeconds(1);
        presence.forgetIdleVisitors();
        assertThat(presence.online("site", clock.now)).isZero();
        presence.seen("site", 5, clock.now);
        assertThat(presence.onlineVisitors("site", clock.now)).containsExactly(Map.entry(5L, clock.now));
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
