package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.DayRow;
import com.datasaas.events.DayRows;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The day plan's answer when a store hands over its stored rows before its live rows (ClickHouse): the unions begin
 * with the rows at hand and take the live ones when they come, and every number is that of the rows read at once.
 */
class DayAnswersTest {
    private static final LocalDate FIRST = LocalDate.parse("2026-11-01");
    private static final int DAYS = 10;

    @Test
    void unions_begun_before_the_live_rows_come_give_the_numbers_of_all_rows_at_once() {
        SplittableRandom random = new SplittableRandom(12);
        long[] pool = random.longs(40_000).toArray();
        List<DayRow> stored = new ArrayList<>();
        List<DayRow> live = new ArrayList<>();
        // Pages of a few to a few thousand visitors a day: unions that stay coupon lists, grow into sets and become
        // HLL arrays, where the estimate depends on the order of the updates.
        for (int page = 0; page < 40; page++) {
            int perDay = 5 + (int) (3000 / Math.pow(page + 1, 1.2));
            for (int day = 0; day < DAYS; day++) {
                long[] keys = keys(random, pool, perDay);
                stored.add(row(FIRST.plusDays(day), "/p" + page, keys, DayRows.sketch(keys), null));
            }
            // Today's live rows (no sketch: the keys), for most pages, and pages seen only today.
            if (page % 4 != 3) {
                long[] keys = keys(random, pool, perDay / 3 + 1);
                live.add(row(FIRST.plusDays(DAYS), "/p" + page, keys, null, keys));
            }
        }
        for (int page = 40; page < 45; page++) {
            long[] keys = keys(random, pool, 20);
            live.add(row(FIRST.plusDays(DAYS), "/p" + page, keys, null, keys));
        }
        StatsQuery q = new StatsQuery(
                "mrf_steps",
                FIRST,
                FIRST.plusDays(DAYS),
                ZoneId.of("UTC"),
                List.of(Metric.values()),
                List.of(Dimension.PATHNAME),
                List.of(),
                null,
                StatsQuery.Order.VISITORS_DESC,
                10,
                0,
                List.of());
        Set<LocalDate> liveDays = Set.of(FIRST.plusDays(DAYS));
        List<DayRow> all = new ArrayList<>(stored);
        all.addAll(live);
        DayAnswers.Answer atOnce =
                DayAnswers.answer(q, new DayRows(all, liveDays), 0).orElseThrow();

        CompletableFuture<List<DayRow>> later = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(() -> later.complete(live));
        DayAnswers.Answer inSteps =
                DayAnswers.answer(q, new DayRows(stored, liveDays, later), 0).orElseThrow();

        assertThat(inSteps.rows()).hasSize(45);
        assertThat(inSteps).isEqualTo(atOnce);
        // The data can tell the order apart: the live rows merged first give other estimates.
        List<DayRow> liveFirst = new ArrayList<>(live);
        liveFirst.addAll(stored);
        assertThat(DayAnswers.answer(q, new DayRows(liveFirst, liveDays), 0).orElseThrow())
                .isNotEqualTo(atOnce);
    }

    @Test
    void a_failed_live_query_fails_the_answer_as_the_store_threw_it() {
        CompletableFuture<List<DayRow>> later = CompletableFuture.failedFuture(new IllegalStateException("ClickHouse"));
        DayRows rows = new DayRows(List.of(), Set.of(), later);
        org.assertj.core.api.Assertions.assertThatThrownBy(rows::rows)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ClickHouse");
    }

    private static long[] keys(SplittableRandom random, long[] pool, int n) {
        return random.ints(n, 0, pool.length).mapToLong(i -> pool[i]).distinct().toArray();
    }

    private static DayRow row(LocalDate day, String page, long[] keys, byte[] sketch, long[] visitorKeys) {
        return new DayRow(
                day,
                page,
                keys.length,
                keys.length,
                2L * keys.length,
                keys.length / 3,
                60.0 * keys.length,
                0,
                0,
                0,
                0,
                0,
                0,
                sketch,
                visitorKeys);
    }
}
