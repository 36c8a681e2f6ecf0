package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.support.ClickHouseServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The day roll trims the {@code day_changes} rows it consumed (the table grew forever before), and only those: a change
 * that still makes a rolled day stale, and changes written while the roll and its deletion run, are kept, so a stale
 * day is never read as clean. Against a private ClickHouse 18.16 server.
 */
class ClickHouseDayChangesTrimTest {
    private static final ClickHouseServer SERVER = ClickHouseServer.shared();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String SITE = "mrf_store";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final LocalDate NOV_1 = LocalDate.parse("2026-11-01");

    @TempDir
    Path node;

    private String db;

    private ClickHouseEventStore store(Duration settle) {
        db = "trim_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        ClickHouseEventStore store = new ClickHouseEventStore(
                new ClickHouseSettings(SERVER.url(db), null, null),
                new DataSaasProperties(node, null, null, null, null));
        store.settleTime(settle);
        store.longestBuild(Duration.ZERO); // no build runs beside these rolls
        return store;
    }

    /** Pageviews of seven visitors (sessions s0..s6) on {@code days} days from November 1st, every 20 minutes. */
    private static List<Event> days(int days) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < days * 72; i++) out.add(DuckDbEventStoreTest.event(i * 1200, EventType.PAGEVIEW));
        return out;
    }

    /** A late pageview at {@code t} (second {@code i} of November 1st, as {@link DuckDbEventStoreTest#event}). */
    private static Event late(int second) {
        return DuckDbEventStoreTest.event(second, EventType.PAGEVIEW);
    }

    private static long changes(ClickHouseEventStore store, String where) {
        return store.query(
                        "SELECT count() FROM day_changes WHERE site_id = " + ClickHouseDialect.literal(SITE) + " AND "
                                + where,
                        List.of(),
                        (rs, n) -> rs.getLong(1))
                .get(0);
    }

    /** Waits until ClickHouse has finished every deletion of {@code day_changes} (a mutation nobody waits for). */
    private static void trimmed(ClickHouseEventStore store) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (store.query(
                                "SELECT count() FROM system.mutations WHERE database = currentDatabase() AND table ="
                                        + " 'day_changes' AND is_done = 0",
                                List.of(),
                                (rs, n) -> rs.getLong(1))
                        .get(0)
                > 0) {
            assertThat(System.nanoTime()).as("the trim's deletion finished").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void settle(Duration settle) throws InterruptedException {
        Thread.sleep(settle.toMillis() + 1_200); // changed_at has whole seconds
    }

    @Test
    void the_roll_trims_the_changes_it_consumed() throws Exception {
        Duration settle = Duration.ofSeconds(1);
        ClickHouseEventStore store = store(settle);
        store.appendSpooled(ClickHouseEventStoreTest.numbered(days(3), 1));
        store.appendSpooled(ClickHouseEventStoreTest.numbered(List.of(late(100), late(86_400 + 100)), 1000));
        assertThat(changes(store, "1")).as("one row per INSERT and day").isGreaterThanOrEqualTo(4);
        settle(settle);

        assertThat(store.rollDays(SITE, UTC)).isPositive();
        trimmed(store);
        assertThat(changes(store, "1")).as("the changes the roll consumed").isZero();
        // The rolled days read clean, and the site is still rolled (its ended days are found through its rolled ones).
        DayRows rows = store.dayRows(SITE, UTC, DayRollup.TOTAL, NOV_1, NOV_1.plusDays(2))
                .orElseThrow();
        assertThat(rows.liveDays()).isEmpty();
        assertThat(rows.rows()).isNotEmpty();
        assertThat(store.rolledSites()).containsExactly(SITE);
        // A late event after the trim makes its days live again.
        store.appendSpooled(ClickHouseEventStoreTest.numbered(List.of(late(200)), 2000));
        assertThat(store.dayRows(SITE, UTC, DayRollup.TOTAL, NOV_1, NOV_1.plusDays(2))
                        .orElseThrow()
                        .liveDays())
                .contains(NOV_1, NOV_1.plusDays(1));
    }

    /**
     * A roll that builds one day while a late event keeps two rolled days stale and not settled: the trim keeps that
     * change (the days stay live), and every change written while the roll ran survives its deletion.
     */
    @Test
    void no_change_a_rolled_day_or_a_concurrent_writer_needs_is_trimmed() throws Exception {
        Duration settle = Duration.ofSeconds(10); // the second roll runs well within it of the late event
        ClickHouseEventStore store = store(settle);
        store.dayClock(Clock.fixed(NOV_1.plusDays(2).atTime(12, 0).toInstant(ZoneOffset.UTC), UTC));
        store.appendSpooled(ClickHouseEventStoreTest.numbered(days(3), 1));
        settle(settle);
        assertThat(store.rollDays(SITE, UTC)).as("November 1st and 2nd").isEqualTo(2);
        trimmed(store);
        assertThat(changes(store, "1")).isZero();

        // A late event into November 1st: it and the day after are stale, and wait to settle.
        store.appendSpooled(ClickHouseEventStoreTest.numbered(List.of(late(3_600)), 1000));
        assertThat(changes(store, "1")).isEqualTo(1);
        // A writer of more late events into November 1st (another node) all through the next roll and its trim.
        AtomicBoolean rolling = new AtomicBoolean(true);
        AtomicInteger batches = new AtomicInteger();
        Thread writer = new Thread(() -> {
            ClickHouseEventStore other = new ClickHouseEventStore(
                    new ClickHouseSettings(SERVER.url(db), null, null),
                    new DataSaasProperties(node.resolve("other"), null, null, null, null));
            for (int i = 0; rolling.get() || i < 3; i++) {
                other.appendSpooled(ClickHouseEventStoreTest.numbered(List.of(late(60 + i)), 1 + i));
                batches.incrementAndGet();
            }
        });
        writer.start();
        store.dayClock(Clock.fixed(NOV_1.plusDays(3).atTime(12, 0).toInstant(ZoneOffset.UTC), UTC));
        try {
            assertThat(store.rollDays(SITE, UTC)).as("November 3rd only").isEqualTo(1);
        } finally {
            rolling.set(false);
            writer.join();
        }
        trimmed(store);

        assertThat(batches.get()).isGreaterThanOrEqualTo(3);
        assertThat(changes(store, "1"))
                .as("the late event's change and every change written while the roll ran")
                .isEqualTo(1 + batches.get());
        assertThat(store.dayRows(SITE, UTC, DayRollup.TOTAL, NOV_1, NOV_1.plusDays(2))
                        .orElseThrow()
                        .liveDays())
                .containsExactlyInAnyOrder(NOV_1, NOV_1.plusDays(1)); // a set: no order to check
    }
}
