package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.StoreOracle;
import java.io.IOException;
import java.io.OutputStream;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a 202 promises, against the real jar in its own process (issue 9 acceptance): after kill -9 mid-stream, and
 * on a data dir whose filesystem fills up mid-load, every event answered 202 is stored exactly once, the stats API
 * equals a group-by over the raw events, and {@code sessions} equals its group-by over {@code events}. Each event
 * carries a unique marker in its URL ({@code ?m=...}) so the set answered 202 can be compared with the stored rows.
 * Prints accepted/stored figures for docs/benchmarks.md (no timing asserts).
 */
class DurabilityIT {
    static final int THREADS = 8;

    final List<Process> processes = new ArrayList<>();
    Path dataDir;
    Path logDir;
    Path mountPoint;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (mountPoint != null) {
            new ProcessBuilder("umount", "-l", mountPoint.toString())
                    .inheritIO()
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Posts events from several threads, each visitor's events in order; remembers what got which answer. */
    static final class Load {
        final int port;
        final String siteId;
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        final Set<String> sent = ConcurrentHashMap.newKeySet();
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger acceptedSinceMark = new AtomicInteger();
        volatile String a503;
        final List<Thread> threads = new ArrayList<>();
        final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        Load(int port, String siteId) {
            this.port = port;
            this.siteId = siteId;
        }

        Load start(int visitorsPerThread, String prefix) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    for (int v = 0; v < visitorsPerThread && !stop.get(); v++) {
                        int visitor = thread * visitorsPerThread + v;
                        for (int step = 0; step < 3 && !stop.get(); step++) {
                            send(prefix + "-" + visitor, step, visitor);
                        }
                    }
                });
                worker.start();
                threads.add(worker);
            }
            return this;
        }

        void send(String visitor, int step, int n) {
            String marker = visitor + "-" + step;
            Map<String, Object> body = new TreeMap<>();
            body.put("website_id", siteId);
            body.put("visitor_id", visitor);
            body.put("session_id", "s-" + visitor);
            body.put("event_type", step == 2 ? "_leave" : "pageview");
            body.put("url", "https://example.com/" + (step == 0 ? "" : "page" + (n % 5)) + "?m=" + marker);
            body.put("screen_width", 1440);
            if (step == 2) {
                body.put("duration", 5_000 + n);
                body.put("scroll_depth", 50);
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events"))
                    .header("Content-Type", "text/plain")
                    .header("User-Agent", PersistenceIT.CHROME_UA)
                    .header("X-Forwarded-For", "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(body)))
                    .build();
            sent.add(marker);
            int status;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                if (status == 503 && a503 == null) {
                    a503 = response.headers().firstValue("Retry-After").orElse("(no Retry-After)") + " "
                            + response.body();
                }
            } catch (IOException e) {
                status = -1; // the process is gone (kill -9) or the connection broke: the answer is unknown
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            if (status == 202) {
                accepted.add(marker);
                acceptedSinceMark.incrementAndGet();
            }
        }

        int count(int status) {
            AtomicInteger n = statuses.get(status);
            return n == null ? 0 : n.get();
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) t.join(120_000);
        }
    }

    @Test
    void after_kill_9_mid_stream_every_event_answered_202_is_stored_exactly_once() throws Exception {
        dataDir = Files.createTempDirectory(work(), "kill9-");
        logDir = dataDir.getParent();
        int port = PersistenceIT.freePort();
        Process first = start(port, "kill9-first");
        awaitHealthy(first, port, "kill9-first");
        ApiClient owner = new ApiClient(port).signUp("owner@example.com");
        String siteId = owner.createWebsite("example.com");
        String key = owner.post("/api/api-keys", Map.of("name", "it", "scope", "read"))
                .json()
                .path("key")
                .asString();

        Load load = new Load(port, siteId);
        load.send("warm-up", 0, 65_000); // the first event waits for the user-agent analyzer; not part of the rate
        long loadStart = System.nanoTime();
        load.start(400, "k"); // up to 9,600 events
        await(() -> load.accepted.size() >= 2_500, Duration.ofSeconds(180), "2,500 events accepted");
        long loadNanos = System.nanoTime() - loadStart;
        first.destroyForcibly(); // SIGKILL mid-stream
        first.waitFor(30, TimeUnit.SECONDS);
        load.stopAndJoin();
        Set<String> accepted = Set.copyOf(load.accepted);
        System.out.printf(
                Locale.ROOT,
                "kill -9: %d events sent, answered %s (-1: no answer, the process died); %.0f events/s from %d"
                        + " synchronous clients before the kill%n",
                load.sent.size(),
                new TreeMap<>(load.statuses),
                load.accepted.size() / (loadNanos / 1e9),
                THREADS);

        int port2 = PersistenceIT.freePort();
        Process second = start(port2, "kill9-second");
        awaitHealthy(second, port2, "kill9-second");
        awaitSpoolDrained(port2);
        ApiClient api = new ApiClient(port2).withBearer(key);
        Map<String, Long> fromApi = statsFromApi(api, siteId);
        stop(second, "kill9-second");

        Map<String, Long> stored = storedMarkers(siteId);
        System.out.printf(
                Locale.ROOT,
                "kill -9: answered 202: %d, stored: %d, of them answered 202: %d, stored twice: %d%n",
                accepted.size(),
                stored.size(),
                stored.keySet().stream().filter(accepted::contains).count(),
                stored.values().stream().filter(n -> n > 1).count());
        assertExactlyOnce(accepted, load.sent, stored);
        assertThat(fromApi)
                .as("stats API answers vs a group-by over raw events")
                .isEqualTo(statsFromEvents(siteId));
    }

    @Test
    void a_full_disk_answers_503_and_not_up_loses_nothing_and_recovers_by_itself() throws Exception {
        Path base = Files.createTempDirectory(work(), "diskfull-");
        logDir = base;
        mountPoint = Files.createDirectories(base.resolve("mnt"));
        // Not root is a failure, not a skip: CI runs as root, and a silently skipped fault test proves nothing.
        assertThat(System.getProperty("user.name"))
                .as("this test mounts a small tmpfs as the data dir and needs root (CI runs as root)")
                .isEqualTo("root");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true)
                .start();
        String mountOutput = new String(mount.getInputStream().readAllBytes());
        boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!mounted) mountPoint = null;
        Assumptions.assumeTrue(
                mounted,
                "Cannot mount a tmpfs here although running as root (" + mountOutput.strip()
                        + "): the disk-full test did NOT run");
        dataDir = Files.createDirectories(mountPoint.resolve("data"));

        int port = PersistenceIT.freePort();
        Process app = start(port, "diskfull");
        awaitHealthy(app, port, "diskfull");
        ApiClient owner = new ApiClient(port).signUp("owner@example.com");
        String siteId = owner.createWebsite("example.com");
        String key = owner.post("/api/api-keys", Map.of("name", "it", "scope", "read"))
                .json()
                .path("key")
                .asString();

        Load load = new Load(port, siteId).start(100_000, "d");
        await(() -> load.accepted.size() >= 1_000, Duration.ofSeconds(120), "1,000 events accepted");

        Path filler = mountPoint.resolve("filler");
        long filled = fill(filler);
        load.acceptedSinceMark.set(0);
        await(() -> load.count(503) >= 20, Duration.ofSeconds(120), "503s while the disk is full");
        await(() -> !isUp(port), Duration.ofSeconds(60), "health not UP while the disk is full");
        String healthWhileFull = health(port);
        int acceptedWhileFull = load.acceptedSinceMark.getAndSet(0);

        Files.delete(filler);
        await(() -> load.acceptedSinceMark.get() >= 500, Duration.ofSeconds(120), "202s again once space is free");
        await(() -> isUp(port), Duration.ofSeconds(120), "health UP again");
        load.stopAndJoin();
        Set<String> accepted = Set.copyOf(load.accepted);
        awaitSpoolDrained(port);
        Map<String, Long> fromApi = statsFromApi(new ApiClient(port).withBearer(key), siteId);
        stop(app, "diskfull");

        String log = Files.readString(logDir.resolve("diskfull.log"));
        Map<String, Long> stored = storedMarkers(siteId);
        System.out.printf(
                Locale.ROOT,
                "disk full: filler %d MB; answered %s; 202s after the disk filled, before health left UP: %d (writes that"
                        + " still fit); health while full: %s%n",
                filled >> 20,
                new TreeMap<>(load.statuses),
                acceptedWhileFull,
                healthWhileFull);
        System.out.printf(
                Locale.ROOT,
                "disk full: answered 202: %d, stored: %d, stored twice: %d; log lines naming a spool fault: %d, a"
                        + " store fault: %d%n",
                accepted.size(),
                stored.size(),
                stored.values().stream().filter(n -> n > 1).count(),
                count(log, "Cannot write accepted events to the spool"),
                count(log, "Cannot write events to the store"));
        assertThat(load.a503)
                .as("a 503 says retry later, as JSON")
                .contains("{\"error\"")
                .startsWith("5 ");
        assertThat(log).as("the log names the root cause").contains("No space left on device");
        assertThat(load.statuses.keySet()).as("answers during the run").isSubsetOf(202, 503);
        assertExactlyOnce(accepted, load.sent, stored);
        assertThat(fromApi)
                .as("stats API answers vs a group-by over raw events")
                .isEqualTo(statsFromEvents(siteId));
    }

    static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    /** Fills the filesystem to the last byte it accepts. */
    static long fill(Path filler) throws IOException {
        long written = 0;
        byte[] mb = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int chunk : new int[] {1 << 20, 4096, 1}) {
                try {
                    while (true) {
                        out.write(mb, 0, chunk);
                        out.flush();
                        written += chunk;
                    }
                } catch (IOException full) {
                    // next, smaller chunk
                }
            }
        } catch (IOException closingFull) {
            // close may fail to flush the last bytes; the disk is full either way
        }
        return written;
    }

    void assertExactlyOnce(Set<String> accepted, Set<String> sent, Map<String, Long> stored) throws SQLException {
        assertThat(accepted).as("the run accepted events").isNotEmpty();
        assertThat(stored.keySet()).as("every event answered 202 is stored").containsAll(accepted);
        assertThat(stored.keySet()).as("only events that were sent are stored").isSubsetOf(sent);
        assertThat(stored.entrySet().stream().filter(e -> e.getValue() != 1).toList())
                .as("no event is stored twice")
                .isEmpty();
        try (Connection c = readOnly()) {
            assertThat(StoreOracle.sessionsDifferingFromEvents(c))
                    .as("sessions equal a group-by over events")
                    .isEmpty();
        }
    }

    Connection readOnly() throws SQLException {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        return DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve("events.duckdb"), readOnly);
    }

    Map<String, Long> storedMarkers(String siteId) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = readOnly();
                PreparedStatement st = c.prepareStatement("SELECT regexp_extract(url, 'm=(.*)$', 1), count(*) FROM"
                        + " events WHERE site_id = ? GROUP BY 1")) {
            st.setString(1, siteId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    static String range() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "&start=" + today.minusDays(1) + "&end=" + today.plusDays(1) + "&timezone=UTC";
    }

    /** Overview and two breakdowns (a session-level and an event-level one) as flat name -> number. */
    static Map<String, Long> statsFromApi(ApiClient api, String siteId) {
        Map<String, Long> out = new TreeMap<>();
        ApiClient.Response overview =
                api.get("/api/v1/overview?site_id=" + siteId + range() + "&metrics=visitors,sessions,pageviews");
        assertThat(overview.status()).as("overview: " + overview).isEqualTo(200);
        JsonNode results = overview.json().path("results");
        for (String metric : List.of("visitors", "sessions", "pageviews")) {
            out.put("overview." + metric, results.path(metric).asLong());
        }
        for (String dimension : List.of("entry_page", "pathname")) {
            ApiClient.Response breakdown = api.get("/api/v1/breakdown?site_id=" + siteId + range() + "&dimension="
                    + dimension + "&metrics=visitors,pageviews&limit=1000");
            assertThat(breakdown.status()).as(dimension + ": " + breakdown).isEqualTo(200);
            for (JsonNode row : breakdown.json().path("results")) {
                String value = row.path(dimension).asString();
                out.put(
                        dimension + "." + value + ".visitors",
                        row.path("visitors").asLong());
                out.put(
                        dimension + "." + value + ".pageviews",
                        row.path("pageviews").asLong());
            }
        }
        return out;
    }

    /** The same numbers from the raw events, by the definitions in docs/stats.md. */
    Map<String, Long> statsFromEvents(String siteId) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = readOnly()) {
            query(c, siteId, out, """
                    SELECT 'overview.visitors', count(DISTINCT visitor_key) FILTER (WHERE event_type IN ('pageview',
                    'goal')) FROM events WHERE site_id = ?
                    UNION ALL SELECT 'overview.sessions', count(DISTINCT session_key) FILTER (WHERE event_type IN
                    ('pageview', 'goal')) FROM events WHERE site_id = ?
                    UNION ALL SELECT 'overview.pageviews', count(*) FILTER (WHERE event_type = 'pageview') FROM events
                    WHERE site_id = ?
                    """);
            // entry page: the first pageview of each session; its visitors and all the session's pageviews
            query(c, siteId, out, """
                    WITH s AS (SELECT session_key, any_value(visitor_key) AS visitor_key,
                        arg_min(pathname, ts) FILTER (WHERE event_type = 'pageview') AS entry,
                        count(*) FILTER (WHERE event_type = 'pageview') AS pageviews
                        FROM events WHERE site_id = ? GROUP BY session_key)
                    SELECT 'entry_page.' || entry || '.visitors', count(DISTINCT visitor_key) FROM s
                        WHERE entry IS NOT NULL GROUP BY entry
                    UNION ALL SELECT 'entry_page.' || entry || '.pageviews', sum(pageviews) FROM s
                        WHERE entry IS NOT NULL GROUP BY entry
                    UNION ALL SELECT 'pathname.' || pathname || '.visitors', count(DISTINCT visitor_key) FROM events
                        WHERE site_id = ? AND event_type IN ('pageview', 'goal') GROUP BY pathname
                    UNION ALL SELECT 'pathname.' || pathname || '.pageviews', count(*) FILTER (WHERE event_type =
                        'pageview') FROM events WHERE site_id = ? AND event_type IN ('pageview', 'goal')
                        GROUP BY pathname
                    """);
        }
        return out;
    }

    static void query(Connection c, String siteId, Map<String, Long> out, String sql) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            int parameters = st.getParameterMetaData().getParameterCount();
            for (int i = 1; i <= parameters; i++) st.setString(i, siteId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        }
    }

    static Path work() throws IOException {
        return Files.createDirectories(Path.of("target", "durability-it")).toAbsolutePath();
    }

    Process start(int port, String name) throws IOException {
        ProcessBuilder builder = PersistenceIT.launch(logDir.resolve(name + ".log"));
        Map<String, String> env = builder.environment();
        env.remove("SPRING_PROFILES_ACTIVE");
        env.put("DATASAAS_DATA_DIR", dataDir.toString());
        env.put("PORT", Integer.toString(port));
        env.put("DATASAAS_REGISTRATION", "open");
        env.put("DATASAAS_TRUSTED_PROXIES", "127.0.0.1/32");
        env.put("DATASAAS_GEOIP_DB", PersistenceIT.GEOIP.toAbsolutePath().toString());
        env.put("DATASAAS_INGEST_RATE_LIMIT_PER_MINUTE", "100000");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    void awaitHealthy(Process process, int port, String name) throws Exception {
        long deadline = System.nanoTime() + PersistenceIT.START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("The " + name + " app process exited with " + process.exitValue()
                        + " during start-up; log:\n" + PersistenceIT.tail(logDir.resolve(name + ".log")));
            }
            if (isUp(port)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("The " + name + " app did not report UP within " + PersistenceIT.START_TIMEOUT
                + "; log:\n" + PersistenceIT.tail(logDir.resolve(name + ".log")));
    }

    /** The overall status only: components (geoip, ping) stay UP while the event store cannot write. */
    static boolean isUp(int port) {
        String answer = health(port);
        int body = answer.indexOf('{');
        if (body < 0) return false;
        try {
            return ApiClient.JSON
                    .readTree(answer.substring(body))
                    .path("status")
                    .asString()
                    .equals("UP");
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String health(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Waits until the store holds everything the spool holds and their sessions are merged (the depth and the
     * sessions-behind gauges read 0).
     */
    static void awaitSpoolDrained(int port) throws InterruptedException {
        ApiClient scraper = new ApiClient(port);
        await(
                () -> {
                    String metrics = scraper.get("/actuator/prometheus").body();
                    return gaugeIsZero(metrics, "datasaas_ingest_buffer_depth ")
                            && gaugeIsZero(metrics, "datasaas_ingest_sessions_behind ");
                },
                Duration.ofSeconds(120),
                "the spool drained into the store");
    }

    static boolean gaugeIsZero(String metrics, String gauge) {
        return metrics.lines()
                .anyMatch(l -> l.startsWith(gauge) && Double.parseDouble(l.substring(l.indexOf(' ') + 1)) == 0);
    }

    void stop(Process process, String name) throws InterruptedException {
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("the app exits on SIGTERM; log: " + logDir.resolve(name + ".log"))
                .isTrue();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean())
                .as("waited %s for: %s", timeout, what)
                .isTrue();
    }
}
