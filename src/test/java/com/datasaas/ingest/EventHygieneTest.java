package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
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

/** What the audit stored or let through on POST /api/events, and what it gets now. */
class EventHygieneTest extends RunningApp {
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

    ApiClient.Response send(Object body, String address, String contentType) {
        String text = body instanceof String s ? s : ApiClient.JSON.writeValueAsString(body);
        return newClient()
                .raw(HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                        .header("Content-Type", contentType)
                        .header("X-Forwarded-For", address)
                        .header("User-Agent", EventsEndpointTest.CHROME)
                        .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)));
    }

    ApiClient.Response send(Object body) {
        return send(body, uniqueAddress(), "application/json");
    }

    List<Map<String, Object>> rows(String visitor, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(3));
        List<Map<String, Object>> rows;
        do {
            rows = store.query(
                    "SELECT event_type, hostname, pathname, title, referrer, utm_campaign, click_ids, metadata,"
                            + " visitor_id, session_id, duration_ms FROM events WHERE site_id = ? AND visitor_id"
                            + " LIKE ? ORDER BY ts",
                    List.of(siteId, visitor + "%"),
                    (rs, i) -> {
                        Map<String, Object> row = new HashMap<>();
                        for (String c : List.of(
                                "event_type",
                                "hostname",
                                "pathname",
                                "title",
                                "referrer",
                                "utm_campaign",
                                "click_ids",
                                "metadata",
                                "visitor_id",
                                "session_id")) {
                            row.put(c, rs.getString(c));
                        }
                        row.put("duration_ms", rs.getObject("duration_ms"));
                        return row;
                    });
            if (rows.size() >= expected) break;
            Thread.sleep(20);
        } while (Instant.now().isBefore(deadline));
        assertThat(rows).hasSize(expected);
        return rows;
    }

    @Test
    void hostnames_that_are_not_host_names_are_400() {
        for (String host : List.of(
                "evil\r\nSet-Cookie: x.example.com",
                "\u202Egnp.example.com",
                "<img src=x onerror=alert(1)>.example.com",
                "../../etc/passwd.example.com",
                "a/b.example.com",
                "under_score .example.com",
                "x".repeat(64) + ".example.com",
                ("abc.".repeat(63)) + "example.com")) {
            Map<String, Object> event = pageview("host", "https://example.com/");
            event.put("hostname", host);
            ApiClient.Response response = send(event);
            assertThat(response.status()).as(host).isEqualTo(400);
            assertThat(response.errorMessage()).as(host).contains("'hostname'");
        }
        Map<String, Object> idn = pageview("host", "https://example.com/");
        idn.put("hostname", "Bücher.Example.com.");
        assertThat(send(idn).status()).isEqualTo(202);
    }

    @Test
    void control_and_bidi_characters_are_stripped_from_every_stored_text() throws Exception {
        String dirty = "a\u0000b\u0007c\u001b[31md\u0085e\u202Ef\u2066g\r\nh";
        String clean = "abc[31mdefgh";
        Map<String, Object> event = pageview("ctl\u0000v", "https://example.com/x");
        event.put("click_ids", Map.of("gclid", "g\u0001id"));
        event.put("session_id", "s\u202E1");
        event.put("pathname", "/p" + dirty);
        event.put("title", dirty);
        event.put("referrer", "https://ref.example/" + dirty);
        event.put("utm_campaign", dirty);
        event.put("metadata", Map.of("plan", dirty));
        assertThat(send(event).status()).isEqualTo(202);
        Map<String, Object> row = rows("ctlv", 1).get(0);
        assertThat(row.get("visitor_id")).isEqualTo("ctlv");
        assertThat(row.get("session_id")).isEqualTo("s1");
        assertThat(row.get("pathname")).isEqualTo("/p" + clean);
        assertThat(row.get("title")).isEqualTo(clean);
        assertThat(row.get("referrer")).isEqualTo("https://ref.example/" + clean);
        assertThat(row.get("utm_campaign")).isEqualTo(clean);
        assertThat((String) row.get("metadata")).contains(clean).doesNotContain("\\u0000");
        assertThat((String) row.get("click_ids")).contains("gid");
    }

    @Test
    void pathnames_always_start_with_a_slash() throws Exception {
        Map<String, Object> event = pageview("slash", "https://example.com/");
        event.put("pathname", "pricing");
        assertThat(send(event).status()).isEqualTo(202);
        assertThat(rows("slash", 1).get(0).get("pathname")).isEqualTo("/pricing");
    }

    @Test
    void leave_durations_are_bounded_by_the_time_since_their_pageview() throws Exception {
        Map<String, Object> view = pageview("leave", "https://example.com/a");
        assertThat(send(view).status()).isEqualTo(202);
        Map<String, Object> leave = pageview("leave", "https://example.com/a");
        leave.put("event_type", "_leave");
        leave.put("duration", 24L * 3600 * 1000);
        assertThat(send(leave).status()).isEqualTo(202);
        // a _leave whose page view this server never saw: bounded by the visit timeout
        Map<String, Object> orphan = pageview("leave-orphan", "https://example.com/b");
        orphan.put("event_type", "_leave");
        orphan.put("duration", 24L * 3600 * 1000);
        assertThat(send(orphan).status()).isEqualTo(202);

        List<Map<String, Object>> rows = rows("leave", 3);
        long bounded = ((Number) rows.stream()
                        .filter(r -> "leave".equals(r.get("visitor_id")) && "_leave".equals(r.get("event_type")))
                        .findFirst()
                        .orElseThrow()
                        .get("duration_ms"))
                .longValue();
        assertThat(bounded).isLessThanOrEqualTo(PageviewTimes.SLACK.toMillis() + 5_000);
        long orphaned = ((Number) rows.stream()
                        .filter(r -> "leave-orphan".equals(r.get("visitor_id")))
                        .findFirst()
                        .orElseThrow()
                        .get("duration_ms"))
                .longValue();
        assertThat(orphaned).isEqualTo(PageviewTimes.MAX_UNKNOWN.toMillis());
    }

    @Test
    void media_types_are_parsed_not_prefix_matched() {
        assertThat(send(pageview("mt", "https://example.com/"), uniqueAddress(), "APPLICATION/JSON; Charset=UTF-8")
                        .status())
                .isEqualTo(202);
        assertThat(send(pageview("mt", "https://example.com/"), uniqueAddress(), "Text/Plain")
                        .status())
                .isEqualTo(202);
        for (String refused : List.of("application/jsonp", "text/plainx", "application/json-patch+json", "garbage")) {
            ApiClient.Response response = send(pageview("mt", "https://example.com/"), uniqueAddress(), refused);
            assertThat(response.status()).as(refused).isEqualTo(415);
            assertThat(response.errorMessage()).as(refused).contains("application/json");
        }
    }

    @Test
    void one_ipv6_network_shares_one_event_rate_limit() {
        int n = (int) (System.nanoTime() & 0xfff);
        String network = "2001:db8:" + Integer.toHexString(n) + ":7:";
        int accepted = 0;
        for (int i = 0; i < 130; i++) {
            String address = network + Integer.toHexString(i + 1) + "::" + Integer.toHexString(i + 7);
            if (send(pageview("v6", "https://example.com/"), address, "application/json")
                            .status()
                    == 202) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(100);
    }
}
