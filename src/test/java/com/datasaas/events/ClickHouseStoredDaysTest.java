package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node keeps the stored day rows it has read (a build's rows never change) and asks the server only for days it has
 * not read: a second read answers the same rows without reading them again, and a day rolled again is read anew, with
 * the same rows a node that never read it gets. Against a private ClickHouse 18.16 server.
 */
class ClickHouseStoredDaysTest {
    private static final ClickHouseServer SERVER = ClickHouseServer.shared();
    private static final String SITE = "mrf_store";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final LocalDate NOV_1 = LocalDate.parse("2026-11-01");
    private static final Duration SETTLE = Duration.ofSeconds(1);

    @TempDir
    Path node;

    private final String db = "stored_days_test_" + ProcessHandle.current().pid();

    private ClickHouseEventStore store() {
        ClickHouseEventStore store = new ClickHouseEventStore(
                new ClickHouseSettings(SERVER.url(db), null, null),
                new DataSaasProperties(node, null, null, null, null));
        store.settleTime(SETTLE);
        return store;
    }

    /** Pageviews of seven visitors on three days from November 1st, every 20 minutes, on pages p0..p215. */
    private static List<Event> threeDays() {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 3 * 72; i++) out.add(DuckDbEventStoreTest.event(i * 1200, EventType.PAGEVIEW));
        return out;
    }

    /** A read's rows as text, every number and the sketch's bytes (records compare arrays by identity). */
    private static List<String> rows(ClickHouseEventStore store, String dimension) {
        DayRows read =
                store.dayRows(SITE, UTC, dimension, NOV_1, NOV_1.plusDays(2)).orElseThrow();
        assertThat(read.liveDays())
                .as("every day of the range is rolled and clean")
                .isEmpty();
        return read.rows().stream()
                .map(r -> String.join(
                        " ",
                        r.day().toString(),
                        String.valueOf(r.value()),
                        String.valueOf(r.visitors()),
                        String.valueOf(r.sessions()),
                        String.valueOf(r.pageviews()),
                        String.valueOf(r.bounces()),
                        String.valueOf(r.durationSum()),
                        String.valueOf(r.continuedSessions()),
                        String.valueOf(r.continuedDuration()),
                        Arrays.toString(r.sketch())))
                .sorted()
                .toList();
    }

    @Test
    void days_read_before_are_not_read_again_and_a_day_rolled_again_is_read_anew() throws Exception {
        ClickHouseEventStore store = store();
        store.appendSpooled(ClickHouseEventStoreTest.numbered(threeDays(), 1));
        Thread.sleep(SETTLE.toMillis() + 1_200); // changed_at has whole seconds
        assertThat(store.rollDays(SITE, UTC)).isPositive();

        List<String> total = rows(store, DayRollup.TOTAL);
        List<String> pages = rows(store, DayRollup.PATHNAME);
        assertThat(total).hasSize(3);
        assertThat(pages).hasSize(3 * 72);
        long reads = store.storedDayReads();
        assertThat(reads).as("one read per dimension").isEqualTo(2);

        // Read again: the same rows, from the node's memory.
        assertThat(rows(store, DayRollup.TOTAL)).isEqualTo(total);
        assertThat(rows(store, DayRollup.PATHNAME)).isEqualTo(pages);
        assertThat(store.storedDayReads()).isEqualTo(reads);

        // A late pageview on November 1st: the day is live until rolled again, then read from its new build.
        store.appendSpooled(
                ClickHouseEventStoreTest.numbered(List.of(DuckDbEventStoreTest.event(100, EventType.PAGEVIEW)), 1000));
        assertThat(store.dayRows(SITE, UTC, DayRollup.TOTAL, NOV_1, NOV_1.plusDays(2))
                        .orElseThrow()
                        .liveDays())
                .contains(NOV_1);
        Thread.sleep(SETTLE.toMillis() + 1_200);
        assertThat(store.rollDays(SITE, UTC)).isPositive();
        List<String> after = rows(store, DayRollup.TOTAL);
        assertThat(after).isNotEqualTo(total);
        assertThat(store.storedDayReads()).isGreaterThan(reads);
        // A node that never read the site reads the server's rows: the same.
        ClickHouseEventStore other = store();
        assertThat(rows(other, DayRollup.TOTAL)).isEqualTo(after);
        assertThat(rows(other, DayRollup.PATHNAME)).isEqualTo(rows(store, DayRollup.PATHNAME));
        assertThat(rows(store, DayRollup.PATHNAME)).isNotEqualTo(pages);
    }
}
