package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import com.datasaas.support.ClickHouseShards;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ClickHouse store on a sharded cluster (DATASAAS_CLICKHOUSE_CLUSTER): two private ClickHouse 18.16 servers as
 * two shards, ZooKeeper for their ON CLUSTER DDL ({@link ClickHouseShards}). Local tables on every shard, Distributed
 * tables over them, rows spread by visitor, and exactly-once redelivery when a shard's part of an insert is unclear.
 * Each test has its own database.
 */
class ClickHouseClusterStoreTest {
    private static final ClickHouseShards CLUSTER = ClickHouseShards.shared();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path nodes;

    private static DataSaasProperties node(String node) {
        return new DataSaasProperties(nodes.resolve(node), null, null, null, null);
    }

    /** A store of {@code node} talking to the cluster through the server of shard {@code host} (0 or 1). */
    private static ClickHouseEventStore store(String database, String node, int host) {
        return new ClickHouseEventStore(
                new ClickHouseSettings(CLUSTER.shards().get(host).url(database), null, null, ClickHouseShards.CLUSTER),
                node(node));
    }

    private static String database() {
        return "cluster_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    }

    /** Events of 50 visitors (a session each), so both shards get some. */
    private static List<SpooledEvent> spooled(int from, int to) {
        List<SpooledEvent> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            Event e = DuckDbEventStoreTest.event(i, i % 5 == 0 ? EventType.LEAVE : EventType.PAGEVIEW);
            out.add(new SpooledEvent(i, e));
        }
        return out;
    }

    private static long count(ClickHouseEventStore store, String where) {
        return store.query("SELECT count() FROM events WHERE " + where, List.of(), (rs, n) -> rs.getLong(1))
                .get(0);
    }

    private static long countOnShard(int shard, String database, String where) {
        return Long.parseLong(CLUSTER.shards()
                .get(shard)
                .run("SELECT count() FROM " + database + ".events_local WHERE " + where)
                .strip());
    }

    @Test
    void every_table_is_a_local_table_on_each_shard_under_a_distributed_table() {
        String db = database();
        store(db, "node-a", 0);
        for (ClickHouseServer shard : CLUSTER.shards()) {
            String tables = shard.run("SELECT name, engine FROM system.tables WHERE database = '" + db
                    + "' ORDER BY name FORMAT TabSeparated");
            assertThat(tables.lines())
                    .containsExactly(
                            "events\tDistributed",
                            "events_local\tMergeTree",
                            "schema_version\tDistributed",
                            "schema_version_local\tMergeTree",
                            "spool_watermarks\tDistributed",
                            "spool_watermarks_local\tReplacingMergeTree");
        }
    }

    @Test
    void events_land_on_both_shards_and_each_visitor_on_one() {
        String db = database();
        ClickHouseEventStore store = store(db, "node-a", 0);
        store.appendSpooled(spooled(1, 3000));
        assertThat(count(store, "1")).isEqualTo(3000);
        long first = countOnShard(0, db, "1");
        long second = countOnShard(1, db, "1");
        System.out.printf("cluster: 3000 events stored as %d on shard 1 and %d on shard 2%n", first, second);
        assertThat(first).isPositive();
        assertThat(second).isPositive();
        assertThat(first + second).isEqualTo(3000);
        String visitorsOnBoth = CLUSTER.shards()
                .get(0)
                .run("SELECT count() FROM " + db
                        + ".events_local WHERE visitor_key IN (SELECT visitor_key FROM remote('127.0.0.1:"
                        + CLUSTER.shards().get(1).tcpPort() + "', " + db + ".events_local))");
        assertThat(visitorsOnBoth.strip()).isEqualTo("0");
    }
}
