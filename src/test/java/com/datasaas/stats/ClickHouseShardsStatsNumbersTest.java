package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.TestEvent;
import com.datasaas.support.ClickHouseServer;
import com.datasaas.support.ClickHouseShards;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@link StatsNumbersTest} on a sharded ClickHouse: the app runs with DATASAAS_CLICKHOUSE_URL and
 * DATASAAS_CLICKHOUSE_CLUSTER on two private ClickHouse 18.16 shards behind Distributed tables ({@link
 * ClickHouseShards}), and every number must equal the one-server and embedded runs (the same hand-worked values).
 */
@ContextConfiguration(initializers = ClickHouseShards.AppOnClickHouseShards.class)
class ClickHouseShardsStatsNumbersTest extends StatsNumbersTest {
    /** Each shard's view feeds its own sessions; read through the Distributed table they must equal the events. */
    @Override
    String sessionsFromEvents() {
        return ClickHouseStatsNumbersTest.oneServerOrShards();
    }

    @Override
    String sessionsFromTable() {
        return ClickHouseStatsNumbersTest.storedSessions();
    }

    /** The numbers above prove nothing about sharding unless rows really are spread: 40 visitors, both shards. */
    @Test
    void a_site_s_events_are_spread_over_both_shards_and_counted_once() {
        String site = unique("mrf_shards");
        List<com.datasaas.events.Event> batch = new ArrayList<>();
        for (int v = 0; v < 40; v++) {
            batch.add(TestEvent.pageview(site, "2026-05-10T10:00:" + (10 + v) + "Z", "V" + v, "s" + v, "/")
                    .build());
            batch.add(TestEvent.pageview(site, "2026-05-10T10:01:" + (10 + v) + "Z", "V" + v, "s" + v, "/b")
                    .build());
        }
        store.append(batch);
        long total = 0;
        for (ClickHouseServer shard : ClickHouseShards.shared().shards()) {
            long here = Long.parseLong(
                    shard.run("SELECT count() FROM datasaas_sharded_tests.events_local WHERE site_id = '" + site + "'")
                            .strip());
            assertThat(here)
                    .as("events of the site on shard %s", shard.tcpPort())
                    .isPositive();
            total += here;
        }
        assertThat(total).isEqualTo(80);
        StatsQuery q = new StatsQuery(
                site,
                LocalDate.parse("2026-05-10"),
                LocalDate.parse("2026-05-10"),
                ZoneId.of("UTC"),
                List.of(Metric.values()),
                List.of(),
                List.of(),
                null,
                StatsQuery.Order.VISITORS_DESC,
                100,
                0,
                List.of());
        assertThat(StatsController.values(engine.totals(q), List.of(Metric.values())))
                .containsEntry("visitors", 40L)
                .containsEntry("sessions", 40L)
                .containsEntry("pageviews", 80L)
                .containsEntry("bounce_rate", 0.0)
                .containsEntry("avg_session_duration", 60L);
    }
}
