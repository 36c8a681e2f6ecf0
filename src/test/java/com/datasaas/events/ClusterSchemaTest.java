package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import com.datasaas.support.ClickHouseShards;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ByteArrayResource;

/**
 * The cluster form of the schema files ({@link ClusterSchema}): what it makes of each kind of statement, and, on the
 * test cluster of two ClickHouse 18.16 shards, that a schema file it has never seen (a rollup table fed by a
 * materialized view, a view with its own storage, a plain view, an event column added later)
 * works sharded without a code change.
 */
class ClusterSchemaTest {
    /** Tables and views as a later schema file could add them; nothing in ClusterSchema names them. */
    static final String LATER_FILE = """
            -- sessions-like rollup, fed on each shard by a view over that shard's events
            CREATE TABLE IF NOT EXISTS session_counts (
                site_id     String,
                session_key Int64,
                visitor_key Int64,
                events      UInt64
            ) ENGINE = SummingMergeTree
            ORDER BY (site_id, session_key);

            CREATE MATERIALIZED VIEW IF NOT EXISTS session_counts_feed TO session_counts AS
            SELECT site_id, session_key, visitor_key, count() AS events
            FROM events
            GROUP BY site_id, session_key, visitor_key;

            CREATE MATERIALIZED VIEW IF NOT EXISTS daily_pageviews
            ENGINE = SummingMergeTree ORDER BY (site_id, day) AS
            SELECT site_id, toDate(ts) AS day, count() AS pageviews
            FROM events
            WHERE event_type = 'pageview'
            GROUP BY site_id, day;

            CREATE VIEW IF NOT EXISTS pageviews AS
            SELECT site_id, ts, pathname FROM events WHERE event_type = 'pageview';

            ALTER TABLE events ADD COLUMN later_flag UInt8 DEFAULT 0;
            """;

    @TempDir
    static Path nodes;

    private static List<String> v1() {
        return ClickHouseEventStore.statements(ClickHouseEventStore.migrations().get(0));
    }

    private static List<String> later() {
        return ClickHouseEventStore.statements(new Named(LATER_FILE));
    }

    private static ClusterSchema schema() {
        List<String> all = new ArrayList<>(v1());
        all.addAll(later());
        return new ClusterSchema("shards", "db", all);
    }

    @Test
    void a_table_becomes_a_local_table_on_every_host_and_a_distributed_table_sharded_by_visitor() {
        List<String> events = schema().statements(v1().get(0));
        assertThat(events).hasSize(2);
        assertThat(events.get(0))
                .startsWith("CREATE TABLE IF NOT EXISTS db.events_local ON CLUSTER shards (")
                .contains("site_id         String,")
                .endsWith("ORDER BY (site_id, ts, session_key)");
        assertThat(events.get(1))
                .isEqualTo("CREATE TABLE IF NOT EXISTS db.events ON CLUSTER shards AS db.events_local"
                        + " ENGINE = Distributed(shards, db, events_local, cityHash64(site_id, visitor_key))");
    }

    @Test
    void a_rename_swaps_the_local_tables_on_every_host_in_one_statement() {
        assertThat(schema().statements("RENAME TABLE day_rollup TO day_rollup_v4, day_rollup_v5 TO day_rollup"))
                .containsExactly("RENAME TABLE db.day_rollup_local TO db.day_rollup_v4_local, db.day_rollup_v5_local"
                        + " TO db.day_rollup_local ON CLUSTER shards");
        assertThatThrownBy(() -> schema().statements("RENAME TABLE other.t TO t2"))
                .hasMessageContaining("RENAME TABLE");
    }

    @Test
    void a_table_without_visitors_is_sharded_by_its_sorting_key() {
        assertThat(schema().statements(v1().get(1)).get(1))
                .endsWith("Distributed(shards, db, spool_watermarks_local, cityHash64(node_id))");
        assertThat(ClusterSchema.shardingKey("(a String, b Int64) ENGINE = ReplacingMergeTree(b) ORDER BY (a, b)"))
                .isEqualTo("cityHash64(a, b)");
        assertThat(ClusterSchema.shardingKey("(a String) ENGINE = MergeTree ORDER BY tuple()"))
                .isEqualTo("rand()");
        assertThat(ClusterSchema.shardingKey(
                        "(site_id String, visitor_id String, x Int8) ENGINE = MergeTree ORDER BY x"))
                .isEqualTo("cityHash64(site_id, visitor_id)");
    }

    @Test
    void views_read_local_tables_on_each_shard_and_plain_views_read_the_distributed_ones() {
        ClusterSchema schema = schema();
        List<String> later = later();
        assertThat(schema.statements(later.get(1)))
                .singleElement()
                .asString()
                .startsWith("CREATE MATERIALIZED VIEW IF NOT EXISTS db.session_counts_feed_local ON CLUSTER shards"
                        + " TO db.session_counts_local AS")
                .contains("FROM db.events_local\n");
        List<String> ownStorage = schema.statements(later.get(2));
        assertThat(ownStorage).hasSize(2);
        assertThat(ownStorage.get(0)).contains("FROM db.events_local\n");
        assertThat(ownStorage.get(1))
                .isEqualTo("CREATE TABLE IF NOT EXISTS db.daily_pageviews ON CLUSTER shards AS"
                        + " db.daily_pageviews_local ENGINE = Distributed(shards, db, daily_pageviews_local)");
        assertThat(schema.statements(later.get(3)))
                .containsExactly("CREATE VIEW IF NOT EXISTS db.pageviews ON CLUSTER shards AS\n"
                        + "SELECT site_id, ts, pathname FROM db.events WHERE event_type = 'pageview'");
        assertThat(schema.statements(later.get(4)))
                .containsExactly(
                        "ALTER TABLE db.events_local ON CLUSTER shards ADD COLUMN later_flag UInt8 DEFAULT 0",
                        "ALTER TABLE db.events ON CLUSTER shards ADD COLUMN later_flag UInt8 DEFAULT 0");
    }

    @Test
    void a_statement_without_a_cluster_form_is_refused_with_the_statement() {
        assertThatThrownBy(() -> schema().statements("OPTIMIZE TABLE events FINAL"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("OPTIMIZE TABLE events FINAL")
                .hasMessageContaining("ClusterSchema");
        assertThatThrownBy(() -> new ClusterSchema("bad name", "db", List.of()))
                .hasMessageContaining("DATASAAS_CLICKHOUSE_CLUSTER");
    }

    /** The later file, run for real on two shards after the shipped schema: every object works sharded. */
    @Test
    void a_later_schema_file_runs_sharded_on_the_test_cluster() {
        ClickHouseShards cluster = ClickHouseShards.shared();
        String db = "later_schema_" + ProcessHandle.current().pid();
        ClickHouseEventStore store = new ClickHouseEventStore(
                new ClickHouseSettings(cluster.url(db), null, null, ClickHouseShards.CLUSTER),
                new DataSaasProperties(nodes.resolve("node"), null, null, null, null));
        List<String> all = new ArrayList<>(v1());
        all.addAll(later());
        ClusterSchema schema = new ClusterSchema(ClickHouseShards.CLUSTER, db, all);
        ClickHouseServer first = cluster.shards().get(0);
        for (String statement : later()) {
            for (String sql : schema.statements(statement)) first.run(sql);
        }

        List<SpooledEvent> batch = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            Event e = DuckDbEventStoreTest.event(i, i % 3 == 0 ? EventType.LEAVE : EventType.PAGEVIEW);
            batch.add(new SpooledEvent(i, e));
        }
        store.appendSpooled(batch);
        long pageviews = batch.stream()
                .filter(s -> s.event().type() == EventType.PAGEVIEW)
                .count();

        assertThat(number(first, "SELECT sum(events) FROM " + db + ".session_counts"))
                .isEqualTo(2000);
        assertThat(number(first, "SELECT sum(pageviews) FROM " + db + ".daily_pageviews"))
                .isEqualTo(pageviews);
        assertThat(number(first, "SELECT count() FROM " + db + ".pageviews")).isEqualTo(pageviews);
        assertThat(number(first, "SELECT count() FROM " + db + ".events WHERE later_flag = 0"))
                .isEqualTo(2000);
        for (ClickHouseServer shard : cluster.shards()) {
            // Each shard's view saw that shard's events only, and those are whole sessions.
            long events = number(shard, "SELECT count() FROM " + db + ".events_local WHERE later_flag = 0");
            assertThat(events).isPositive();
            assertThat(number(shard, "SELECT sum(events) FROM " + db + ".session_counts_local"))
                    .isEqualTo(events);
            assertThat(number(
                            shard,
                            "SELECT count() FROM " + db + ".session_counts_local WHERE session_key NOT IN (SELECT"
                                    + " session_key FROM " + db + ".events_local)"))
                    .isZero();
        }
    }

    private static long number(ClickHouseServer server, String sql) {
        return Long.parseLong(server.run(sql).strip());
    }

    /** A schema file from a string, named as the store expects one. */
    static final class Named extends ByteArrayResource {
        Named(String text) {
            super(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String getFilename() {
            return "V2__later.sql";
        }
    }
}
