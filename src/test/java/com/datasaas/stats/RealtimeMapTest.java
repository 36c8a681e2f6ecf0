package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The realtime map and feed over real HTTP, fed through the public ingest endpoint. */
class RealtimeMapTest extends RunningApp {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/140.0.0.0 Safari/537.36";

    private void send(ApiClient client, Map<String, Object> event) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                .header("Content-Type", "application/json")
                .header("User-Agent", CHROME)
                .header("X-Forwarded-For", uniqueAddress())
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(event)));
        ApiClient.Response r = client.raw(request);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
    }

    private static Map<String, Object> event(String site, String domain, String visitor, String type, String path) {
        Map<String, Object> e = new HashMap<>();
        e.put("website_id", site);
        e.put("visitor_id", visitor);
        e.put("session_id", visitor + "-s");
        e.put("event_type", type);
        e.put("url", "https://" + domain + path);
        return e;
    }

    @Test
    void the_map_lists_the_online_visitors_and_agrees_with_the_online_count() throws InterruptedException {
        ApiClient owner = newAccount();
        String domain = unique("live") + ".example.com";
        String site = owner.createWebsite(domain);
        ApiClient anonymous = newClient();
        send(anonymous, event(site, domain, "v1", "pageview", "/pricing"));
        send(anonymous, event(site, domain, "v2", "pageview", "/"));
        send(anonymous, event(site, domain, "v2", "_heartbeat", "/"));
        Map<String, Object> signup = event(site, domain, "v2", "goal", "/");
        signup.put("name", "signup");
        send(anonymous, signup);

        JsonNode map = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            map = owner.get("/api/websites/" + site + "/realtime-map").json();
            boolean detailed = map.path("visitors").size() == 2
                    && map.path("visitors").get(0).path("browser").isString()
                    && map.path("visitors").get(1).path("browser").isString();
            if (detailed) break;
            Thread.sleep(50);
        }
        int online = anonymous
                .get("/api/realtime?siteId=" + site)
                .json()
                .path("online")
                .asInt();
        assertThat(online).isEqualTo(2);
        assertThat(map.path("count").asInt()).isEqualTo(online);
        assertThat(map.path("visitors").size()).isEqualTo(2);
        JsonNode pages = map.path("visitors");
        assertThat(pages.get(0).path("page").asString()
                        + pages.get(1).path("page").asString())
                .contains("/pricing")
                .contains("/");
        assertThat(pages.get(0).path("session_start").isString()).isTrue();

        // The goal may still be in the write buffer: poll until all three are stored.
        JsonNode events = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            events = owner.get("/api/websites/" + site + "/realtime-map/events?limit=10")
                    .json()
                    .path("events");
            if (events.size() >= 3) break;
            Thread.sleep(50);
        }
        // Heartbeats are left out of the feed; newest first.
        assertThat(events.size()).isEqualTo(3);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i - 1).path("timestamp").asString())
                    .isGreaterThanOrEqualTo(events.get(i).path("timestamp").asString());
        }
        assertThat(events.findValuesAsString("type")).containsExactlyInAnyOrder("pageview", "pageview", "goal");
        assertThat(events.findValuesAsString("goal_name")).contains("signup");
        assertThat(owner.get("/api/websites/" + site + "/realtime-map/events?limit=1")
                        .json()
                        .path("events")
                        .size())
                .isEqualTo(1);
        ApiClient.Response bad = owner.get("/api/websites/" + site + "/realtime-map/events?limit=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).contains("limit");
    }
}
