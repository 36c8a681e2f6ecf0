package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Cookieless mode over real HTTP: the website setting, the snippet it gives, and events without ids (and with ids
 * from an old script, which are ignored) stored under server-derived visitors and sessions.
 */
class CookielessModeTest extends RunningApp {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/140.0.0.0 Safari/537.36";
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    @Autowired
    EventStore store;

    @Autowired
    DailySalts salts;

    private ApiClient.Response send(ApiClient client, Map<String, Object> event, String address, String userAgent) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                .header("Content-Type", "text/plain")
                .header("X-Forwarded-For", address)
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofString(
                        ApiClient.JSON.writeValueAsString(event), StandardCharsets.UTF_8));
        return client.raw(request);
    }

    private static Map<String, Object> pageview(String site, String domain, String path) {
        Map<String, Object> event = new HashMap<>();
        event.put("website_id", site);
        event.put("url", "https://" + domain + path);
        return event;
    }

    private List<Map<String, Object>> stored(String site, int expected) throws InterruptedException {
        List<Map<String, Object>> rows = List.of();
        for (int attempt = 0; attempt < 100 && rows.size() < expected; attempt++) {
            rows = store.query(
                    "SELECT visitor_id, session_id, pathname FROM events WHERE site_id = ? ORDER BY ts, pathname",
                    List.of(site),
                    (rs, i) -> Map.of(
                            "visitor_id", rs.getString(1), "session_id", rs.getString(2), "pathname", rs.getString(3)));
            if (rows.size() < expected) Thread.sleep(50);
        }
        return rows;
    }

    @Test
    void a_cookieless_site_gets_the_cookieless_snippet_and_server_derived_visitors() throws InterruptedException {
        ApiClient owner = newAccount();
        String domain = unique("quiet") + ".example.com";
        String site = owner.createWebsite(domain);
        JsonNode before = owner.get("/api/websites/" + site).json();
        assertThat(before.path("cookieless").asBoolean()).isFalse();
        assertThat(before.path("tracking_snippet").asString()).contains("/js/script.js\"");

        ApiClient.Response bad = owner.patch("/api/websites/" + site, Map.of("cookieless", List.of("yes")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).contains("cookieless");

        ApiClient.Response on = owner.patch("/api/websites/" + site, Map.of("cookieless", true));
        assertThat(on.status()).as(on.toString()).isEqualTo(200);
        assertThat(on.json().path("cookieless").asBoolean()).isTrue();
        assertThat(on.json().path("tracking_snippet").asString()).contains("/js/script.cookieless.js\"");
        assertThat(owner.get("/api/websites/" + site).json().path("cookieless").asBoolean())
                .isTrue();

        ApiClient browser = newClient();
        String home = uniqueAddress();
        String office = uniqueAddress();
        assertThat(send(browser, pageview(site, domain, "/a"), home, CHROME).status())
                .isEqualTo(202);
        assertThat(send(browser, pageview(site, domain, "/b"), home, CHROME).status())
                .isEqualTo(202);
        assertThat(send(browser, pageview(site, domain, "/c"), office, CHROME).status())
                .isEqualTo(202);
        assertThat(send(browser, pageview(site, domain, "/d"), home, FIREFOX).status())
                .isEqualTo(202);
        // Identify keeps no one across days, so cookieless mode has none: from the page it is answered 202 and dropped
        // (it is not stored: the next check finds exactly the five pageviews), from a server it is refused.
        Map<String, Object> identify = pageview(site, domain, "/b");
        identify.put("event_type", "goal");
        identify.put("name", "identify");
        identify.put("metadata", Map.of("user_id", "42", "email", "grace@example.com"));
        assertThat(send(browser, identify, home, CHROME).status()).isEqualTo(202);
        // An old copy of the regular script still sends its cookie ids: ignored, the server derives them.
        Map<String, Object> old = pageview(site, domain, "/e");
        old.put("visitor_id", "cookie-visitor");
        old.put("session_id", "cookie-session");
        assertThat(send(browser, old, home, CHROME).status()).isEqualTo(202);

        List<Map<String, Object>> rows = stored(site, 5);
        assertThat(rows).hasSize(5);
        Map<String, Map<String, Object>> byPath = new HashMap<>();
        for (Map<String, Object> row : rows) byPath.put((String) row.get("pathname"), row);
        Object visitor = byPath.get("/a").get("visitor_id");
        assertThat((String) visitor).startsWith("cl_");
        assertThat(byPath.get("/b").get("visitor_id")).isEqualTo(visitor);
        assertThat(byPath.get("/b").get("session_id"))
                .isEqualTo(byPath.get("/a").get("session_id"));
        assertThat(byPath.get("/e").get("visitor_id")).isEqualTo(visitor);
        assertThat(byPath.get("/e").get("session_id"))
                .isEqualTo(byPath.get("/a").get("session_id"));
        assertThat(byPath.get("/c").get("visitor_id")).isNotEqualTo(visitor);
        assertThat(byPath.get("/d").get("visitor_id")).isNotEqualTo(visitor);
        assertThat(rows).noneMatch(r -> r.get("visitor_id").equals("cookie-visitor"));
        ApiClient.Response serverIdentify =
                owner.post("/api/v1/identify?site_id=" + site, Map.of("visitor_id", visitor, "user_id", "42"));
        assertThat(serverIdentify.status()).as(serverIdentify.toString()).isEqualTo(409);
        assertThat(serverIdentify.errorMessage()).contains("cookieless");

        assertThat(owner.get("/api/realtime?siteId=" + site)
                        .json()
                        .path("online")
                        .asInt())
                .isEqualTo(3);
        // Only today's salt is stored.
        assertThat(salts.storedDays())
                .containsExactly(LocalDate.now(ZoneOffset.UTC).toString());

        // Back to regular mode: events must carry ids again, and the error says what to do.
        assertThat(owner.patch("/api/websites/" + site, Map.of("cookieless", false))
                        .json()
                        .path("tracking_snippet")
                        .asString())
                .contains("/js/script.js\"");
        Map<String, Object> noIds = pageview(site, domain, "/f");
        // The PATCH cleared this node's cached copy of the site, so the very next event sees the change.
        ApiClient.Response refused = send(browser, noIds, home, CHROME);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorMessage()).contains("visitor_id").contains("cookieless");
    }
}
