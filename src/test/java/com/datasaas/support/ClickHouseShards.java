package com.datasaas.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * A sharded ClickHouse cluster for tests: two private ClickHouse 18.16 servers ({@link ClickHouseServer}, Debian's
 * package), each one shard of the cluster {@value #CLUSTER}, and a ZooKeeper server for their distributed DDL
 * ({@code ON CLUSTER} needs one in 18.16). ZooKeeper is Apache Curator's {@code TestingServer}, a real ZooKeeper
 * server run inside the test JVM (test scope only), so CI needs no extra package. One cluster per test JVM, started on
 * first use and stopped when the JVM exits.
 */
public final class ClickHouseShards {
    public static final String CLUSTER = "datasaas_shards";

    private static ClickHouseShards shared;

    private final TestingServer zooKeeper;
    private final List<ClickHouseServer> shards;

    private ClickHouseShards(TestingServer zooKeeper, List<ClickHouseServer> shards) {
        this.zooKeeper = zooKeeper;
        this.shards = shards;
    }

    /** The JVM's cluster, started on first call. */
    public static synchronized ClickHouseShards shared() {
        if (shared == null) {
            shared = start();
            ClickHouseShards cluster = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "clickhouse-shards-stop"));
        }
        return shared;
    }

    /** The servers, shard 1 first. */
    public List<ClickHouseServer> shards() {
        return shards;
    }

    /** The URL the app is given: the first shard's server (any host of the cluster would do). */
    public String url(String database) {
        return shards.get(0).url(database);
    }

    /**
     * For {@code @ContextConfiguration(initializers = ...)}: the app's events go to a database sharded over the
     * cluster (DATASAAS_CLICKHOUSE_URL and DATASAAS_CLICKHOUSE_CLUSTER). Every test class using it shares one context.
     */
    public static final class AppOnClickHouseShards
            implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "clickhouse-shards",
                            Map.of(
                                    "datasaas.clickhouse.url",
                                    shared().url("datasaas_sharded_tests"),
                                    "datasaas.clickhouse.cluster",
                                    CLUSTER)));
        }
    }

    static ClickHouseShards start() {
        TestingServer zooKeeper = null;
        ClickHouseServer first = null;
        try {
            Path zooKeeperDir = Files.createTempDirectory("datasaas-zookeeper-");
            zooKeeper = new TestingServer(ClickHouseServer.freePort(), zooKeeperDir.toFile(), true);
            int[] http = {ClickHouseServer.freePort(), ClickHouseServer.freePort()};
            int[] tcp = {ClickHouseServer.freePort(), ClickHouseServer.freePort()};
            String clusters = "<" + CLUSTER + ">" + shard(tcp[0]) + shard(tcp[1]) + "</" + CLUSTER + ">";
            String zooKeeperConfig = "<zookeeper><node><host>127.0.0.1</host><port>" + zooKeeper.getPort()
                    + "</port></node><session_timeout_ms>30000</session_timeout_ms></zookeeper>";
            first = ClickHouseServer.start(http[0], tcp[0], clusters, zooKeeperConfig);
            ClickHouseServer second = ClickHouseServer.start(http[1], tcp[1], clusters, zooKeeperConfig);
            return new ClickHouseShards(zooKeeper, List.of(first, second));
        } catch (Exception e) {
            if (first != null) first.stop();
            if (zooKeeper != null) {
                try {
                    zooKeeper.close();
                } catch (IOException ignored) {
                    // stopping after a failed start; the start's error is the one to report
                }
            }
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException("Starting the test cluster (ZooKeeper, two ClickHouse servers) failed", e);
        }
    }

    private static String shard(int tcpPort) {
        return "<shard><replica><host>127.0.0.1</host><port>" + tcpPort + "</port></replica></shard>";
    }

    void stop() {
        for (ClickHouseServer shard : shards) shard.stop();
        try {
            zooKeeper.close();
        } catch (IOException e) {
            // the JVM is exiting; its temp dir is left behind
        }
    }
}
