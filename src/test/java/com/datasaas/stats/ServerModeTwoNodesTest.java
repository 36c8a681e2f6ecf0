package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasApplication;
import com.datasaas.events.IdKeys;
import com.datasaas.support.ApiClient;
import com.datasaas.support.ClickHouseServer;
import com.datasaas.support.PostgresServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server mode behind a round-robin, end to end (issue 12, acceptance 1): nodes A and B share one PostgreSQL database
 * (metadata) and one ClickHouse database (events) on the test JVM's private servers; node C is an embedded install
 * (SQLite + DuckDB), the reference. The same events go through POST /api/events on A and on C; every stats endpoint,
 * the realtime count and the realtime map read from B must answer exactly what C answers.
 *
 * <p>The events span several days and an hour boundary, so the nodes take their time from one clock the test moves
 * (the app's {@link Clock} bean, swapped in each context): the ingest endpoint stamps events with it, and the realtime
 * answers read "now" from it, so A, B and C agree on every instant to the millisecond.
 */
class ServerModeTwoNodesTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/140.0.0.0 Safari/537.36";
    private static final String SAFARI_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"
            + " AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    /** The clock every node reads; null means the system's. */
    static final class MovingClock extends Clock {
        private volatile Instant fixed;

        void set(Instant instant) {
            fixed = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant at = fixed;
            return at != null ? at : Instant.now();
        }
    }

    static final MovingClock CLOCK = new MovingClock();
    static final String DOMAIN = "shop.example.com";

    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static ConfigurableApplicationContext c;
    static ApiClient ownerA;
    static ApiClient ownerB;
    static ApiClient ownerC;
    static String siteServer;
    static String siteEmbedded;
    static String funnelServer;
    static String funnelEmbedded;
    static int pageviews;

    @BeforeAll
    static void start() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String pid = Long.toString(ProcessHandle.current().pid());
        Map<String, String> server = Map.of(
                "datasaas.database.url", PostgresServer.shared().newDatabase("twonodes"),
                "datasaas.database.user", PostgresServer.USER,
                "datasaas.database.password", "",
                "datasaas.secret-key", Base64.getEncoder().encodeToString(key),
                // A database of its own on the JVM's shared ClickHouse: the other ClickHouse tests' events stay apart.
                "datasaas.clickhouse.url", ClickHouseServer.shared().url("twonodes_" + pid));
        a = node(server);
        b = node(server);
        c = node(Map.of());

        ownerA = client(a).signUp("twonodes-" + pid + "@example.com");
        ownerC = client(c).signUp("twonodes-" + pid + "@example.com");
        // B reads with the same account as a dashboard user would after the load balancer sent it there.
        ownerB = client(b);
        assertThat(ownerB.post(
                                "/api/auth/login",
                                Map.of(
                                        "email",
                                        "twonodes-" + pid + "@example.com",
                                        "password",
                                        "correct horse battery"))
                        .status())
                .isEqualTo(200);
        siteServer = ownerA.createWebsite(DOMAIN);
        siteEmbedded = ownerC.createWebsite(DOMAIN);
        for (ApiClient owner : List.of(ownerA, ownerC)) {
            String site = owner == ownerA ? siteServer : siteEmbedded;
            assertThat(owner.post(
                                    "/api/websites/" + site + "/goals",
                                    Map.of("name", "signup", "display_name", "Sign up", "goal_type", "custom"))
                            .status())
                    .isEqualTo(201);
            assertThat(owner.post(
                                    "/api/websites/" + site + "/goals",
                                    Map.of("name", "pricing", "goal_type", "pageview", "path", "/pricing*"))
                            .status())
                    .isEqualTo(201);
        }
        Map<String, Object> funnel = Map.of(
                "name",
                "Signup flow",
                "steps",
                List.of(
                        Map.of("name", "Home", "type", "pageview", "url", "/"),
                        Map.of("name", "Pricing", "type", "pageview", "url", "/pricing*"),
                        Map.of("name", "Sign up", "type", "goal", "goal_name", "signup")));
        funnelServer = ownerA.post("/api/websites/" + siteServer + "/funnels", funnel)
                .json()
                .path("id")
                .asString();
        funnelEmbedded = ownerC.post("/api/websites/" + siteEmbedded + "/funnels", funnel)
                .json()
                .path("id")
                .asString();
        assertThat(funnelServer).isNotBlank();
        assertThat(funnelEmbedded).isNotBlank();
        sendSeed();
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {a, b, c}) {
            if (node != null) node.close();
        }
    }

    /** One app node in its own context, with its own data dir (the test profile's random one) and the test clock. */
    static ConfigurableApplicationContext node(Map<String, String> properties) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(DataSaasApplication.class)
                .profiles("test")
                .registerShutdownHook(false)
                .initializers(context -> context.addBeanFactoryPostProcessor(factory -> {
                    // After the configuration classes are read: the app's system clock gives way to the test's.
                    ((BeanDefinitionRegistry) factory).removeBeanDefinition("clock");
                    factory.registerSingleton("clock", CLOCK);
                }))
                .run(args.toArray(String[]::new));
    }

    static ApiClient client(ConfigurableApplicationContext node) {
        return new ApiClient(Integer.parseInt(node.getEnvironment().getRequiredProperty("local.server.port")));
    }

    record Visit(String visitor, String address, String userAgent, String language, int screen) {}

    /**
     * A small, realistic week: returning and new visitors from several countries and devices, direct, search, social
     * and campaign traffic, multi-page and bounced sessions, leaves with time and scroll, custom and pageview goals,
     * sessions on both sides of midnight and of an hour boundary.
     */
    static void sendSeed() {
        Visit anna = new Visit("anna", "81.2.69.160", CHROME, "de-DE", 1920);
        Visit bob = new Visit("bob", "8.8.8.8", SAFARI_IOS, "en-US", 390);
        Visit chen = new Visit("chen", "1.0.16.1", FIREFOX, "zh-CN", 1366);
        Visit dana = new Visit("dana", "2.16.0.1", CHROME, "fr-FR", 1440);
        Visit eve = new Visit("eve", "5.62.60.1", SAFARI_IOS, "en-GB", 414);

        // Day 1 (2026-05-08): Anna from Google, two pages and a sign-up; Bob bounces from a newsletter.
        session(anna, "anna-1", "2026-05-08T09:58:30Z", "https://www.google.com/", null, "/", "/pricing", "/signup");
        goal(anna, "anna-1", "2026-05-08T10:01:30Z", "/signup", "signup");
        leave(anna, "anna-1", "2026-05-08T10:02:00Z", "/signup", 30_000, 80);
        session(
                bob,
                "bob-1",
                "2026-05-08T23:59:10Z",
                null,
                "?utm_source=newsletter&utm_medium=email&utm_campaign=may&utm_term=shoes&utm_content=top",
                "/blog/launch");
        // Day 2: Chen crosses midnight into the 9th; Anna returns directly; Dana from Twitter.
        session(chen, "chen-1", "2026-05-08T23:59:40Z", "https://news.ycombinator.com/item?id=1", null, "/", "/docs");
        leave(chen, "chen-1", "2026-05-09T00:01:00Z", "/docs", 70_000, 100);
        session(anna, "anna-2", "2026-05-09T14:20:00Z", null, null, "/dashboard");
        session(dana, "dana-1", "2026-05-09T16:59:00Z", "https://t.co/xyz", null, "/", "/pricing", "/features");
        goal(dana, "dana-1", "2026-05-09T17:01:10Z", "/features", "signup");
        // Day 3: Eve from a paid campaign across the hour; Bob comes back from Bing.
        session(
                eve,
                "eve-1",
                "2026-05-10T11:59:50Z",
                "https://www.facebook.com/",
                "?utm_source=facebook&utm_medium=paid_social&utm_campaign=may",
                "/",
                "/pricing");
        leave(eve, "eve-1", "2026-05-10T12:01:00Z", "/pricing", 45_000, 60);
        session(bob, "bob-2", "2026-05-10T12:30:00Z", "https://www.bing.com/", null, "/docs", "/docs/api");
        // Payments through the payments API: attributed, a partial refund, a full refund, an unattributed one.
        pay("p1", "49.00", "anna", "anna-1", "2026-05-08T10:03:00Z", null);
        pay("p2", "30.00", "dana", "dana-1", "2026-05-09T17:05:00Z", "10.00");
        pay("p3", "100.00", "eve", "eve-1", "2026-05-10T12:02:00Z", "100.00");
        pay("p4", "7.50", null, null, "2026-05-10T18:00:00Z", null);

        // Now: two visitors online for the realtime count and map, one with a goal; the last event is a pageview.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CLOCK.set(now.minusSeconds(90));
        send(chen, "chen-live", "pageview", "/pricing", null, Map.of());
        CLOCK.set(now.minusSeconds(60));
        send(dana, "dana-live", "pageview", "/", "https://www.google.com/", Map.of());
        CLOCK.set(now.minusSeconds(30));
        send(dana, "dana-live", "goal", "/", null, Map.of("name", "signup"));
        CLOCK.set(now);
        send(chen, "chen-live", "pageview", "/docs", null, Map.of());
    }

    /** Pageviews of one session, a minute apart from {@code start}; the first carries the referrer and the query. */
    static void session(Visit v, String session, String start, String referrer, String query, String... paths) {
        Instant at = Instant.parse(start);
        for (int i = 0; i < paths.length; i++) {
            CLOCK.set(at.plusSeconds(60L * i));
            send(
                    v,
                    session,
                    "pageview",
                    paths[i] + (i == 0 && query != null ? query : ""),
                    i == 0 ? referrer : null,
                    Map.of());
        }
    }

    static void goal(Visit v, String session, String at, String path, String name) {
        CLOCK.set(Instant.parse(at));
        send(v, session, "goal", path, null, Map.of("name", name));
    }

    static void leave(Visit v, String session, String at, String path, long durationMs, int scroll) {
        CLOCK.set(Instant.parse(at));
        send(v, session, "_leave", path, null, Map.of("duration", durationMs, "scroll_depth", scroll));
    }

    /** The same payment through POST /api/v1/payments on A and on C. */
    static void pay(String id, String amount, String visitor, String session, String at, String refunded) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", new BigDecimal(amount));
        body.put("currency", "USD");
        body.put("transaction_id", id);
        if (visitor != null) body.put("visitor_id", visitor);
        if (session != null) body.put("session_id", session);
        body.put("timestamp", at);
        if (refunded != null) body.put("refunded", new BigDecimal(refunded));
        for (ApiClient owner : List.of(ownerA, ownerC)) {
            String site = owner == ownerA ? siteServer : siteEmbedded;
            ApiClient.Response r = owner.post("/api/v1/payments?site_id=" + site, body);
            assertThat(r.status()).as(r.toString()).isIn(200, 201);
        }
    }

    /** The same event through POST /api/events on A (server mode) and on C (embedded), at the clock's instant. */
    static void send(Visit v, String session, String type, String path, String referrer, Map<String, ?> extra) {
        if (type.equals("pageview")) pageviews++;
        for (ConfigurableApplicationContext node : List.of(a, c)) {
            Map<String, Object> event = new HashMap<>(extra);
            event.put("website_id", node == a ? siteServer : siteEmbedded);
            event.put("visitor_id", v.visitor());
            event.put("session_id", session);
            event.put("event_type", type);
            event.put("url", "https://" + DOMAIN + path);
            event.put("language", v.language());
            event.put("screen_width", v.screen());
            if (referrer != null) event.put("referrer", referrer);
            ApiClient client = client(node);
            ApiClient.Response r = client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", v.userAgent())
                    .header("X-Forwarded-For", v.address())
                    .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(event))));
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
        }
    }

    static final String WEEK = "&start=2026-05-07&end=2026-05-11";
    static final String ALL_METRICS = "&metrics="
            + String.join(
                    ",",
                    java.util.Arrays.stream(Metric.values())
                            .map(Metric::apiName)
                            .toList());

    /** Every question of the stats API, as the dashboard asks them. */
    static List<String> questions() {
        List<String> q = new ArrayList<>();
        String today = java.time.LocalDate.now(ZoneOffset.UTC).toString();
        q.add("/api/v1/overview?site_id=@" + WEEK + ALL_METRICS + "&compare=previous_period");
        q.add("/api/v1/overview?site_id=@&start=2026-05-08&end=2026-05-08" + ALL_METRICS);
        q.add("/api/v1/overview?site_id=@&start=" + today + "&end=" + today + ALL_METRICS);
        q.add("/api/v1/timeseries?site_id=@" + WEEK + ALL_METRICS);
        q.add("/api/v1/timeseries?site_id=@&start=2026-05-10&end=2026-05-10" + ALL_METRICS);
        q.add("/api/v1/timeseries?site_id=@" + WEEK + "&interval=hour&metrics=visitors,pageviews");
        for (Dimension d : Dimension.values()) {
            q.add("/api/v1/breakdown?site_id=@" + WEEK + "&dimension=" + d.apiName() + ALL_METRICS);
            q.add("/api/filter-values?siteId=@&dimension=" + d.apiName() + WEEK);
        }
        q.add("/api/v1/breakdown?site_id=@" + WEEK + "&dimension=pathname&limit=2&offset=1&order_by=pageviews:asc");
        q.add("/api/v1/goals?site_id=@" + WEEK);
        q.add("/api/v1/goals?site_id=@&start=" + today + "&end=" + today);
        // Filters: a session attribute, an event attribute, a goal, negation and contains.
        q.add("/api/v1/overview?site_id=@" + WEEK + ALL_METRICS + "&country%5Bis%5D=DE&country%5Bis%5D=US");
        q.add("/api/v1/overview?site_id=@" + WEEK + ALL_METRICS + "&pathname%5Bcontains%5D=pric");
        q.add("/api/v1/timeseries?site_id=@" + WEEK + ALL_METRICS + "&goal_name%5Bis%5D=signup");
        q.add("/api/v1/breakdown?site_id=@" + WEEK + "&dimension=channel" + ALL_METRICS
                + "&device_type%5Bis_not%5D=mobile");
        q.add("/api/v1/breakdown?site_id=@" + WEEK + "&dimension=pathname" + ALL_METRICS
                + "&utm_source%5Bis%5D=facebook");
        q.add("/api/v1/goals?site_id=@" + WEEK + "&browser%5Bis%5D=Chrome");
        // Revenue: every revenue metric in the overview and timeseries, broken down by every dimension payments carry.
        String revenue = "&metrics=visitors,"
                + String.join(
                        ",",
                        java.util.Arrays.stream(RevenueMetric.values())
                                .map(RevenueMetric::apiName)
                                .toList());
        q.add("/api/v1/overview?site_id=@" + WEEK + revenue + "&compare=previous_period");
        q.add("/api/v1/timeseries?site_id=@" + WEEK + revenue);
        q.add("/api/v1/timeseries?site_id=@&start=2026-05-10&end=2026-05-10" + revenue);
        for (Dimension d : RevenueStats.SUPPORTED) {
            q.add("/api/v1/breakdown?site_id=@" + WEEK + "&dimension=" + d.apiName() + revenue);
        }
        q.add("/api/v1/overview?site_id=@" + WEEK + revenue + "&channel%5Bis%5D=Organic%20Search");
        q.add("/api/v1/payments?site_id=@" + WEEK);
        // Funnels, the visitors list and each visitor's page.
        q.add("/api/v1/funnels/{funnel}?site_id=@" + WEEK);
        q.add("/api/v1/funnels/{funnel}?site_id=@" + WEEK + "&device_type%5Bis%5D=desktop");
        q.add("/api/v1/visitors?site_id=@" + WEEK);
        q.add("/api/v1/visitors?site_id=@" + WEEK + "&country%5Bis_not%5D=US");
        for (String visitor : List.of("anna", "bob", "chen", "dana", "eve")) {
            q.add("/api/v1/visitors/" + visitor + "?site_id=@");
        }
        // Realtime: the online count and the map with its feed.
        q.add("/api/realtime?siteId=@");
        q.add("/api/websites/@/realtime-map");
        q.add("/api/websites/@/realtime-map/events?limit=500");
        return q;
    }

    @Test
    void node_b_answers_every_stats_and_realtime_question_as_the_embedded_install() throws InterruptedException {
        // Both stores hold every event once the last pageview is stored: the write buffer is first in, first out.
        awaitPageviews(ownerB, siteServer);
        awaitPageviews(ownerC, siteEmbedded);

        Map<String, List<String>> differences = new LinkedHashMap<>();
        for (String question : questions()) {
            ApiClient.Response onB =
                    ownerB.get(question.replace("@", siteServer).replace("{funnel}", funnelServer));
            ApiClient.Response onC =
                    ownerC.get(question.replace("@", siteEmbedded).replace("{funnel}", funnelEmbedded));
            assertThat(onB.status()).as(question + " on B: " + onB).isEqualTo(200);
            assertThat(onC.status()).as(question + " on C: " + onC).isEqualTo(200);
            JsonNode b = normalised(onB.json(), siteServer, funnelServer);
            JsonNode c = normalised(onC.json(), siteEmbedded, funnelEmbedded);
            if (!b.equals(c)) differences.put(question, List.of("B " + b, "C " + c));
        }
        assertThat(differences)
                .as("answers of B (server mode) that differ from C (embedded)")
                .isEmpty();
        // The comparison would pass on two empty sites: the seed is really there.
        JsonNode overview = ownerB.get("/api/v1/overview?site_id=" + siteServer + WEEK + ALL_METRICS)
                .json()
                .path("results");
        assertThat(overview.path("visitors").asLong()).isEqualTo(5);
        assertThat(overview.path("conversions").asLong()).isPositive();
        assertThat(ownerB.get("/api/v1/overview?site_id=" + siteServer + WEEK + "&metrics=revenue,payments")
                        .json()
                        .path("results")
                        .path("payments")
                        .asLong())
                .isPositive();
        assertThat(ownerB.get("/api/v1/funnels/" + funnelServer + "?site_id=" + siteServer + WEEK)
                        .json()
                        .path("results")
                        .path("entered")
                        .asLong())
                .isPositive();
        assertThat(ownerB.get("/api/realtime?siteId=" + siteServer)
                        .json()
                        .path("online")
                        .asInt())
                .isEqualTo(2);
    }

    /**
     * Rewrites only what necessarily differs between two installs: each generated its own site and funnel ids for the
     * same site and funnel, and the realtime map's visitor marker is the 64-bit key of (site id, visitor id) ({@link IdKeys}), so it
     * differs with the site id. The marker is checked to be exactly that key before it is replaced by the visitor id
     * it stands for. Nothing else is rewritten: visitor ids, timestamps and coordinates are the same on both, since
     * the events and the clock are.
     */
    static JsonNode normalised(JsonNode answer, String site, String funnel) {
        JsonNode copy = answer.deepCopy();
        normalise(copy, site, funnel);
        return copy;
    }

    private static void normalise(JsonNode node, String site, String funnel) {
        if (node instanceof ObjectNode object) {
            if (object.path("visitor").isString() && object.path("visitor_id").isString()) {
                String visitorId = object.path("visitor_id").asString();
                assertThat(object.path("visitor").asString())
                        .as("marker of %s on %s", visitorId, site)
                        .isEqualTo(Long.toHexString(IdKeys.of(site, visitorId)));
                object.put("visitor", "<key of " + visitorId + ">");
            }
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(name);
                if (value.isString() && value.asString().equals(site)) {
                    object.put(name, "<site>");
                } else if (value.isString() && value.asString().equals(funnel)) {
                    object.put(name, "<funnel>");
                } else {
                    normalise(value, site, funnel);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) normalise(element, site, funnel);
        }
    }

    private static void awaitPageviews(ApiClient owner, String site) throws InterruptedException {
        String today = java.time.LocalDate.now(ZoneOffset.UTC).toString();
        Predicate<JsonNode> stored = results -> results.path("pageviews").asLong() == pageviews;
        JsonNode results = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            results = owner.get("/api/v1/overview?site_id=" + site + "&start=2026-05-07&end=" + today
                            + "&metrics=pageviews")
                    .json()
                    .path("results");
            if (stored.test(results)) return;
            Thread.sleep(100);
        }
        assertThat(results.path("pageviews").asLong()).as("pageviews stored").isEqualTo(pageviews);
    }
}
