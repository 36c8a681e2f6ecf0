package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A roll leaves each month of {@code day_rollup} in one part (a read of stored rows pays per part it touches), also a
 * month an earlier roll left in several, and the stored rows and answers are those of the unmerged parts. Against a
 * private ClickHouse 18.16 server.
 */
class ClickHouseDayRollupPartsTest {
    private static final ClickHouseServer SERVER = ClickHouseServer.shared();
    private static final String SITE = "mrf_store";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final LocalDate NOV_1 = LocalDate.parse("2026-11-01");

    @TempDir
    Path node;

    private final String db = "parts_test_" + ProcessHandle.current().pid();

    private ClickHouseEventStore open(int today) {
        ClickHouseEventStore store = new ClickHouseEventStore(
                new ClickHouseSettings(SERVER.url(db), null, null),
                new DataSaasProperties(node, null, null, null, null));
        store.settleTime(Duration.ofSeconds(1));
        store.longestBuild(Duration.ZERO); // no build runs beside these rolls
        store.dayClock(Clock.fixed(NOV_1.plusDays(today).atTime(12, 0).toInstant(ZoneOffset.UTC), UTC));
        return store;
    }

    @Test
    void a_roll_merges_the_months_of_the_day_rollup_into_one_part_each_and_the_answers_stay() throws Exception {
        // Ten days of events: a first roll writes them in two runs (a week per query), two parts of November.
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10 * 72; i++) events.add(DuckDbEventStoreTest.event(i * 1200, EventType.PAGEVIEW));
        ClickHouseEventStore unmerged = open(7);
        unmerged.dayRollupMergeAtMost(0); // as rolls were before they merged
        unmerged.appendSpooled(ClickHouseEventStoreTest.numbered(events, 1));
        Thread.sleep(2_200); // settled: changed_at has whole seconds
        assertThat(unmerged.rollDays(SITE, UTC)).as("Nov 1-7").isEqualTo(7);
        ClickHouseEventStore later = open(10);
        later.dayRollupMergeAtMost(0);
        assertThat(later.rollDays(SITE, UTC)).as("Nov 8-10").isEqualTo(3);
        assertThat(parts(later)).as("two rolls, two parts").isEqualTo(2);
        String rows = DayRowText.query(later, DayRowText.STORED_ROWS);
        String totals = answer(later, DayRollup.TOTAL);
        String pages = answer(later, DayRollup.PATHNAME);

        // The next roll that writes rows merges every month in more than one part, not only the months it writes:
        // here a day of December (a part of its own), and November's two parts into one.
        ClickHouseEventStore merging = open(31);
        List<Event> december = new ArrayList<>();
        december.add(DuckDbEventStoreTest.event(30 * 86_400 + 43_200, EventType.PAGEVIEW));
        merging.appendSpooled(ClickHouseEventStoreTest.numbered(december, 10_000));
        Thread.sleep(2_200);
        assertThat(merging.rollDays(SITE, UTC)).as("Nov 11 - Dec 1").isEqualTo(21);
        assertThat(parts(merging)).as("a part per month").isEqualTo(2);
        String after = DayRowText.query(merging, DayRowText.STORED_ROWS);
        assertThat(after)
                .as("Nov 1-10's rows as they were")
                .contains(rows.lines().toList());
        assertThat(after.lines().count()).isGreaterThan(rows.lines().count());
        ClickHouseEventStore restarted = open(31); // nothing read yet: the rows come from the merged part
        assertThat(answer(restarted, DayRollup.TOTAL)).isEqualTo(totals);
        assertThat(answer(restarted, DayRollup.PATHNAME)).isEqualTo(pages);
    }

    private static long parts(ClickHouseEventStore store) {
        return Long.parseLong(DayRowText.query(
                        store,
                        "SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'day_rollup'"
                                + " AND active")
                .strip());
    }

    /** The store's answer for a dimension over Nov 1-10, every field of every row. */
    private static String answer(ClickHouseEventStore store, String dimension) {
        DayRows read =
                store.dayRows(SITE, UTC, dimension, NOV_1, NOV_1.plusDays(9)).orElseThrow();
        assertThat(read.liveDays()).as("rolled days read as stored rows").isEmpty();
        assertThat(read.rows()).isNotEmpty();
        return String.join("\n", DayRowText.of(read.rows()));
    }
}
