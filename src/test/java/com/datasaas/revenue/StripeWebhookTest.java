package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.stripe.Stripe;
import com.stripe.net.Webhook;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StripeWebhookTest extends RevenueTestSupport {

    record Shop(ApiClient owner, String site, String key, String secret) {}

    Shop shop() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = stripeKey("Hooks");
        String secret = "whsec_" + unique("s").replace("-", "");
        ApiClient.Response r =
                connect(owner, site, Map.of("provider", "stripe", "api_key", key, "webhook_secret", secret));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return new Shop(owner, site, key, secret);
    }

    static String event(String type, Map<String, Object> object) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", "evt_" + unique("e").replace("-", ""));
        e.put("object", "event");
        e.put("api_version", Stripe.API_VERSION);
        e.put("created", now());
        e.put("livemode", false);
        e.put("pending_webhooks", 1);
        e.put("type", type);
        e.put("data", Map.of("object", object));
        return ApiClient.JSON.writeValueAsString(e);
    }

    static String sign(String payload, String secret) throws Exception {
        long t = now();
        return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(secret, t + "." + payload);
    }

    ApiClient.Response deliver(String site, String payload, String signature) {
        ApiClient client = newClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + "/api/webhooks/stripe/" + site))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (signature != null) request.header("Stripe-Signature", signature);
        return client.raw(request);
    }

    @Test
    void a_bad_or_missing_signature_is_400_and_stores_nothing() throws Exception {
        Shop shop = shop();
        String payload = event(
                "charge.succeeded", FakeStripe.charge("ch_bad", "pi_bad", 1000, "usd", now(), 0, null, null, null));
        ApiClient.Response wrongSecret = deliver(shop.site(), payload, sign(payload, "whsec_not_the_right_one"));
        assertThat(wrongSecret.status()).isEqualTo(400);
        assertThat(wrongSecret.errorMessage()).contains("Stripe-Signature");
        String tampered = payload.replace("1000", "100000");
        assertThat(deliver(shop.site(), tampered, sign(payload, shop.secret())).status())
                .isEqualTo(400);
        assertThat(deliver(shop.site(), payload, null).status()).isEqualTo(400);
        assertThat(deliver(shop.site(), payload, "t=1,v1=deadbeef").status()).isEqualTo(400);
        assertThat(payments(shop.owner(), shop.site())
                        .path("totals")
                        .path("payments")
                        .asInt())
                .isZero();
        assertThat(status(shop.owner(), shop.site(), "stripe")
                        .path("payments_synced")
                        .asLong())
                .isZero();
    }

    @Test
    void a_site_without_a_signing_secret_refuses_webhooks_until_one_is_set_by_patch() throws Exception {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String payload =
                event("charge.succeeded", FakeStripe.charge("ch_ns", "pi_ns", 1000, "usd", now(), 0, null, null, null));
        ApiClient.Response refused = deliver(site, payload, sign(payload, "whsec_x"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorMessage()).contains("signing secret");
        ApiClient.Response badSecret =
                owner.patch("/api/websites/" + site + "/integrations/stripe", Map.of("webhook_secret", "nope"));
        assertThat(badSecret.status()).isEqualTo(400);
        ApiClient.Response set =
                owner.patch("/api/websites/" + site + "/integrations/stripe", Map.of("webhook_secret", "whsec_x"));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().path("webhook_secret_set").asBoolean()).isTrue();
        assertThat(set.body()).doesNotContain("whsec_x");
        ApiClient.Response accepted = deliver(site, payload, sign(payload, "whsec_x"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(payments(owner, site).path("totals").path("payments").asInt())
                .isEqualTo(1);
        assertThat(deliver("mrf_nosuchsite", payload, sign(payload, "whsec_x")).status())
                .isEqualTo(404);
    }

    @Test
    void sync_webhooks_and_the_payments_api_for_one_transaction_store_one_payment() throws Exception {
        Shop shop = shop();
        ApiClient visitor = newClient();
        String v = unique("v");
        pageview(
                visitor,
                shop.site(),
                v,
                v + "-s",
                "https://shop.example/?utm_source=twitter&utm_medium=social&utm_campaign=launch",
                null);
        awaitEvents(shop.site(), 1);
        long t = now() + 2;
        Map<String, Object> session = FakeStripe.checkoutSession(
                "cs_one", "pi_one", null, null, 4900, "usd", t, null, Map.of("datasaas_visitor_id", v));
        Map<String, Object> charge = FakeStripe.charge("ch_one", "pi_one", 4900, "usd", t, 0, null, null, null);
        FakeStripe.Account stripe = STRIPE.accounts.get(shop.key());
        stripe.add("checkout_sessions", session);
        stripe.add("charges", charge);

        String completed = event("checkout.session.completed", session);
        ApiClient.Response r1 = deliver(shop.site(), completed, sign(completed, shop.secret()));
        assertThat(r1.status()).as(r1.toString()).isEqualTo(200);
        assertThat(r1.json().path("payments").asInt()).isEqualTo(1);
        String succeeded = event("charge.succeeded", charge);
        assertThat(deliver(shop.site(), succeeded, sign(succeeded, shop.secret()))
                        .status())
                .isEqualTo(200);
        // Stripe redelivers events: the same event twice changes nothing
        assertThat(deliver(shop.site(), succeeded, sign(succeeded, shop.secret()))
                        .status())
                .isEqualTo(200);
        ApiClient.Response api = shop.owner()
                .post(
                        "/api/v1/payments?site_id=" + shop.site(),
                        Map.of("amount", 49.00, "currency", "usd", "transaction_id", "pi_one", "visitor_id", v));
        assertThat(api.status()).as(api.toString()).isEqualTo(200);
        syncAndWait(shop.owner(), shop.site(), "stripe");
        syncAndWait(shop.owner(), shop.site(), "stripe");

        JsonNode list = payments(shop.owner(), shop.site());
        assertThat(list.path("totals").path("payments").asInt()).isEqualTo(1);
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("49.00");
        JsonNode p = payment(list, "pi_one");
        assertThat(p.path("provider").asString()).isEqualTo("stripe");
        assertThat(p.path("delivered_by").asString()).isEqualTo("webhook");
        assertThat(p.path("attribution").path("channel").asString()).isEqualTo("Organic Social");
        assertThat(p.path("attribution").path("utm_campaign").asString()).isEqualTo("launch");

        // a refund arrives as charge.refunded with the charge's refunded total
        Map<String, Object> refunded = new LinkedHashMap<>(charge);
        refunded.put("amount_refunded", 4900);
        refunded.put("refunded", true);
        String refundEvent = event("charge.refunded", refunded);
        assertThat(deliver(shop.site(), refundEvent, sign(refundEvent, shop.secret()))
                        .status())
                .isEqualTo(200);
        JsonNode after = payments(shop.owner(), shop.site());
        assertThat(after.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(after.path("totals").path("refunds").decimalValue()).isEqualByComparingTo("49.00");
    }

    @Test
    void a_subscription_checkout_is_completed_through_the_api_key_and_renewals_arrive_as_invoice_paid()
            throws Exception {
        Shop shop = shop();
        String v = unique("v");
        pageview(newClient(), shop.site(), v, v + "-s", "https://shop.example/", "https://blog.example.net/post");
        awaitEvents(shop.site(), 1);
        long t = now() + 2;
        FakeStripe.Account stripe = STRIPE.accounts.get(shop.key());
        stripe.add(
                "invoices",
                FakeStripe.invoice("in_w1", "pi_w1", 1900, "usd", t, "cus_w", "sub_w", "subscription_create"));
        Map<String, Object> session = FakeStripe.checkoutSession(
                "cs_w", null, "in_w1", "sub_w", 1900, "usd", t, null, Map.of("datasaas_visitor_id", v));
        String completed = event("checkout.session.completed", session);
        ApiClient.Response r = deliver(shop.site(), completed, sign(completed, shop.secret()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("payments").asInt()).isEqualTo(1);

        Map<String, Object> renewal =
                FakeStripe.invoice("in_w2", "pi_w2", 1900, "usd", t + 1, "cus_w", "sub_w", "subscription_cycle");
        String paid = event("invoice.paid", renewal);
        assertThat(deliver(shop.site(), paid, sign(paid, shop.secret())).status())
                .isEqualTo(200);

        JsonNode list = payments(shop.owner(), shop.site());
        JsonNode first = payment(list, "pi_w1");
        assertThat(first.path("visitor_id").asString()).isEqualTo(v);
        assertThat(first.path("attribution").path("channel").asString()).isEqualTo("Referral");
        JsonNode second = payment(list, "pi_w2");
        assertThat(second.path("renewal").asBoolean()).isTrue();
        assertThat(second.path("link").asString()).isEqualTo("customer");
        assertThat(second.path("attribution").path("channel").asString()).isEqualTo("Referral");
    }

    @Test
    void events_without_a_payment_are_acknowledged_and_ignored() throws Exception {
        Shop shop = shop();
        String payload = event("customer.created", FakeStripe.customer("cus_x", Map.of()));
        ApiClient.Response r = deliver(shop.site(), payload, sign(payload, shop.secret()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("payments").asInt()).isZero();
    }
}
