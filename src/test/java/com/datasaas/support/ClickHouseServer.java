package com.datasaas.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * A private ClickHouse server for tests: Debian's {@code clickhouse-server} (18.16) started from a copy of its
 * config with free ports and a temp data dir, no system service. One per test JVM, started on first use and stopped
 * (its files deleted) when the JVM exits. Tests that need it and cannot have it (the package is missing) fail with
 * a message saying what to install; CI installs it in .ci/run.
 */
public final class ClickHouseServer {
    private static final Path BINARY = Path.of("/usr/sbin/clickhouse-server");
    private static final Path DEFAULT_CONFIG = Path.of("/etc/clickhouse-server/config.xml");
    private static final Path DEFAULT_USERS = Path.of("/etc/clickhouse-server/users.xml");

    private static ClickHouseServer shared;

    private final Path dir;
    private final Process process;
    private final int httpPort;
    private final int tcpPort;

    /** The JVM's server, started on first call. */
    public static synchronized ClickHouseServer shared() {
        if (shared == null) {
            shared = start();
            ClickHouseServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "clickhouse-server-stop"));
        }
        return shared;
    }

    /** The server's HTTP URL with {@code database}, as DATASAAS_CLICKHOUSE_URL takes it. */
    public String url(String database) {
        return "http://127.0.0.1:" + httpPort + "/" + database;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The server's process id, for benchmarks that read its CPU time from /proc. */
    public long pid() {
        return process.pid();
    }

    /** The native protocol's port, which other servers of a cluster use to reach this one. */
    public int tcpPort() {
        return tcpPort;
    }

    /**
     * For {@code @ContextConfiguration(initializers = ...)}: the app's events go to a database of the shared server.
     * Every test class using it shares one Spring context (same initializer, same properties).
     */
    public static final class AppOnClickHouse implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "clickhouse-server", Map.of("datasaas.clickhouse.url", shared().url("datasaas_tests"))));
        }
    }

    private ClickHouseServer(Path dir, Process process, int httpPort, int tcpPort) {
        this.dir = dir;
        this.process = process;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
    }

    static ClickHouseServer start() {
        try {
            return start(freePort(), freePort(), "", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server on the given ports. {@code clusters}: XML put inside its {@code remote_servers} (cluster definitions);
     * {@code extraConfig}: more top-level XML (e.g. {@code <zookeeper>}), before the config's end.
     */
    static ClickHouseServer start(int http, int tcp, String clusters, String extraConfig) {
        if (!Files.isExecutable(BINARY) || !Files.isReadable(DEFAULT_CONFIG)) {
            throw new IllegalStateException(
                    "These tests run a private ClickHouse server: install Debian's clickhouse-server package"
                            + " (apt-get install clickhouse-server); its system service is not needed.");
        }
        try {
            Path dir = Files.createTempDirectory("datasaas-clickhouse-");
            String config = Files.readString(DEFAULT_CONFIG)
                    .replaceAll("<http_port>\\d+</http_port>", "<http_port>" + http + "</http_port>")
                    .replaceAll("<tcp_port>\\d+</tcp_port>", "<tcp_port>" + tcp + "</tcp_port>")
                    .replaceAll(
                            "<interserver_http_port>\\d+</interserver_http_port>",
                            "<interserver_http_port>" + freePort() + "</interserver_http_port>")
                    // the data path only: the distributed DDL queue's <path> (in ZooKeeper) is the cluster's own
                    .replaceFirst("<path>/var/lib/clickhouse/</path>", "<path>" + dir.resolve("data") + "/</path>")
                    .replaceAll("<tmp_path>[^<]*</tmp_path>", "<tmp_path>" + dir.resolve("tmp") + "/</tmp_path>")
                    .replaceAll(
                            "<user_files_path>[^<]*</user_files_path>",
                            "<user_files_path>" + dir.resolve("user_files") + "/</user_files_path>")
                    .replaceAll(
                            "<format_schema_path>[^<]*</format_schema_path>",
                            "<format_schema_path>" + dir.resolve("format_schemas") + "/</format_schema_path>")
                    .replaceAll("<log>[^<]*</log>", "<log>" + dir.resolve("log/server.log") + "</log>")
                    .replaceAll(
                            "<errorlog>[^<]*</errorlog>", "<errorlog>" + dir.resolve("log/error.log") + "</errorlog>")
                    .replace("<listen_host>::1</listen_host>", "")
                    .replace(
                            "<users_config>users.xml</users_config>",
                            "<users_config>" + dir.resolve("users.xml") + "</users_config>");
            if (!clusters.isEmpty() || !extraConfig.isEmpty()) {
                int remoteServers = config.indexOf("<remote_servers");
                int end = config.lastIndexOf("</yandex>");
                if (remoteServers < 0 || end < 0) {
                    throw new IllegalStateException(DEFAULT_CONFIG + " has no <remote_servers> or </yandex> to extend");
                }
                if (extraConfig.contains("<zookeeper>")) {
                    config = config.replaceAll("<zookeeper incl=\"[^\"]*\"[^>]*/>", "");
                    remoteServers = config.indexOf("<remote_servers");
                    end = config.lastIndexOf("</yandex>");
                }
                int open = config.indexOf('>', remoteServers) + 1;
                config = config.substring(0, open)
                        + clusters
                        + config.substring(open, end)
                        + extraConfig
                        + config.substring(end);
            }
            Files.createDirectories(dir.resolve("log"));
            Files.writeString(dir.resolve("config.xml"), config);
            Files.copy(DEFAULT_USERS, dir.resolve("users.xml"));
            Process process = new ProcessBuilder(
                            BINARY.toString(),
                            "--config-file",
                            dir.resolve("config.xml").toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("log/stdout.log").toFile())
                    .start();
            ClickHouseServer server = new ClickHouseServer(dir, process, http, tcp);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Starting a private ClickHouse server failed", e);
        }
    }

    private void awaitReady() throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ClickHouse exited at start-up; see " + dir.resolve("log"));
            }
            try {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ping"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        stop();
        throw new IllegalStateException("ClickHouse did not answer /ping within 60 s");
    }

    /** Runs one statement over HTTP and returns the answer (tests' own checks). */
    public String run(String sql) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                                    .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException(r.body());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (Boolean.getBoolean("clickhouse.keep")) return; // -Dclickhouse.keep=true keeps the logs to read
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir; nothing else to do
        }
    }
}
