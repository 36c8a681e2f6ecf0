package com.datasaas.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RealtimeEndpointTest extends RunningApp {
    static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    void send(ApiClient client, String siteId, String visitor, String type) {
        String body = ApiClient.JSON.writeValueAsString(Map.of(
                "website_id", siteId,
                "visitor_id", visitor,
                "session_id", "s-" + visitor,
                "event_type", type,
                "url", "https://example.com/"));
        ApiClient.Response response = client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                .header("Content-Type", "application/json")
                .header("User-Agent", FIREFOX)
                .header("X-Forwarded-For", uniqueAddress())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.status()).isEqualTo(202);
    }

    @Test
    void counts_distinct_visitors_with_any_accepted_event_including_heartbeats() {
        ApiClient owner = newAccount();
        String siteId = owner.createWebsite("example.com");
        ApiClient anonymous = newClient();
        assertThat(anonymous
                        .get("/api/realtime?siteId=" + siteId)
                        .json()
                        .path("online")
                        .asInt())
                .isZero();

        send(anonymous, siteId, "a", "pageview");
        send(anonymous, siteId, "a", "_heartbeat");
        send(anonymous, siteId, "b", "_heartbeat");
        send(anonymous, siteId, "c", "pageview");

        ApiClient.Response response = anonymous.get("/api/realtime?siteId=" + siteId);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("online").asInt()).isEqualTo(3);
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void missing_site_id_is_400_and_unknown_site_is_404() {
        ApiClient anonymous = newClient();
        ApiClient.Response missing = anonymous.get("/api/realtime");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorMessage()).contains("siteId");
        assertThat(anonymous.get("/api/realtime?siteId=").status()).isEqualTo(400);
        ApiClient.Response unknown = anonymous.get("/api/realtime?siteId=mrf_nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorMessage()).contains("mrf_nothing");
    }
}
