package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PaymentsApiTest extends RevenueTestSupport {

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) out.put((String) pairs[i], pairs[i + 1]);
        return out;
    }

    @Test
    void a_payment_with_a_visitor_is_attributed_to_that_visitors_channel_and_utm() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        ApiClient browser = newClient();
        String v = unique("v");
        pageview(
                browser,
                site,
                v,
                v + "-ads",
                "https://shop.example/landing?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=shoes",
                "https://www.google.com/");
        pageview(browser, site, v, v + "-ads", "https://shop.example/buy", null);
        pageview(browser, site, v, v + "-direct", "https://shop.example/account", null);
        awaitEvents(site, 3);
        ApiClient.Response r = owner.post(
                "/api/v1/payments?site_id=" + site,
                body(
                        "amount",
                        129.5,
                        "currency",
                        "USD",
                        "transaction_id",
                        "order-1001",
                        "visitor_id",
                        v,
                        "customer_id",
                        "c-1",
                        "timestamp",
                        java.time.Instant.now().plusSeconds(1).toString()));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.body()).contains("\"amount\":129.50");
        JsonNode a = r.json().path("attribution");
        assertThat(a.path("rule").asString()).isEqualTo("last_non_direct");
        assertThat(a.path("session_id").asString()).isEqualTo(v + "-ads");
        assertThat(a.path("channel").asString()).isEqualTo("Paid Search");
        assertThat(a.path("utm_source").asString()).isEqualTo("google");
        assertThat(a.path("utm_campaign").asString()).isEqualTo("brand");
        assertThat(a.path("utm_term").asString()).isEqualTo("shoes");
        assertThat(a.path("landing_page").asString()).isEqualTo("/landing");

        // a later payment of the same customer without ids is linked through the customer
        ApiClient.Response again = owner.post(
                "/api/v1/payments?site_id=" + site,
                body(
                        "amount",
                        "10",
                        "currency",
                        "USD",
                        "transaction_id",
                        "order-1002",
                        "customer_id",
                        "c-1",
                        "renewal",
                        true,
                        "timestamp",
                        java.time.Instant.now().plusSeconds(5).toString()));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().path("link").asString()).isEqualTo("customer");
        assertThat(again.json().path("attribution").path("channel").asString()).isEqualTo("Paid Search");
    }

    @Test
    void a_visitor_who_only_came_direct_is_credited_to_their_first_session_and_unknown_visitors_to_unknown() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String v = unique("v");
        pageview(newClient(), site, v, v + "-1", "https://shop.example/first", null);
        awaitEvents(site, 1);
        pageview(newClient(), site, v, v + "-2", "https://shop.example/second", null);
        awaitEvents(site, 2);
        JsonNode p = owner.post(
                        "/api/v1/payments?site_id=" + site,
                        body(
                                "amount",
                                5,
                                "currency",
                                "USD",
                                "transaction_id",
                                "d-1",
                                "visitor_id",
                                v,
                                "timestamp",
                                java.time.Instant.now().plusSeconds(1).toString()))
                .json();
        assertThat(p.path("attribution").path("rule").asString()).isEqualTo("first_session");
        assertThat(p.path("attribution").path("session_id").asString()).isEqualTo(v + "-1");
        assertThat(p.path("attribution").path("channel").asString()).isEqualTo("Direct");
        assertThat(p.path("attribution").path("landing_page").asString()).isEqualTo("/first");

        JsonNode unknown = owner.post(
                        "/api/v1/payments?site_id=" + site,
                        body("amount", 7, "currency", "USD", "transaction_id", "u-1"))
                .json();
        assertThat(unknown.path("attribution").path("channel").asString()).isEqualTo("Unknown");
        JsonNode list = payments(owner, site);
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("12.00");
    }

    @Test
    void posting_the_same_transaction_twice_stores_it_once_and_refunds_reduce_revenue() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        Map<String, Object> payment = body("amount", 20, "currency", "USD", "transaction_id", "t-1");
        assertThat(owner.post("/api/v1/payments?site_id=" + site, payment).status())
                .isEqualTo(201);
        assertThat(owner.post("/api/v1/payments?site_id=" + site, payment).status())
                .isEqualTo(200);
        assertThat(owner.post(
                                "/api/v1/payments?site_id=" + site,
                                body("amount", 30, "currency", "USD", "transaction_id", "t-2"))
                        .status())
                .isEqualTo(201);
        assertThat(payments(owner, site).path("totals").path("revenue").decimalValue())
                .isEqualByComparingTo("50.00");
        ApiClient.Response refund = owner.post(
                "/api/v1/payments?site_id=" + site,
                body("amount", 20, "currency", "USD", "transaction_id", "t-1", "refunded", true));
        assertThat(refund.status()).isEqualTo(200);
        assertThat(owner.post(
                                "/api/v1/payments?site_id=" + site,
                                body("amount", 30, "currency", "USD", "transaction_id", "t-2", "refunded", 12.5))
                        .status())
                .isEqualTo(200);
        JsonNode list = payments(owner, site);
        assertThat(list.path("totals").path("payments").asInt()).isEqualTo(2);
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("17.50");
        assertThat(list.path("totals").path("refunds").decimalValue()).isEqualByComparingTo("32.50");

        assertThat(owner.delete("/api/v1/payments?site_id=" + site + "&transaction_id=t-1")
                        .status())
                .isEqualTo(204);
        assertThat(owner.delete("/api/v1/payments?site_id=" + site + "&transaction_id=t-1")
                        .status())
                .isEqualTo(404);
        assertThat(payments(owner, site).path("totals").path("payments").asInt())
                .isEqualTo(1);
    }

    @Test
    void invalid_payments_are_400_naming_the_field() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String url = "/api/v1/payments?site_id=" + site;
        assertThat(owner.post(url, body("currency", "USD", "transaction_id", "x"))
                        .errorMessage())
                .contains("'amount'");
        assertThat(owner.post(url, body("amount", 1, "transaction_id", "x")).errorMessage())
                .contains("'currency'");
        assertThat(owner.post(url, body("amount", 1, "currency", "USD")).errorMessage())
                .contains("'transaction_id'");
        assertThat(owner.post(url, body("amount", -1, "currency", "USD", "transaction_id", "x"))
                        .status())
                .isEqualTo(400);
        assertThat(owner.post(url, body("amount", 1.005, "currency", "USD", "transaction_id", "x"))
                        .errorMessage())
                .contains("decimals");
        assertThat(owner.post(url, body("amount", 1, "currency", "USD", "transaction_id", "x", "timestamp", "soon"))
                        .errorMessage())
                .contains("'timestamp'");
        assertThat(owner.post(url, body("amount", 5, "currency", "USD", "transaction_id", "x", "refunded", 6))
                        .errorMessage())
                .contains("'refunded'");
        assertThat(owner.post("/api/v1/payments", body("amount", 1)).status()).isEqualTo(400);
    }

    @Test
    void payment_bodies_are_checked_by_bean_validation_and_name_the_field() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String url = "/api/v1/payments?site_id=" + site;
        ApiClient.Response missing = owner.post(url, body("currency", "USD", "transaction_id", "x"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorField()).isEqualTo("amount");
        ApiClient.Response longId =
                owner.post(url, body("amount", 1, "currency", "USD", "transaction_id", "t".repeat(256)));
        assertThat(longId.status()).isEqualTo(400);
        assertThat(longId.errorField()).isEqualTo("transaction_id");
        ApiClient.Response badCurrency = owner.post(url, body("amount", 1, "currency", "US", "transaction_id", "x"));
        assertThat(badCurrency.errorField()).isEqualTo("currency");
        assertThat(badCurrency.errorMessage()).contains("ISO 4217");
        ApiClient.Response wrongType = owner.post(
                url, "{\"amount\": 1, \"currency\": \"USD\", \"transaction_id\": \"x\", \"renewal\": [true]}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorField()).isEqualTo("renewal");
        ApiClient.Response ok = owner.post(
                url,
                body("amount", "12.50", "currency", "usd", "transaction_id", "v-1", "refunded", true, "renewal", true));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.json().path("amount").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(ok.json().path("net").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void a_read_only_key_can_list_but_not_record_or_delete_and_a_write_key_can() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String read = owner.post("/api/api-keys", Map.of("name", "r", "scope", "read"))
                .json()
                .path("key")
                .asString();
        String write = owner.post("/api/api-keys", Map.of("name", "w", "scope", "write"))
                .json()
                .path("key")
                .asString();
        ApiClient reader = newClient().withBearer(read);
        ApiClient writer = newClient().withBearer(write);
        Map<String, Object> p = body("amount", 9.99, "currency", "EUR", "transaction_id", "k-1");
        assertThat(reader.post("/api/v1/payments?site_id=" + site, p).status()).isEqualTo(403);
        assertThat(writer.post("/api/v1/payments?site_id=" + site, p).status()).isEqualTo(201);
        assertThat(reader.delete("/api/v1/payments?site_id=" + site + "&transaction_id=k-1")
                        .status())
                .isEqualTo(403);
        JsonNode list = reader.get("/api/v1/payments?site_id=" + site).json();
        assertThat(list.path("totals").path("payments").asInt()).isEqualTo(1);
        // EUR on a USD site without a settlement amount: listed, not summed into USD revenue
        assertThat(list.path("totals").path("not_convertible").asInt()).isEqualTo(1);
        assertThat(writer.delete("/api/v1/payments?site_id=" + site + "&transaction_id=k-1")
                        .status())
                .isEqualTo(204);
    }
}
