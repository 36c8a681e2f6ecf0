package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ChDb;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster form of the schema ({@link ClusterSchema}) and the settings the store sends on a cluster, on a current
 * ClickHouse (26.x, chDB in this JVM; the test cluster's shards are Debian's 18.16). chDB has no clusters and no
 * Keeper, so what it can check is: every statement parses ({@code EXPLAIN AST}), the shard-local tables and the
 * materialized views over them are really created (their statements without {@code ON CLUSTER}), and the settings
 * exist. Creating the {@code Distributed} tables and running {@code ON CLUSTER} are left to the 18.16 cluster tests.
 */
class ClusterSchemaCurrentEngineTest {
    private static final String CLUSTER = "datasaas_shards";

    @Test
    void every_cluster_statement_parses_and_the_local_ones_run_on_a_current_clickhouse() {
        ChDb engine = ChDb.shared();
        String db = "cluster_schema_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        engine.query("CREATE DATABASE " + db);
        List<String> shipped = new ArrayList<>();
        for (var file : ClickHouseEventStore.migrations()) shipped.addAll(ClickHouseEventStore.statements(file));
        List<String> later = ClickHouseEventStore.statements(new ClusterSchemaTest.Named(ClusterSchemaTest.LATER_FILE));
        List<String> all = new ArrayList<>(shipped);
        all.addAll(later);
        ClusterSchema schema = new ClusterSchema(CLUSTER, db, all);

        int parsed = 0;
        int ran = 0;
        for (String statement : all) {
            for (String sql : schema.statements(statement)) {
                assertThat(engine.query("EXPLAIN AST " + sql)).as(sql).isNotBlank();
                parsed++;
                if (sql.contains(ClusterSchema.LOCAL + " ON CLUSTER " + CLUSTER)) {
                    engine.query(sql.replace(" ON CLUSTER " + CLUSTER, ""));
                    ran++;
                }
            }
        }
        System.out.printf("chDB: %d cluster statements parsed, %d shard-local ones run%n", parsed, ran);
        assertThat(engine.query("SELECT name FROM system.tables WHERE database = '" + db + "' ORDER BY name"))
                .contains("events_local", "spool_watermarks_local", "session_counts_local", "daily_pageviews_local");
        assertThat(engine.query("EXPLAIN AST " + schema.createDatabase())).isNotBlank();
    }

    /**
     * The store sends insert_distributed_sync=1 (18.16's name; renamed distributed_foreground_insert later, the old
     * name kept as its alias) and distributed_product_mode=global on a cluster: a current release must take both.
     */
    @Test
    void the_cluster_settings_the_store_sends_exist_on_a_current_clickhouse() {
        ChDb engine = ChDb.shared();
        engine.query("SET insert_distributed_sync = 1");
        engine.query("SET distributed_product_mode = 'global'");
        String values = engine.query("SELECT name, value FROM system.settings WHERE name IN"
                + " ('insert_distributed_sync', 'distributed_foreground_insert', 'distributed_product_mode')"
                + " ORDER BY name");
        assertThat(values.lines())
                .contains(
                        "distributed_foreground_insert\t1",
                        "distributed_product_mode\tglobal",
                        "insert_distributed_sync\t1");
        engine.query("SET insert_distributed_sync = 0");
        engine.query("SET distributed_product_mode = 'deny'");
    }
}
