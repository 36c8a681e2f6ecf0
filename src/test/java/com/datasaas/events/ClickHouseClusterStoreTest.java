package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import com.datasaas.support.ClickHouseShards;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                            // schema 3: each shard's view records its own events' changed days for the day rollup
                            "day_changes\tDistributed",
                            "day_changes_feed_local\tMaterializedView",
                            "day_changes_local\tMergeTree",
                            // schema 4: the partial days
                            "day_partial_rows\tDistributed",
                            "day_partial_rows_local\tMergeTree",
                            "day_partial_sessions\tDistributed",
                            "day_partial_sessions_local\tMergeTree",
                            "day_partials\tDistributed",
                            "day_partials_local\tReplacingMergeTree",
                            "day_rollup\tDistributed",
                            "day_rollup_days\tDistributed",
                            "day_rollup_days_local\tReplacingMergeTree",
                            "day_rollup_local\tMergeTree",
                            "events\tDistributed",
                            "events_local\tMergeTree",
                            "schema_version\tDistributed",
                            "schema_version_local\tMergeTree",
                            // schema 2: each shard's view feeds its own sessions from its own events
                            "sessions\tDistributed",
                            "sessions_feed_local\tMaterializedView",
                            "sessions_local\tAggregatingMergeTree",
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

    @Test
    void a_batch_delivered_again_after_a_failure_between_insert_and_watermark_is_stored_once() {
        String db = database();
        ClickHouseEventStore store = store(db, "node-a", 0);
        store.appendSpooled(spooled(1, 100));
        AtomicInteger failures = new AtomicInteger();
        store.onEachStep(step -> {
            if (step.equals("raise_watermark") && failures.getAndIncrement() == 0) {
                throw new EventStoreException("simulated: the connection broke after the INSERT");
            }
        });
        assertThatThrownBy(() -> store.appendSpooled(spooled(101, 300))).isInstanceOf(EventStoreException.class);
        assertThat(count(store, "1")).as("the INSERT reached both shards").isEqualTo(300);
        assertThat(store.spoolWatermark()).as("but the watermark did not move").isEqualTo(100);

        store.appendSpooled(spooled(101, 400)); // the write buffer's retry, with more events behind it
        assertThat(count(store, "1")).isEqualTo(400);
        assertThat(store.spoolWatermark()).isEqualTo(400);
        assertThat(duplicates(store)).isZero();
    }

    /**
     * A synchronous distributed INSERT that fails on one shard leaves the other shard's rows stored (the error
     * names both). Made here by removing one shard's part of a stored batch, as if that shard had refused it: the
     * redelivery stores exactly what is missing, where it belongs.
     */
    @Test
    void a_batch_one_shard_stored_and_the_other_did_not_is_completed_on_redelivery_not_doubled() {
        String db = database();
        ClickHouseEventStore store = store(db, "node-a", 0);
        store.onEachStep(step -> {
            if (step.equals("raise_watermark")) throw new EventStoreException("simulated: unclear answer");
        });
        assertThatThrownBy(() -> store.appendSpooled(spooled(1, 500))).isInstanceOf(EventStoreException.class);
        long onSecond = countOnShard(1, db, "1");
        assertThat(onSecond).isPositive();
        ClickHouseServer second = CLUSTER.shards().get(1);
        second.run("ALTER TABLE " + db + ".events_local DELETE WHERE 1");
        awaitMutations(second, db);
        assertThat(count(store, "1")).isEqualTo(500 - onSecond);

        store.onEachStep(step -> {});
        store.appendSpooled(spooled(1, 500));
        assertThat(count(store, "1")).isEqualTo(500);
        assertThat(countOnShard(1, db, "1"))
                .as("the missing part went back to its shard")
                .isEqualTo(onSecond);
        assertThat(duplicates(store)).isZero();
        assertThat(store.spoolWatermark()).isEqualTo(500);
    }

    /** Watermarks live in a Distributed table too: every host reads the same one, whichever host a node talks to. */
    @Test
    void a_node_that_comes_back_through_the_other_host_reads_the_same_watermark() {
        String db = database();
        ClickHouseEventStore before = store(db, "node-a", 0);
        before.appendSpooled(spooled(1, 200));
        before.onEachStep(step -> {
            if (step.equals("raise_watermark")) throw new EventStoreException("simulated crash");
        });
        assertThatThrownBy(() -> before.appendSpooled(spooled(201, 350))).isInstanceOf(EventStoreException.class);

        ClickHouseEventStore after = store(db, "node-a", 1); // restarted, behind a load balancer: the other host
        assertThat(after.spoolWatermark()).isEqualTo(200);
        after.appendSpooled(spooled(201, 400)); // the spool replays from the watermark
        assertThat(count(after, "1")).isEqualTo(400);
        assertThat(duplicates(after)).isZero();

        ClickHouseEventStore other = store(db, "node-b", 1);
        other.appendSpooled(spooled(1, 10));
        assertThat(count(other, "1")).isEqualTo(410);
        assertThat(store(db, "node-a", 0).spoolWatermark()).isEqualTo(400);
        assertThat(other.spoolWatermark()).isEqualTo(10);
    }

    @Test
    void deleting_a_site_or_visitors_removes_their_events_on_every_shard() {
        String db = database();
        ClickHouseEventStore store = store(db, "node-a", 0);
        store.appendSpooled(spooled(1, 700));
        assertThat(store.deleteVisitors("mrf_store", List.of("v1", "v2"))).isEqualTo(200);
        assertThat(count(store, "visitor_id IN ('v1', 'v2')")).isZero();
        assertThat(count(store, "1")).isEqualTo(500);
        store.deleteSite("mrf_store");
        assertThat(count(store, "1")).isZero();
        assertThat(countOnShard(0, db, "1") + countOnShard(1, db, "1")).isZero();
    }

    @Test
    void a_cluster_the_server_does_not_know_fails_start_up_with_one_clear_message() {
        assertThatThrownBy(() -> new ClickHouseEventStore(
                        new ClickHouseSettings(CLUSTER.url(database()), null, null, "no_such_cluster"), node("node-a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no cluster no_such_cluster in its remote_servers")
                .hasMessageContaining(ClickHouseShards.CLUSTER)
                .hasMessageContaining("DATASAAS_CLICKHOUSE_CLUSTER");
    }

    /** A database made for one server is not silently reused as a cluster's, nor the other way round. */
    @Test
    void switching_an_existing_database_between_one_server_and_cluster_is_refused() {
        String single = database();
        new ClickHouseEventStore(new ClickHouseSettings(CLUSTER.url(single), null, null), node("node-a"));
        assertThatThrownBy(() -> store(single, "node-a", 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was made for one server");

        String sharded = database();
        store(sharded, "node-a", 0);
        assertThatThrownBy(() -> new ClickHouseEventStore(
                        new ClickHouseSettings(CLUSTER.url(sharded), null, null), node("node-a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set DATASAAS_CLICKHOUSE_CLUSTER");
    }

    @Test
    void start_up_twice_on_either_host_is_idempotent() {
        String db = database();
        store(db, "node-a", 0).appendSpooled(spooled(1, 10));
        ClickHouseEventStore again = store(db, "node-b", 1);
        assertThat(count(again, "1")).isEqualTo(10);
        assertThat(again.query("SELECT max(version) FROM schema_version", List.of(), (rs, n) -> rs.getLong(1)))
                .containsExactly((long) ClickHouseEventStore.migrations().size());
    }

    /**
     * The day rollup on two shards against one server with the same events: rolled days, a partial day (the closed
     * sessions of the current day, built by queries over the Distributed tables) and its live sessions give the same
     * rows for every rolled dimension, the partial is fresh on both, and the roll's trim of {@code day_changes} (a
     * mutation on every shard's local table) leaves the same state.
     */
    @Test
    void rolled_and_partial_days_on_two_shards_equal_those_of_one_server() throws Exception {
        String db = database();
        java.time.Duration settle = java.time.Duration.ofSeconds(1);
        ClickHouseEventStore sharded = store(db, "node-a", 0);
        ClickHouseEventStore single = new ClickHouseEventStore(
                new ClickHouseSettings(ClickHouseServer.shared().url(db), null, null), node("node-single"));
        java.time.ZoneId zone = java.time.ZoneId.of("America/New_York");
        java.time.LocalDate first = java.time.LocalDate.parse("2026-11-01");
        java.time.LocalDate day = first.plusDays(2);
        // "Now": 15:00 on the third day; its sessions closed before 14:30 go into its partial, the rest are live.
        java.time.Clock now = java.time.Clock.fixed(
                day.atStartOfDay(zone).plusHours(15).toInstant().plus(settle), java.time.ZoneOffset.UTC);
        List<SpooledEvent> events = new ArrayList<>();
        for (int i = 0; i < 4 * 144; i++) {
            EventType type = i % 5 == 0 ? EventType.LEAVE : i % 11 == 0 ? EventType.GOAL : EventType.PAGEVIEW;
            events.add(new SpooledEvent(i + 1, DuckDbEventStoreTest.event(i * 600 + i % 13, type)));
        }
        for (ClickHouseEventStore store : List.of(sharded, single)) {
            store.settleTime(settle);
            store.longestBuild(java.time.Duration.ZERO);
            store.dayClock(now);
            store.appendSpooled(events);
        }
        assertThat(countOnShard(0, db, "1")).isPositive();
        assertThat(countOnShard(1, db, "1")).isPositive();
        Thread.sleep(settle.toMillis() * 2 + 200);
        for (ClickHouseEventStore store : List.of(sharded, single)) {
            assertThat(store.rollDays("mrf_store", zone)).isPositive();
            assertThat(store.buildPartialDay("mrf_store", zone)).isTrue();
            assertThat(store.partialDays("mrf_store", zone, first, day.plusDays(1)))
                    .containsExactly(day);
        }
        awaitMutations(CLUSTER.shards().get(0), db);
        awaitMutations(CLUSTER.shards().get(1), db);
        awaitMutations(ClickHouseServer.shared(), db);
        for (String dimension : DayRollup.dimensions()) {
            List<String> expected = dayRows(single, zone, dimension, first, day, true);
            assertThat(expected).as(dimension).isNotEmpty();
            assertThat(dayRows(sharded, zone, dimension, first, day, true))
                    .as(dimension)
                    .isEqualTo(expected);
        }
        String changes = "SELECT count() FROM day_changes";
        assertThat(sharded.query(changes, List.of(), (rs, n) -> rs.getLong(1)))
                .isEqualTo(single.query(changes, List.of(), (rs, n) -> rs.getLong(1)));
    }

    /**
     * Migrations 5 and 6 on a cluster: a database at version 4 (every shard's day_rollup_local in granules of 8,192
     * rows, sessions_local with a state per attribute as migration 2's cluster form made it) with rolled days keeps
     * each shard's rows, the answers and every session; the local tables are swapped on every host, the Distributed
     * day_rollup reads the new ones, and the Distributed sessions is made anew with migration 6's columns.
     */
    @Test
    void migrations_5_and_6_rebuild_every_shards_day_rollup_and_sessions_and_keep_their_rows() throws Exception {
        String db = database();
        java.time.Duration settle = java.time.Duration.ofSeconds(1);
        java.time.ZoneId zone = java.time.ZoneId.of("UTC");
        java.time.LocalDate first = java.time.LocalDate.parse("2026-11-01");
        java.time.Clock now = java.time.Clock.fixed(
                first.plusDays(3).atTime(12, 0).toInstant(java.time.ZoneOffset.UTC), java.time.ZoneOffset.UTC);
        ClickHouseEventStore store = store(db, "node-a", 0);
        store.settleTime(settle);
        store.longestBuild(java.time.Duration.ZERO);
        store.dayClock(now);
        List<SpooledEvent> events = new ArrayList<>();
        for (int i = 0; i < 3 * 144; i++) {
            EventType type = i % 5 == 0 ? EventType.LEAVE : EventType.PAGEVIEW;
            events.add(new SpooledEvent(i + 1, DuckDbEventStoreTest.event(i * 600 + i % 13, type)));
        }
        store.appendSpooled(events);
        Thread.sleep(settle.toMillis() * 2 + 200);
        assertThat(store.rollDays("mrf_store", zone)).isEqualTo(3);
        String rows = "SELECT count(), sum(cityHash64(site_id, zone, day, dimension, ifNull(value, ''), version,"
                + " visitors, visitor_sketch)) FROM " + db + ".day_rollup_local";
        List<String> perShard = CLUSTER.shards().stream().map(s -> s.run(rows)).toList();
        assertThat(perShard).allSatisfy(r -> assertThat(r).doesNotStartWith("0\t"));
        Map<String, List<String>> answers = new java.util.TreeMap<>();
        for (String dimension : DayRollup.dimensions()) {
            answers.put(dimension, dayRows(store, zone, dimension, first, first.plusDays(2), false));
        }
        String sessionRows = "SELECT * FROM (" + new ClickHouseSessions().select(null, List.of())
                + ") ORDER BY site_id, session_key";
        List<List<Object>> sessions = rows(store, sessionRows);
        assertThat(sessions).hasSizeGreaterThan(1);

        // Back to version 4: migration 3's day_rollup_local on every shard, same rows; schema_version without 5.
        String v3 = ClickHouseEventStore.statements(
                        ClickHouseEventStore.migrations().get(2))
                .stream()
                .filter(s -> s.contains("CREATE TABLE IF NOT EXISTS day_rollup ("))
                .findFirst()
                .orElseThrow()
                .replace("CREATE TABLE IF NOT EXISTS day_rollup (", "CREATE TABLE " + db + ".day_rollup_local (");
        for (ClickHouseServer shard : CLUSTER.shards()) {
            shard.run("RENAME TABLE " + db + ".day_rollup_local TO " + db + ".day_rollup_rolled");
            shard.run(v3);
            shard.run("INSERT INTO " + db + ".day_rollup_local SELECT * FROM " + db + ".day_rollup_rolled");
            shard.run("DROP TABLE " + db + ".day_rollup_rolled");
            shard.run("ALTER TABLE " + db + ".schema_version_local DELETE WHERE version >= 5");
            assertThat(shard.run("SHOW CREATE TABLE " + db + ".day_rollup_local"))
                    .contains("index_granularity = 8192");
        }
        // and migration 2's sessions (a state per attribute), as its cluster form made them, backfill included
        ClusterSchema schema = new ClusterSchema(ClickHouseShards.CLUSTER, db, ClickHouseEventStore.allStatements());
        List<String> toV2 =
                new ArrayList<>(List.of("DROP TABLE IF EXISTS sessions_feed", "DROP TABLE IF EXISTS sessions"));
        toV2.addAll(ClickHouseEventStore.statements(
                ClickHouseEventStore.migrations().get(1)));
        for (String statement : toV2) {
            for (String sql : schema.statements(statement)) store.execute(sql);
        }
        for (ClickHouseServer shard : CLUSTER.shards()) {
            assertThat(shard.run("SHOW CREATE TABLE " + db + ".sessions_local")).contains("entry_page_state");
        }
        for (int i = 0; i < 600; i++) {
            if (store.query("SELECT max(version) FROM schema_version", List.of(), (rs, n) -> rs.getLong(1))
                    .equals(List.of(4L))) break;
            Thread.sleep(50);
        }

        ClickHouseEventStore restarted = store(db, "node-b", 1);
        restarted.dayClock(now);
        assertThat(restarted.query("SELECT max(version) FROM schema_version", List.of(), (rs, n) -> rs.getLong(1)))
                .containsExactly((long) ClickHouseEventStore.migrations().size());
        assertThat(rows(restarted, sessionRows)).isEqualTo(sessions);
        for (ClickHouseServer shard : CLUSTER.shards()) {
            for (String table : List.of("sessions", "sessions_local")) {
                assertThat(shard.run("SHOW CREATE TABLE " + db + "." + table))
                        .as(table)
                        .contains("entry_attributes_state")
                        .doesNotContain("entry_page_state");
            }
            assertThat(shard.run("SELECT name FROM system.tables WHERE database = '" + db
                                    + "' AND name LIKE 'sessions%' ORDER BY name")
                            .lines())
                    .as("no copy of sessions left behind")
                    .containsExactly("sessions", "sessions_feed_local", "sessions_local");
        }
        for (ClickHouseServer shard : CLUSTER.shards()) {
            assertThat(shard.run("SHOW CREATE TABLE " + db + ".day_rollup_local"))
                    .contains("index_granularity = 256");
            assertThat(shard.run("SELECT name FROM system.tables WHERE database = '" + db
                                    + "' AND name LIKE 'day_rollup%' ORDER BY name")
                            .lines())
                    .as("no copy left behind")
                    .containsExactly("day_rollup", "day_rollup_days", "day_rollup_days_local", "day_rollup_local");
        }
        assertThat(CLUSTER.shards().stream().map(s -> s.run(rows)).toList()).isEqualTo(perShard);
        for (String dimension : DayRollup.dimensions()) {
            assertThat(dayRows(restarted, zone, dimension, first, first.plusDays(2), false))
                    .as(dimension)
                    .isEqualTo(answers.get(dimension));
        }
    }

    private static List<List<Object>> rows(ClickHouseEventStore store, String sql) {
        return store.query(sql, List.of(), (rs, n) -> {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
            return row;
        });
    }

    /**
     * A store's day rows of one dimension as text: with {@code lastDayLive} the range's last day must be read live
     * (its visitor keys compared in any order, as each server meets them in its own), else every day must be stored.
     */
    private static List<String> dayRows(
            ClickHouseEventStore store,
            java.time.ZoneId zone,
            String dimension,
            java.time.LocalDate from,
            java.time.LocalDate to,
            boolean lastDayLive) {
        DayRows rows = store.dayRows("mrf_store", zone, dimension, from, to).orElseThrow();
        if (!lastDayLive) {
            assertThat(rows.liveDays()).isEmpty();
            return DayRowText.of(rows.rows());
        }
        assertThat(rows.liveDays()).containsExactly(to);
        return DayRowText.keysInAnyOrder(rows.rows());
    }

    private static long duplicates(ClickHouseEventStore store) {
        return store.query(
                        "SELECT count() FROM (SELECT node_id, event_id FROM events WHERE node_id <> ''"
                                + " GROUP BY node_id, event_id HAVING count() > 1)",
                        List.of(),
                        (rs, n) -> rs.getLong(1))
                .get(0);
    }

    private static void awaitMutations(ClickHouseServer server, String db) {
        for (int i = 0; i < 600; i++) {
            if (server.run("SELECT count() FROM system.mutations WHERE database = '" + db + "' AND is_done = 0")
                    .strip()
                    .equals("0")) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the mutation did not finish in 30 s");
    }
}
