package com.datasaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasApplication;
import com.datasaas.app.DatabaseSettings;
import com.datasaas.cli.MigrateToServerCommand.Target;
import com.datasaas.events.ClickHouseSettings;
import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.ClickHouseServer;
import com.datasaas.support.PostgresServer;
import com.datasaas.support.SessionMerge;
import com.stripe.net.Webhook;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

/**
 * The move of an embedded install to server mode, end to end: a real embedded install (made by the app itself: events
 * through the pipeline and server goals, goals, payments, API keys, a webhook signing secret sealed with the generated
 * secret.key) is migrated by the command to the JVM's private PostgreSQL and ClickHouse 18.16; the app then runs in
 * server mode on them and answers every stats question exactly as the embedded install did, to the same API key.
 */
class MigrateToServerTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/126.0.0.0 Safari/537.36";
    private static final String WEBHOOK_SECRET = "whsec_migrationtest";
    private static final String[] PAGES = {"/", "/pricing", "/docs", "/blog/launch", "/signup"};
    private static final String[] REFERRERS = {
        "https://www.google.com/search?q=x", "https://news.ycombinator.com/", "", "https://twitter.com/a"
    };

    /** The embedded install, kept pristine: each test migrates its own copy. */
    private static Path original;

    private static String site;
    private static String readKey;
    private static long embeddedEvents;
    private static Map<String, String> answersBefore;
    private static final List<Path> dirs = new ArrayList<>();

    @BeforeAll
    static void buildEmbeddedInstall() throws Exception {
        original = newDir();
        try (ConfigurableApplicationContext app = start(original, Map.of())) {
            ApiClient owner = new ApiClient(port(app)).signUp("owner-" + UUID.randomUUID() + "@example.com");
            site = owner.createWebsite("shop.example");
            ApiClient.Response key = owner.post("/api/api-keys", Map.of("name", "reporting", "scope", "read"));
            assertThat(key.status()).as(key.toString()).isEqualTo(201);
            readKey = key.json().path("key").asString();
            assertThat(owner.post(
                                    "/api/websites/" + site + "/goals",
                                    Map.of("name", "signup", "display_name", "Sign up", "goal_type", "custom"))
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
            ApiClient.Response secret = owner.patch(
                    "/api/websites/" + site + "/integrations/stripe", Map.of("webhook_secret", WEBHOOK_SECRET));
            assertThat(secret.status()).as(secret.toString()).isEqualTo(200);

            int sent = 0;
            for (int v = 0; v < 40; v++) {
                String visitor = "visitor-" + v;
                String address = "198.51.100." + (v + 1);
                for (int p = 0; p <= v % 4; p++) {
                    Map<String, Object> event = event(visitor, PAGES[(v + p) % PAGES.length]);
                    if (p == 0 && !REFERRERS[v % REFERRERS.length].isEmpty()) {
                        event.put("referrer", REFERRERS[v % REFERRERS.length]);
                    }
                    send(owner, event, address);
                    sent++;
                }
                if (v % 3 == 0) {
                    Map<String, Object> leave = event(visitor, PAGES[v % PAGES.length]);
                    leave.put("event_type", "_leave");
                    leave.put("duration", 1_000 * (v + 1));
                    leave.put("scroll_depth", (v * 7) % 101);
                    send(owner, leave, address);
                    sent++;
                }
                if (v % 5 == 0) {
                    Map<String, Object> goal = event(visitor, "/signup");
                    goal.put("event_type", "goal");
                    goal.put("name", "signup");
                    send(owner, goal, address);
                    sent++;
                }
            }
            awaitEvents(app, sent);
            for (int v = 0; v < 3; v++) {
                ApiClient.Response goal = owner.post(
                        "/api/v1/goals?site_id=" + site, Map.of("name", "purchase", "visitor_id", "visitor-" + v));
                assertThat(goal.status()).as(goal.toString()).isEqualTo(201);
            }
            for (int i = 0; i < 4; i++) {
                Map<String, Object> payment = new LinkedHashMap<>();
                payment.put("amount", new BigDecimal("49.00").add(BigDecimal.valueOf(i)));
                payment.put("currency", "USD");
                payment.put("transaction_id", "tx-" + i);
                payment.put("visitor_id", "visitor-" + i);
                payment.put("timestamp", Instant.now().minusSeconds(60).toString());
                if (i == 3) payment.put("refunded", new BigDecimal("52.00"));
                ApiClient.Response r = owner.post("/api/v1/payments?site_id=" + site, payment);
                assertThat(r.status()).as(r.toString()).isIn(200, 201);
            }
            embeddedEvents = sent + 3;
            awaitEvents(app, embeddedEvents);
            answersBefore = answers(port(app));
        }
        assertThat(original.resolve("secret.key")).exists();
    }

    @AfterAll
    static void deleteDirs() {
        dirs.forEach(MigrateToServerTest::deleteTree);
    }

    @Test
    void an_embedded_install_moves_to_server_mode_with_every_answer_unchanged_and_its_keys_working() throws Exception {
        Path dir = copyOf(original);
        Target target = newTarget(dir);
        Run run = migrate(target, 25, null);
        System.out.println(run.output()); // the command's progress and verification table, for the build log
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("1/4 Metadata schema", "accounts", "api_keys", "payments", "goals", "integrations")
                .contains("1 re-sealed")
                .contains("events " + embeddedEvents + " / " + embeddedEvents)
                .doesNotContain("DIFFERENT");
        Run verify = migrate(target, 25, "--verify-only");
        assertThat(verify.code()).as(verify.output()).isZero();
        assertThat(verify.output())
                .doesNotContain("1/4")
                .contains("events goal")
                .contains("visitors");

        try (ConfigurableApplicationContext server = start(newDir(), serverProperties(target))) {
            int port = port(server);
            Map<String, String> after = answers(port);
            assertThat(after.keySet()).isEqualTo(answersBefore.keySet());
            for (String path : answersBefore.keySet()) {
                assertThat(ApiClient.JSON.readTree(after.get(path)))
                        .as(path)
                        .isEqualTo(ApiClient.JSON.readTree(answersBefore.get(path)));
            }
            assertThat(new ApiClient(port)
                            .withBearer(readKey.substring(0, readKey.length() - 1) + "x")
                            .get("/api/v1/overview?site_id=" + site + "&start=2026-01-01&end=2026-01-02")
                            .status())
                    .isEqualTo(401);
            // The signing secret was sealed with the embedded secret.key and re-sealed for DATASAAS_SECRET_KEY.
            String payload = chargeEvent();
            ApiClient.Response webhook = deliver(port, payload, sign(payload, WEBHOOK_SECRET));
            assertThat(webhook.status()).as(webhook.toString()).isEqualTo(200);
            // Identity counters moved past the copied ids: a new account and its website do not collide.
            ApiClient newcomer = new ApiClient(port).signUp("new-" + UUID.randomUUID() + "@example.com");
            assertThat(newcomer.createWebsite("new.example")).startsWith("mrf_");
        }
        Run afterChanges = migrate(target, 25, "--verify-only");
        assertThat(afterChanges.code())
                .as("the server got an account and a payment since")
                .isEqualTo(2);
        assertThat(afterChanges.output()).contains("rows in accounts").contains("DIFFERENT");
    }

    @Test
    void an_interrupted_migration_resumes_and_copies_every_event_exactly_once() throws Exception {
        Path dir = copyOf(original);
        Target target = newTarget(dir);
        Run interrupted = migrate(target, 20, null, batches -> {
            if (batches == 2) throw new IllegalStateException("simulated crash after two batches");
        });
        assertThat(interrupted.code()).as(interrupted.output()).isNotZero();
        String database = URI.create(target.clickHouse().url()).getPath().substring(1);
        assertThat(clickHouseCount(database)).isEqualTo(40);

        Run resumed = migrate(target, 20, null);
        assertThat(resumed.code()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("resuming after event 40").doesNotContain("DIFFERENT");
        assertThat(clickHouseCount(database)).isEqualTo(embeddedEvents);
        assertThat(Long.parseLong(ClickHouseServer.shared()
                        .run("SELECT uniqExact(node_id, event_id) FROM " + database + ".events")
                        .strip()))
                .isEqualTo(embeddedEvents);

        Run again = migrate(target, 20, null);
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(again.output()).contains("0 events written in this run");
        assertThat(clickHouseCount(database)).isEqualTo(embeddedEvents);
    }

    @Test
    void missing_settings_or_data_stop_it_with_a_message() throws Exception {
        Path dir = copyOf(original);
        Target target = newTarget(dir);
        Run noKey = migrate(new Target(dir, target.database(), target.clickHouse(), null), 25, null);
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.output()).contains("DATASAAS_SECRET_KEY").contains("secret.key");
        Run noClickHouse = migrate(
                new Target(dir, target.database(), new ClickHouseSettings(null, null, null), target.secretKey()),
                25,
                null);
        assertThat(noClickHouse.code()).isEqualTo(1);
        assertThat(noClickHouse.output()).contains("DATASAAS_CLICKHOUSE_URL");
        Run noData =
                migrate(new Target(newDir(), target.database(), target.clickHouse(), target.secretKey()), 25, null);
        assertThat(noData.code()).isEqualTo(1);
        assertThat(noData.output()).contains("No embedded install");
    }

    // ---------------------------------------------------------------- the embedded install and its answers

    /** Every stats answer the suite reads, over the range holding today, as the read-only API key sees it. */
    private static Map<String, String> answers(int port) {
        ApiClient reader = new ApiClient(port).withBearer(readKey);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String range = "site_id=" + site + "&start=" + today.minusDays(6) + "&end=" + today.plusDays(1);
        List<String> paths = new ArrayList<>(List.of(
                "/api/v1/overview?" + range,
                "/api/v1/overview?" + range
                        + "&metrics=visitors,sessions,pageviews,bounce_rate,avg_session_duration,views_per_session,"
                        + "scroll_depth,time_on_page,conversions,conversion_rate",
                "/api/v1/overview?" + range + "&metrics=revenue,refunds&compare=previous_period",
                "/api/v1/timeseries?" + range,
                "/api/v1/timeseries?" + range + "&interval=hour&metrics=visitors,revenue",
                "/api/v1/goals?" + range,
                "/api/v1/overview?" + range + "&metrics=visitors&pathname%5Bis%5D=/pricing"));
        for (String dimension : List.of(
                "pathname",
                "referrer",
                "channel",
                "entry_page",
                "exit_page",
                "goal_name",
                "browser",
                "os",
                "device_type")) {
            paths.add("/api/v1/breakdown?" + range + "&dimension=" + dimension);
        }
        Map<String, String> answers = new LinkedHashMap<>();
        for (String path : paths) {
            ApiClient.Response r = reader.get(path);
            assertThat(r.status()).as(path + " " + r).isEqualTo(200);
            answers.put(path, r.body());
        }
        return answers;
    }

    private static Map<String, Object> event(String visitor, String page) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("website_id", site);
        event.put("visitor_id", visitor);
        event.put("session_id", "s-" + visitor);
        event.put("url", "https://shop.example" + page + (page.equals("/pricing") ? "?utm_source=news" : ""));
        return event;
    }

    private static void send(ApiClient client, Map<String, Object> event, String address) {
        ApiClient.Response r = client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", address)
                .header("User-Agent", CHROME)
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(event))));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
    }

    /** Waits until the pipeline stored {@code expected} events of the site. */
    private static void awaitEvents(ConfigurableApplicationContext app, long expected) throws InterruptedException {
        EventStore store = app.getBean(EventStore.class);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        long stored = -1;
        while (Instant.now().isBefore(deadline)) {
            stored = store.query(
                            "SELECT count(*) FROM events WHERE site_id = ?", List.of(site), (rs, n) -> rs.getLong(1))
                    .get(0);
            if (stored >= expected) break;
            Thread.sleep(50);
        }
        assertThat(stored).as("events stored by the pipeline").isEqualTo(expected);
        SessionMerge.await(store);
    }

    // ---------------------------------------------------------------- the command and the servers

    record Run(int code, String output) {}

    private static Run migrate(Target target, int batchSize, String flag) {
        return migrate(target, batchSize, flag, batches -> {});
    }

    private static Run migrate(
            Target target, int batchSize, String flag, com.datasaas.migration.EventCopy.AfterBatch hook) {
        MigrateToServerCommand command = new MigrateToServerCommand();
        command.target = target;
        command.afterBatch = hook;
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text, true);
        CommandLine cli = new CommandLine(command)
                .setOut(writer)
                .setErr(writer)
                .setExecutionExceptionHandler((e, c, parsed) -> {
                    writer.println("failed: " + e);
                    return 3;
                });
        List<String> args = new ArrayList<>(List.of("--batch-size", Integer.toString(batchSize)));
        if (flag != null) args.add(flag);
        int code = cli.execute(args.toArray(String[]::new));
        writer.flush();
        return new Run(code, text.toString());
    }

    private static Target newTarget(Path dir) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String database = "migrate_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        return new Target(
                dir,
                new DatabaseSettings(PostgresServer.shared().newDatabase("migrate"), PostgresServer.USER, ""),
                new ClickHouseSettings(ClickHouseServer.shared().url(database), null, null),
                Base64.getEncoder().encodeToString(key));
    }

    private static Map<String, String> serverProperties(Target target) {
        return Map.of(
                "datasaas.database.url", target.database().url(),
                "datasaas.database.user", target.database().user(),
                "datasaas.database.password", "",
                "datasaas.clickhouse.url", target.clickHouse().url(),
                "datasaas.secret-key", target.secretKey());
    }

    private static long clickHouseCount(String database) {
        return Long.parseLong(ClickHouseServer.shared()
                .run("SELECT count() FROM " + database + ".events")
                .strip());
    }

    /** The app on {@code dataDir}, as the test profile runs it, with {@code properties} on top. */
    private static ConfigurableApplicationContext start(Path dataDir, Map<String, String> properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--datasaas.data-dir=" + dataDir));
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplicationBuilder(DataSaasApplication.class)
                .profiles("test")
                .run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    private static String chargeEvent() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> charge = new LinkedHashMap<>();
        charge.put("id", "ch_migrated");
        charge.put("object", "charge");
        charge.put("amount", 1500);
        charge.put("amount_refunded", 0);
        charge.put("currency", "usd");
        charge.put("created", now);
        charge.put("paid", true);
        charge.put("status", "succeeded");
        charge.put("payment_intent", "pi_migrated");
        charge.put("metadata", Map.of());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", "evt_migrated");
        event.put("object", "event");
        event.put("api_version", com.stripe.Stripe.API_VERSION);
        event.put("created", now);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.put("type", "charge.succeeded");
        event.put("data", Map.of("object", charge));
        return ApiClient.JSON.writeValueAsString(event);
    }

    private static String sign(String payload, String secret) throws Exception {
        long t = Instant.now().getEpochSecond();
        return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(secret, t + "." + payload);
    }

    private static ApiClient.Response deliver(int port, String payload, String signature) {
        ApiClient client = new ApiClient(port);
        return client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/webhooks/stripe/" + site))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(payload)));
    }

    // ---------------------------------------------------------------- temp dirs

    private static Path newDir() throws IOException {
        Path dir =
                Path.of("target", "test-data", "migrate-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(dir);
        dirs.add(dir);
        return dir;
    }

    /** A copy of a stopped install's data dir (its stores are closed, so the files are whole). */
    private static Path copyOf(Path source) throws IOException {
        Path target = newDir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: target/ is cleaned by the build anyway
        }
    }
}
