package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import com.datasaas.support.SessionMerge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Shared by the revenue tests: one local Stripe and one local Lemon Squeezy for the whole run (so every revenue test
 * class shares one application context), plus helpers that drive the app over real HTTP as a site owner and as the
 * site's visitors would.
 */
abstract class RevenueTestSupport extends RunningApp {
    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";
    static final FakeStripe STRIPE;
    static final FakeLemonSqueezy LEMON;

    static {
        try {
            STRIPE = new FakeStripe();
            LEMON = new FakeLemonSqueezy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("datasaas.stripe.api-base", STRIPE::base);
        registry.add("datasaas.lemonsqueezy.api-base", LEMON::base);
        registry.add("datasaas.revenue.retry-delay", () -> "20ms");
        registry.add("datasaas.revenue.attribution-retry", () -> "1s");
    }

    @Autowired
    EventStore events;

    @Autowired
    DataSaasProperties properties;

    static long now() {
        return Instant.now().getEpochSecond();
    }

    /** A fresh Stripe secret key with its own (empty) account at the fake. */
    static String stripeKey(String name) {
        String key = "sk_test_" + unique("k").replace("-", "") + "Zq9X";
        STRIPE.account(key, name);
        return key;
    }

    static String lemonKey() {
        String key = "eyJ0eXAiOiJKV1Qi." + unique("lemon").replace("-", "");
        LEMON.orders(key);
        return key;
    }

    /** A visitor's pageview through the public ingest endpoint, from its own address, with a desktop Chrome. */
    void pageview(ApiClient client, String siteId, String visitor, String session, String url, String referrer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("website_id", siteId);
        body.put("visitor_id", visitor);
        body.put("session_id", session);
        body.put("event_type", "pageview");
        body.put("url", url);
        if (referrer != null) body.put("referrer", referrer);
        ApiClient.Response r = client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                .header("Content-Type", "application/json")
                .header("User-Agent", CHROME)
                .header("X-Forwarded-For", uniqueAddress())
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(body))));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
    }

    /** Waits until the event store holds {@code count} events of the site (the write buffer flushes on a timer). */
    void awaitEvents(String siteId, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Long n = events.query(
                            "SELECT count(*) FROM events WHERE site_id = ?", List.of(siteId), (rs, i) -> rs.getLong(1))
                    .get(0);
            if (n >= count) {
                SessionMerge.await(events);
                return;
            }
            sleep(50);
        }
        throw new AssertionError("events of " + siteId + " did not arrive");
    }

    ApiClient.Response connect(ApiClient owner, String siteId, Map<String, Object> body) {
        return owner.post("/api/websites/" + siteId + "/integrations/connect", body);
    }

    JsonNode status(ApiClient owner, String siteId, String provider) {
        ApiClient.Response r = owner.get("/api/websites/" + siteId + "/integrations/status?provider=" + provider);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** Starts a sync and waits for it to finish; returns the final status. */
    JsonNode syncAndWait(ApiClient owner, String siteId, String provider) {
        ApiClient.Response started = owner.post("/api/websites/" + siteId + "/integrations/sync", Map.of());
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        return awaitSync(owner, siteId, provider);
    }

    JsonNode awaitSync(ApiClient owner, String siteId, String provider) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = status(owner, siteId, provider);
            if (!status.path("sync").path("state").asString().equals("running")) return status;
            sleep(50);
        }
        throw new AssertionError("sync did not finish");
    }

    JsonNode payments(ApiClient owner, String siteId) {
        ApiClient.Response r = owner.get("/api/v1/payments?site_id=" + siteId);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static JsonNode payment(JsonNode list, String transactionId) {
        for (JsonNode p : list.path("payments")) {
            if (p.path("transaction_id").asString().equals(transactionId)) return p;
        }
        throw new AssertionError("no payment " + transactionId + " in " + list);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
