package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.DuckDbEventStore;
import com.datasaas.support.StoreOracle;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link StatsNumbersTest} with the embedded store's hourly rollup brought up to date after every write, so the
 * timeseries, pathname and event-filter queries there read rolled-up hours (every test event lies in a closed hour),
 * and must give the same hand-computed numbers, DST days included. The base class mostly reads raw events: its
 * events arrive for hours the background roll has already closed, which makes them dirty.
 */
class RolledUpStatsNumbersTest extends StatsNumbersTest {
    @Override
    void afterAppend() {
        ((DuckDbEventStore) store).rollUp(Instant.now(), true);
        assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void timeseries_and_pathname_queries_read_the_rollup_once_their_hours_are_rolled_up() {
        afterAppend();
        for (String zone : List.of("UTC", "America/New_York", "Europe/Berlin")) {
            StatsQuery q = new StatsQuery(
                    "mrf_any",
                    LocalDate.parse("2026-03-01"),
                    LocalDate.parse("2026-03-31"),
                    ZoneId.of(zone),
                    List.of(Metric.values()),
                    List.of(Dimension.PATHNAME),
                    List.of(new Filter(Dimension.CHANNEL, Filter.Operator.IS, List.of("Direct"))),
                    null,
                    StatsQuery.Order.VISITORS_DESC,
                    10,
                    0,
                    List.of());
            assertThat(engine.plan(q)).as(zone).isEqualTo(QueryCompiler.Plan.ROLLUP);
        }
        // A zone with half-hour offsets cannot be summed from UTC hours: raw events.
        StatsQuery kolkata = new StatsQuery(
                "mrf_any",
                LocalDate.parse("2026-03-01"),
                LocalDate.parse("2026-03-31"),
                ZoneId.of("Asia/Kolkata"),
                List.of(Metric.PAGEVIEWS),
                List.of(),
                List.of(),
                Interval.DAY,
                null,
                0,
                0,
                List.of());
        assertThat(engine.plan(kolkata)).isEqualTo(QueryCompiler.Plan.EVENTS);
    }
}
