package com.datasaas.revenue;

import static com.datasaas.revenue.FakeLemonSqueezy.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LemonSqueezySyncTest extends RevenueTestSupport {

    @Test
    void sync_reads_every_page_retries_429s_keeps_refunds_and_stores_each_order_once() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = lemonKey();
        ApiClient.Response connected = connect(owner, site, Map.of("provider", "lemonsqueezy", "api_key", key));
        assertThat(connected.status()).as(connected.toString()).isEqualTo(200);
        assertThat(connected.json().path("account_name").asString()).isEqualTo("Lemon Shop Owner");
        String at = Instant.now().minusSeconds(3600).toString();
        List<Map<String, Object>> orders = LEMON.orders(key);
        orders.add(order("1", 1199, "USD", 1199, "paid", 0, at));
        orders.add(order("2", 2000, "USD", 2000, "refunded", 2000, at));
        orders.add(order("3", 1000, "USD", 1000, "partial_refund", 400, at));
        orders.add(order("4", 900, "EUR", 990, "paid", 0, at));
        orders.add(order("5", 500, "USD", 500, "pending", 0, at));
        LEMON.requests.clear();
        LEMON.rateLimitNext.set(1);

        JsonNode status = syncAndWait(owner, site, "lemonsqueezy");
        assertThat(status.path("sync").path("state").asString())
                .as(status.toString())
                .isEqualTo("succeeded");
        assertThat(status.path("payments_synced").asLong()).isEqualTo(4);
        assertThat(LEMON.requests.stream().filter(r -> r.startsWith("/v1/orders")))
                .anySatisfy(r -> assertThat(r).contains("page[number]=3"));
        syncAndWait(owner, site, "lemonsqueezy");
        JsonNode list = payments(owner, site);
        assertThat(list.path("totals").path("payments").asInt()).isEqualTo(4);
        // 11.99 + 0 + 6.00 + 9.90 (EUR order settled in USD)
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("27.89");
        JsonNode eur = payment(list, "4");
        assertThat(eur.path("provider").asString()).isEqualTo("lemonsqueezy");
        assertThat(eur.path("settlement_currency").asString()).isEqualTo("USD");
        assertThat(connected.body()).doesNotContain(key);
    }

    @Test
    void an_order_reported_through_the_api_with_its_visitor_merges_with_the_synced_order() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = lemonKey();
        assertThat(connect(owner, site, Map.of("provider", "lemonsqueezy", "api_key", key))
                        .status())
                .isEqualTo(200);
        String v = unique("v");
        pageview(
                newClient(),
                site,
                v,
                v + "-s",
                "https://shop.example/?utm_source=producthunt&utm_medium=referral",
                null);
        awaitEvents(site, 1);
        String at = Instant.now().plusSeconds(2).toString();
        ApiClient.Response reported = owner.post(
                "/api/v1/payments?site_id=" + site,
                Map.of(
                        "provider",
                        "lemonsqueezy",
                        "transaction_id",
                        "41",
                        "amount",
                        11.99,
                        "currency",
                        "USD",
                        "visitor_id",
                        v,
                        "timestamp",
                        at));
        assertThat(reported.status()).isEqualTo(201);
        LEMON.orders(key).add(order("41", 1199, "USD", 1199, "refunded", 1199, at));
        syncAndWait(owner, site, "lemonsqueezy");
        JsonNode list = payments(owner, site);
        assertThat(list.path("totals").path("payments").asInt()).isEqualTo(1);
        JsonNode p = payment(list, "41");
        assertThat(p.path("refunded").decimalValue()).isEqualByComparingTo("11.99");
        assertThat(p.path("attribution").path("utm_source").asString()).isEqualTo("producthunt");
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("0.00");
    }

    ApiClient.Response deliver(String site, String payload, String signature) {
        ApiClient client = newClient();
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(client.base() + "/api/webhooks/lemonsqueezy/" + site))
                .header("Content-Type", "application/json")
                .header("X-Event-Name", "order_created")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(payload));
        if (signature != null) request.header("X-Signature", signature);
        return client.raw(request);
    }

    @Test
    void signed_order_webhooks_carry_the_visitor_in_custom_data_and_bad_signatures_store_nothing() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = lemonKey();
        String secret = "lsq-signing-" + unique("s");
        assertThat(connect(owner, site, Map.of("provider", "lemonsqueezy", "api_key", key, "webhook_secret", secret))
                        .status())
                .isEqualTo(200);
        String v = unique("v");
        pageview(newClient(), site, v, v + "-s", "https://shop.example/?utm_source=newsletter&utm_medium=email", null);
        awaitEvents(site, 1);
        String at = Instant.now().plusSeconds(2).toString();
        Map<String, Object> event = Map.of(
                "meta",
                Map.of(
                        "event_name",
                        "order_created",
                        "custom_data",
                        Map.of("datasaas_visitor_id", v, "datasaas_session_id", v + "-s")),
                "data",
                order("77", 2900, "USD", 2900, "paid", 0, at));
        String payload = ApiClient.JSON.writeValueAsString(event);

        assertThat(deliver(site, payload, LemonSqueezyWebhookController.sign(payload.getBytes(), "wrong"))
                        .status())
                .isEqualTo(400);
        assertThat(deliver(site, payload, null).status()).isEqualTo(400);
        assertThat(payments(owner, site).path("totals").path("payments").asInt())
                .isZero();

        ApiClient.Response ok = deliver(site, payload, LemonSqueezyWebhookController.sign(payload.getBytes(), secret));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        JsonNode p = payment(payments(owner, site), "77");
        assertThat(p.path("attribution").path("rule").asString()).isEqualTo("session");
        assertThat(p.path("attribution").path("channel").asString()).isEqualTo("Email");

        String refunded = payload.replace("\"status\":\"paid\"", "\"status\":\"refunded\"")
                .replace("\"refunded_amount\":0", "\"refunded_amount\":2900");
        assertThat(deliver(site, refunded, LemonSqueezyWebhookController.sign(refunded.getBytes(), secret))
                        .status())
                .isEqualTo(200);
        JsonNode list = payments(owner, site);
        assertThat(list.path("totals").path("payments").asInt()).isEqualTo(1);
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("0.00");
    }
}
