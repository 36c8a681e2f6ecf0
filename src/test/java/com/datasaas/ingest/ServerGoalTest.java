package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * POST /api/v1/goals: a goal recorded by the site's server goes through the ingest pipeline (the server steps), with
 * the tracker's validation, into the visitor's latest session, and counts in the metrics and presence like any event.
 */
class ServerGoalTest extends RunningApp {
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

    ApiClient.Response send(Map<String, Object> event, String address) {
        return newClient()
                .raw(HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", address)
                        .header("User-Agent", EventsEndpointTest.CHROME)
                        .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(event))));
    }

    void awaitStored(long expected, String where) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(2));
        while (stored(where) < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(stored(where)).isEqualTo(expected);
    }

    long stored(String where) {
        return store.query(
                        "SELECT count(*) FROM events WHERE site_id = ? AND " + where,
                        List.of(siteId),
                        (rs, i) -> rs.getLong(1))
                .get(0);
    }

    @Test
    void a_server_goal_joins_the_visitors_session_with_its_page_location_and_channel() throws Exception {
        Map<String, Object> view = pageview("buyer", "https://example.com/checkout?utm_source=newsletter");
        view.put("referrer", "https://news.ycombinator.com/");
        assertThat(send(view, "81.2.69.142").status()).isEqualTo(202);
        awaitStored(1, "visitor_id = 'buyer'");
        String metrics = newClient().get("/actuator/prometheus").body();

        ApiClient.Response recorded = owner.post(
                "/api/v1/goals?site_id=" + siteId,
                Map.of("name", " Purchase ", "visitor_id", "buyer", "metadata", Map.of("plan", "pro", "seats", 3)));
        assertThat(recorded.status()).as(recorded.toString()).isEqualTo(201);
        assertThat(recorded.json().path("name").asString()).isEqualTo("purchase");
        assertThat(recorded.json().path("session_id").asString()).isEqualTo("s-buyer");

        awaitStored(1, "visitor_id = 'buyer' AND event_type = 'goal'");
        var row = store.query(
                        "SELECT goal_name, session_id, pathname, country, browser, channel, metadata FROM events"
                                + " WHERE site_id = ? AND event_type = 'goal'",
                        List.of(siteId),
                        (rs, i) -> List.of(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7)))
                .get(0);
        assertThat(row.subList(0, 6)).containsExactly("purchase", "s-buyer", "/checkout", "GB", "Chrome", "Email");
        assertThat(row.get(6)).contains("\"plan\":\"pro\"").contains("\"seats\":\"3\"");
        // Counted by the pipeline's metrics like a tracker event (it skipped the browser steps).
        assertThat(accepted(newClient().get("/actuator/prometheus").body())).isGreaterThan(accepted(metrics));
    }

    @Test
    void server_goal_bodies_are_checked_by_bean_validation_and_name_the_field() {
        ApiClient.Response longVisitor =
                owner.post("/api/v1/goals?site_id=" + siteId, Map.of("name", "ok", "visitor_id", "v".repeat(129)));
        assertThat(longVisitor.status()).isEqualTo(400);
        assertThat(longVisitor.errorField()).isEqualTo("visitor_id");
        ApiClient.Response wrongType =
                owner.post("/api/v1/goals?site_id=" + siteId, "{\"name\": \"ok\", \"visitor_id\": {\"id\": 1}}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorField()).isEqualTo("visitor_id");
        ApiClient.Response badMetadata = owner.post(
                "/api/v1/goals?site_id=" + siteId, "{\"name\": \"ok\", \"visitor_id\": \"v\", \"metadata\": 5}");
        assertThat(badMetadata.status()).isEqualTo(400);
        assertThat(badMetadata.errorField()).isEqualTo("metadata");
    }

    @Test
    void server_goals_follow_the_trackers_rules_and_name_the_field() {
        assertThat(send(pageview("rules", "https://example.com/"), uniqueAddress())
                        .status())
                .isEqualTo(202);
        ApiClient.Response badName =
                owner.post("/api/v1/goals?site_id=" + siteId, Map.of("name", "no spaces!", "visitor_id", "rules"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().path("error").path("field").asString()).isEqualTo("name");
        ApiClient.Response badMetadata = owner.post(
                "/api/v1/goals?site_id=" + siteId,
                Map.of("name", "ok", "visitor_id", "rules", "metadata", Map.of("Bad Key", "x")));
        assertThat(badMetadata.status()).isEqualTo(400);
        assertThat(badMetadata.errorMessage()).contains("Bad Key");
        ApiClient.Response noVisitor = owner.post("/api/v1/goals?site_id=" + siteId, Map.of("name", "ok"));
        assertThat(noVisitor.json().path("error").path("field").asString()).isEqualTo("visitor_id");
        assertThat(owner.post("/api/v1/goals?site_id=" + siteId, Map.of("name", "ok", "visitor_id", "never-seen"))
                        .status())
                .isEqualTo(404);
    }

    private static double accepted(String prometheus) {
        return prometheus
                .lines()
                .filter(l -> l.startsWith("datasaas_events_accepted_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
