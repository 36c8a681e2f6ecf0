package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import com.datasaas.support.SessionMerge;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class EventsEndpointTest extends RunningApp {
    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " HeadlessChrome/131.0.0.0 Safari/537.36";

    @Autowired
    EventStore store;

    ApiClient owner;
    String siteId;

    @BeforeEach
    void site() {
        owner = newAccount();
        siteId = owner.createWebsite("example.com");
    }

    Map<String, Object> pageview(String visitor, String url) {
        Map<String, Object> event = new HashMap<>();
        event.put("website_id", siteId);
        event.put("visitor_id", visitor);
        event.put("session_id", "s-" + visitor);
        event.put("url", url);
        return event;
    }

    ApiClient.Response send(Object body, String address, String userAgent, String contentType) {
        String text = body instanceof String s ? s : ApiClient.JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                .header("Content-Type", contentType)
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        if (userAgent != null) request.header("User-Agent", userAgent);
        return newClient().raw(request);
    }

    ApiClient.Response send(Object body) {
        return send(body, uniqueAddress(), CHROME, "application/json");
    }

    long stored(String where, Object... params) {
        return store.query(
                        "SELECT count(*) FROM events WHERE site_id = ? AND " + where,
                        concat(siteId, params),
                        (rs, i) -> rs.getLong(1))
                .get(0);
    }

    static List<Object> concat(Object first, Object... rest) {
        List<Object> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(List.of(rest));
        return all;
    }

    void awaitStored(long expected, String where, Object... params) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(2));
        while (stored(where, params) < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(stored(where, params)).isEqualTo(expected);
        SessionMerge.await(store);
    }

    @Test
    void pageview_is_accepted_enriched_and_queryable_within_two_seconds() throws Exception {
        Map<String, Object> event = pageview(
                "v1",
                "https://www.example.com/pricing?utm_source=newsletter"
                        + "&utm_medium=email&utm_campaign=launch&gclid=abc123");
        event.put("referrer", "https://news.ycombinator.com/item?id=1");
        event.put("screen_width", 1440);
        event.put("language", "de-DE");
        event.put("title", "Pricing – Ünïcødé 🚀");

        assertThat(send(event, "81.2.69.142", CHROME, "application/json").status())
                .isEqualTo(202);

        awaitStored(1, "visitor_id = 'v1'");
        var row = store.query(
                        "SELECT pathname, hostname, utm_source, utm_medium, utm_campaign, click_ids, screen_width,"
                                + " language, title, browser, device_type, referrer_domain, event_type FROM events"
                                + " WHERE site_id = ?",
                        List.of(siteId),
                        (rs, i) -> List.of(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getInt(7),
                                rs.getString(8),
                                rs.getString(9),
                                rs.getString(10),
                                rs.getString(11),
                                rs.getString(12),
                                rs.getString(13)))
                .get(0);
        assertThat(row.get(0)).isEqualTo("/pricing");
        assertThat(row.get(1)).isEqualTo("www.example.com");
        assertThat(row.subList(2, 5)).containsExactly("newsletter", "email", "launch");
        assertThat((String) row.get(5)).contains("\"gclid\":\"abc123\"");
        assertThat(row.get(6)).isEqualTo(1440);
        assertThat(row.get(7)).isEqualTo("de-DE");
        assertThat(row.get(8)).isEqualTo("Pricing – Ünïcødé 🚀");
        assertThat(row.get(9)).isEqualTo("Chrome");
        assertThat(row.get(10)).isEqualTo("desktop");
        assertThat(row.get(11)).isEqualTo("news.ycombinator.com");
        assertThat(row.get(12)).isEqualTo("pageview");
    }

    @Test
    void text_plain_bodies_from_sendBeacon_are_accepted() throws Exception {
        assertThat(send(pageview("beacon", "https://example.com/"), uniqueAddress(), CHROME, "text/plain")
                        .status())
                .isEqualTo(202);
        awaitStored(1, "visitor_id = 'beacon'");
    }

    @Test
    void every_event_type_is_accepted_with_its_fields() throws Exception {
        Map<String, Object> goal = pageview("types", "https://example.com/signup");
        goal.put("event_type", "goal");
        goal.put("name", "Signup");
        goal.put("metadata", Map.of("plan", "pro", "seats", 3));
        Map<String, Object> leave = pageview("types", "https://example.com/signup");
        leave.put("event_type", "_leave");
        leave.put("duration", 12_345);
        leave.put("scroll_depth", 80);
        Map<String, Object> outbound = pageview("types", "https://example.com/signup");
        outbound.put("event_type", "_outbound");
        outbound.put("target_url", "https://other.org/x");
        Map<String, Object> heartbeat = pageview("types", "https://example.com/signup");
        heartbeat.put("event_type", "_heartbeat");

        for (Object event : List.of(goal, leave, outbound, heartbeat)) {
            assertThat(send(event).status()).isEqualTo(202);
        }
        awaitStored(4, "visitor_id = 'types'");
        assertThat(stored("event_type = 'goal' AND goal_name = 'signup' AND metadata LIKE '%\"seats\":\"3\"%'"))
                .isEqualTo(1);
        assertThat(stored("event_type = '_leave' AND duration_ms = 12345 AND scroll_depth = 80"))
                .isEqualTo(1);
        assertThat(stored("event_type = '_outbound' AND target_url = 'https://other.org/x'"))
                .isEqualTo(1);
    }

    @Test
    void missing_or_invalid_required_fields_are_400_naming_the_field() {
        for (String field : List.of("website_id", "visitor_id", "session_id")) {
            Map<String, Object> event = pageview("v", "https://example.com/");
            event.remove(field);
            ApiClient.Response response = send(event);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorMessage()).contains(field);

            event.put(field, "");
            assertThat(send(event).errorMessage()).contains(field);
            event.put(field, 42);
            assertThat(send(event).errorMessage()).contains(field);
            event.put(field, "x".repeat(129));
            assertThat(send(event).status()).isEqualTo(400);
        }
    }

    @Test
    void bad_bodies_are_400_or_413_with_a_message() {
        assertThat(send("").status()).isEqualTo(400);
        assertThat(send("not json").errorMessage()).contains("not valid JSON");
        assertThat(send("[1,2]").errorMessage()).contains("JSON object");
        assertThat(send("null").status()).isEqualTo(400);

        Map<String, Object> huge = pageview("v", "https://example.com/");
        huge.put("title", "x".repeat(40_000));
        ApiClient.Response tooLarge = send(huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.errorMessage()).contains("32 KB");

        Map<String, Object> badType = pageview("v", "https://example.com/");
        badType.put("event_type", "purchase");
        assertThat(send(badType).errorMessage()).contains("event_type");

        Map<String, Object> badGoal = pageview("v", "https://example.com/");
        badGoal.put("event_type", "goal");
        badGoal.put("name", "Sign up!");
        assertThat(send(badGoal).errorMessage()).contains("'name'");

        Map<String, Object> tooManyParams = pageview("v", "https://example.com/");
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < 11; i++) params.put("p" + i, "v");
        tooManyParams.put("metadata", params);
        assertThat(send(tooManyParams).errorMessage()).contains("at most 10");

        Map<String, Object> badScroll = pageview("v", "https://example.com/");
        badScroll.put("event_type", "_leave");
        badScroll.put("scroll_depth", 140);
        assertThat(send(badScroll).errorMessage()).contains("scroll_depth");

        Map<String, Object> badWidth = pageview("v", "https://example.com/");
        badWidth.put("screen_width", "wide");
        assertThat(send(badWidth).errorMessage()).contains("screen_width");

        Map<String, Object> noHost = pageview("v", null);
        noHost.remove("url");
        assertThat(send(noHost).errorMessage()).contains("hostname");

        ApiClient.Response wrongMedia =
                send(pageview("v", "https://example.com/"), uniqueAddress(), CHROME, "text/xml");
        assertThat(wrongMedia.status()).isEqualTo(415);
    }

    @Test
    void unknown_website_is_404() {
        Map<String, Object> event = pageview("v", "https://example.com/");
        event.put("website_id", "mrf_doesnotexist");
        ApiClient.Response response = send(event);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.errorMessage()).contains("mrf_doesnotexist");
    }

    @Test
    void hostname_must_belong_to_the_site_or_its_allowed_hostnames() {
        assertThat(send(pageview("v", "https://blog.example.com/")).status()).isEqualTo(202);
        assertThat(send(pageview("v", "https://www.example.com/")).status()).isEqualTo(202);
        ApiClient.Response mismatch = send(pageview("v", "https://evil.org/"));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.errorMessage()).contains("evil.org").contains("allowed hostnames");
        assertThat(send(pageview("v", "https://notexample.com/")).status()).isEqualTo(400);

        owner.patch("/api/websites/" + siteId, Map.of("allowed_hostnames", List.of("app.other.org", "*.shop.io")));
        assertThat(send(pageview("v", "https://app.other.org/")).status()).isEqualTo(202);
        assertThat(send(pageview("v", "https://eu.shop.io/")).status()).isEqualTo(202);
        assertThat(send(pageview("v", "https://other.org/")).status()).isEqualTo(400);
    }

    @Test
    void bots_and_exclusions_get_202_and_are_not_stored() throws Exception {
        owner.patch(
                "/api/websites/" + siteId,
                Map.of(
                        "excluded_ips", List.of("203.0.113.0/24"),
                        "excluded_paths", List.of("/admin/*"),
                        "excluded_countries", List.of("GB")));
        assertThat(send(pageview("bot1", "https://example.com/"), uniqueAddress(), GOOGLEBOT, "application/json")
                        .status())
                .isEqualTo(202);
        assertThat(send(pageview("bot2", "https://example.com/"), uniqueAddress(), HEADLESS, "application/json")
                        .status())
                .isEqualTo(202);
        assertThat(send(pageview("bot3", "https://example.com/"), uniqueAddress(), null, "application/json")
                        .status())
                .isEqualTo(202);
        assertThat(send(pageview("bot4", "https://example.com/"), uniqueAddress(), "curl/8.5.0", "application/json")
                        .status())
                .isEqualTo(202);
        assertThat(send(pageview("ip", "https://example.com/"), "203.0.113.9", CHROME, "application/json")
                        .status())
                .isEqualTo(202);
        assertThat(send(pageview("path", "https://example.com/admin/users")).status())
                .isEqualTo(202);
        assertThat(send(pageview("gb", "https://example.com/"), "81.2.69.142", CHROME, "application/json")
                        .status())
                .isEqualTo(202);
        Map<String, Object> spam = pageview("spam", "https://example.com/");
        spam.put("referrer", "https://" + aSpammer() + "/");
        assertThat(send(spam).status()).isEqualTo(202);
        assertThat(send(pageview("human", "https://example.com/admin")).status())
                .isEqualTo(202);

        awaitStored(1, "visitor_id = 'human'");
        Thread.sleep(300); // the dropped events were sent before the kept one, so they would be stored by now
        assertThat(stored("visitor_id <> 'human'")).isZero();
    }

    static String aSpammer() {
        try (var in = EventsEndpointTest.class.getResourceAsStream("/enrich/referrers/spammers.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .findFirst()
                    .orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void the_101st_request_in_a_minute_from_one_address_is_429_with_retry_after() {
        String address = uniqueAddress();
        for (int i = 0; i < 100; i++) {
            assertThat(send(pageview("rl", "https://example.com/"), address, CHROME, "application/json")
                            .status())
                    .as("request %d", i + 1)
                    .isEqualTo(202);
        }
        ApiClient.Response limited = send(pageview("rl", "https://example.com/"), address, CHROME, "application/json");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        // invalid requests count too, and another address is unaffected
        assertThat(send("garbage", address, CHROME, "application/json").status())
                .isEqualTo(429);
        assertThat(send(pageview("rl", "https://example.com/")).status()).isEqualTo(202);
    }

    @Test
    void cors_preflight_is_204_and_any_origin_may_post() {
        ApiClient.Response preflight = newClient()
                .raw(HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://customer.example")
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "content-type"));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");

        ApiClient.Response post = newClient()
                .raw(HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                        .header("Origin", "https://customer.example")
                        .header("Content-Type", "text/plain")
                        .header("User-Agent", CHROME)
                        .header("X-Forwarded-For", uniqueAddress())
                        .POST(HttpRequest.BodyPublishers.ofString(
                                ApiClient.JSON.writeValueAsString(pageview("cors", "https://example.com/")))));
        assertThat(post.status()).isEqualTo(202);
        assertThat(post.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void other_methods_than_post_are_405_with_the_error_shape() {
        ApiClient.Response get = newClient()
                .raw(HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                        .GET());
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.errorMessage()).contains("GET");
    }

    @Test
    void injection_strings_are_stored_verbatim_not_executed() throws Exception {
        String nasty = "'); DROP TABLE events; -- <script>alert(1)</script>";
        Map<String, Object> event = pageview("inj", "https://example.com/x");
        event.put("title", nasty);
        event.put("utm_campaign", nasty);
        assertThat(send(event).status()).isEqualTo(202);
        awaitStored(1, "visitor_id = 'inj' AND title = ? AND utm_campaign = ?", nasty, nasty);
    }
}
