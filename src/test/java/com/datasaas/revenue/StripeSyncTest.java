package com.datasaas.revenue;

import static com.datasaas.revenue.FakeStripe.balanceTransaction;
import static com.datasaas.revenue.FakeStripe.charge;
import static com.datasaas.revenue.FakeStripe.checkoutSession;
import static com.datasaas.revenue.FakeStripe.customer;
import static com.datasaas.revenue.FakeStripe.invoice;
import static com.datasaas.revenue.FakeStripe.paymentIntent;
import static com.datasaas.revenue.FakeStripe.refund;
import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StripeSyncTest extends RevenueTestSupport {

    record Shop(ApiClient owner, String site, String key, FakeStripe.Account stripe) {}

    Shop connectedShop() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = stripeKey("Shop");
        ApiClient.Response r = connect(owner, site, Map.of("provider", "stripe", "api_key", key));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return new Shop(owner, site, key, STRIPE.accounts.get(key));
    }

    @Test
    void sync_reads_every_page_and_syncing_twice_stores_each_payment_once() {
        Shop shop = connectedShop();
        long t = now() - 3600;
        for (int i = 1; i <= 5; i++) {
            shop.stripe().add("charges", charge("ch_p" + i, "pi_p" + i, 1000L * i, "usd", t + i, 0, null, null, null));
        }
        STRIPE.requests.clear();
        JsonNode first = syncAndWait(shop.owner(), shop.site(), "stripe");
        assertThat(first.path("sync").path("state").asString())
                .as(first.toString())
                .isEqualTo("succeeded");
        assertThat(first.path("payments_synced").asLong()).isEqualTo(5);
        // 5 charges in pages of 2: three requests, the later ones continuing after the last id seen
        assertThat(STRIPE.requests.stream().filter(r -> r.startsWith("/v1/charges")))
                .hasSize(3)
                .anySatisfy(r -> assertThat(r).contains("starting_after=ch_p4"))
                .anySatisfy(r -> assertThat(r).contains("starting_after=ch_p2"));

        JsonNode second = syncAndWait(shop.owner(), shop.site(), "stripe");
        assertThat(second.path("payments_synced").asLong()).isEqualTo(5);
        ApiClient.Response raw = shop.owner().get("/api/v1/payments?site_id=" + shop.site());
        // money in currency units with two decimals, never cents
        assertThat(raw.body()).contains("\"amount\":30.00,").contains("\"revenue\":150.00,");
        JsonNode list = raw.json();
        assertThat(list.path("totals").path("payments").asInt()).isEqualTo(5);
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("150.00");
        assertThat(payment(list, "pi_p3").path("amount").decimalValue()).isEqualByComparingTo("30.00");
        assertThat(payment(list, "pi_p3").path("attribution").path("channel").asString())
                .isEqualTo("Unknown");
    }

    @Test
    void rate_limits_are_retried_with_backoff() {
        Shop shop = connectedShop();
        shop.stripe().add("charges", charge("ch_rl1", "pi_rl1", 2500, "usd", now() - 60, 0, null, null, null));
        STRIPE.requests.clear();
        STRIPE.rateLimitNext.set(2);
        JsonNode status = syncAndWait(shop.owner(), shop.site(), "stripe");
        assertThat(status.path("sync").path("state").asString())
                .as(status.toString())
                .isEqualTo("succeeded");
        assertThat(status.path("payments_synced").asLong()).isEqualTo(1);
        assertThat(STRIPE.requests.stream().filter(r -> r.startsWith("/v1/checkout/sessions")))
                .hasSize(3);
    }

    @Test
    void dropped_connections_are_retried() {
        Shop shop = connectedShop();
        shop.stripe().add("charges", charge("ch_net1", "pi_net1", 1500, "usd", now() - 60, 0, null, null, null));
        STRIPE.requests.clear();
        STRIPE.dropNext.set(2);
        JsonNode status = syncAndWait(shop.owner(), shop.site(), "stripe");
        STRIPE.dropNext.set(0);
        assertThat(status.path("sync").path("state").asString())
                .as(status.toString())
                .isEqualTo("succeeded");
        assertThat(status.path("payments_synced").asLong()).isEqualTo(1);
    }

    @Test
    void rate_limits_that_never_end_fail_the_sync_with_a_clear_error() {
        Shop shop = connectedShop();
        STRIPE.rateLimitNext.set(Backoff.MAX_ATTEMPTS);
        JsonNode status = syncAndWait(shop.owner(), shop.site(), "stripe");
        STRIPE.rateLimitNext.set(0);
        assertThat(status.path("sync").path("state").asString()).isEqualTo("failed");
        assertThat(status.path("last_error").asString()).contains("too many requests");
        assertThat(status.path("last_synced_at").isNull()).isTrue();
    }

    @Test
    void refunds_reduce_revenue_including_refunds_of_charges_older_than_the_sync_window() {
        Shop shop = connectedShop();
        long t = now() - 600;
        shop.stripe().add("charges", charge("ch_full", "pi_full", 5000, "usd", t, 5000, null, null, null));
        shop.stripe().add("charges", charge("ch_part", "pi_part", 4000, "usd", t, 1500, null, null, null));
        shop.stripe().add("charges", charge("ch_kept", "pi_kept", 2000, "usd", t, 0, null, null, null));
        // a charge from two years ago (outside the first sync's 12 months) refunded today
        long old = now() - 2L * 365 * 86400;
        shop.stripe().add("charges", charge("ch_old", null, 3000, "usd", old, 1000, null, null, null));
        shop.stripe().add("refunds", refund("re_old", "ch_old", null, 1000, now() - 60));

        syncAndWait(shop.owner(), shop.site(), "stripe");
        JsonNode list = payments(shop.owner(), shop.site());
        assertThat(payment(list, "pi_full").path("net").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(payment(list, "pi_part").path("refunded").decimalValue()).isEqualByComparingTo("15.00");
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("45.00");
        assertThat(list.path("totals").path("refunds").decimalValue()).isEqualByComparingTo("65.00");

        ApiClient.Response old2y =
                shop.owner().get("/api/v1/payments?site_id=" + shop.site() + "&start=2020-01-01&end=2099-12-31");
        JsonNode oldCharge = payment(old2y.json(), "ch_old");
        assertThat(oldCharge.path("refunded").decimalValue()).isEqualByComparingTo("10.00");
        assertThat(oldCharge.path("net").decimalValue()).isEqualByComparingTo("20.00");
    }

    @Test
    void a_charge_in_another_currency_carries_its_settlement_amount_in_the_sites_currency() {
        Shop shop = connectedShop();
        long t = now() - 600;
        shop.stripe().put(balanceTransaction("txn_eur", 5400, "usd", t));
        shop.stripe().add("charges", charge("ch_eur", "pi_eur", 5000, "eur", t, 0, "txn_eur", null, null));
        shop.stripe().put(balanceTransaction("txn_usd", 1000, "usd", t));
        shop.stripe().add("charges", charge("ch_usd", "pi_usd", 1000, "usd", t, 0, "txn_usd", null, null));
        syncAndWait(shop.owner(), shop.site(), "stripe");
        JsonNode list = payments(shop.owner(), shop.site());
        JsonNode eur = payment(list, "pi_eur");
        assertThat(eur.path("amount").decimalValue()).isEqualByComparingTo("50.00");
        assertThat(eur.path("currency").asString()).isEqualTo("EUR");
        assertThat(eur.path("settlement_amount").decimalValue()).isEqualByComparingTo("54.00");
        assertThat(eur.path("settlement_currency").asString()).isEqualTo("USD");
        assertThat(eur.path("revenue").decimalValue()).isEqualByComparingTo("54.00");
        assertThat(payment(list, "pi_usd").path("settlement_amount").isNull()).isTrue();
        assertThat(list.path("totals").path("revenue").decimalValue()).isEqualByComparingTo("64.00");
    }

    @Test
    void checkout_metadata_attributes_the_payment_to_the_visitors_channel_and_utm() {
        Shop shop = connectedShop();
        ApiClient visitor = newClient();
        String v = unique("v");
        // an email campaign visit, then a later direct visit that ends in the purchase
        pageview(
                visitor,
                shop.site(),
                v,
                v + "-s1",
                "https://shop.example/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
                null);
        pageview(visitor, shop.site(), v, v + "-s2", "https://shop.example/checkout", null);
        awaitEvents(shop.site(), 2);
        long t = now() + 2;
        // Checkout copied the cookies into the session's metadata only (not onto the PaymentIntent or Charge)
        shop.stripe()
                .add(
                        "checkout_sessions",
                        checkoutSession(
                                "cs_1",
                                "pi_cs1",
                                null,
                                null,
                                4900,
                                "usd",
                                t,
                                null,
                                Map.of("datasaas_visitor_id", v, "datasaas_session_id", v + "-s1")));
        shop.stripe().add("payment_intents", paymentIntent("pi_cs1", 4900, "usd", t, null, Map.of()));
        shop.stripe().add("charges", charge("ch_cs1", "pi_cs1", 4900, "usd", t, 0, null, null, Map.of()));
        // a second purchase naming only the visitor: credited to their last non-direct session
        shop.stripe()
                .add("payment_intents", paymentIntent("pi_v", 900, "usd", t, null, Map.of("datasaas_visitor_id", v)));
        shop.stripe().add("charges", charge("ch_v", "pi_v", 900, "usd", t, 0, null, null, Map.of()));

        syncAndWait(shop.owner(), shop.site(), "stripe");
        JsonNode list = payments(shop.owner(), shop.site());
        JsonNode p = payment(list, "pi_cs1");
        assertThat(p.path("visitor_id").asString()).isEqualTo(v);
        assertThat(p.path("link").asString()).isEqualTo("metadata");
        JsonNode a = p.path("attribution");
        assertThat(a.path("rule").asString()).isEqualTo("session");
        assertThat(a.path("session_id").asString()).isEqualTo(v + "-s1");
        assertThat(a.path("channel").asString()).isEqualTo("Email");
        assertThat(a.path("utm_source").asString()).isEqualTo("newsletter");
        assertThat(a.path("utm_medium").asString()).isEqualTo("email");
        assertThat(a.path("utm_campaign").asString()).isEqualTo("spring");
        assertThat(a.path("landing_page").asString()).isEqualTo("/pricing");
        assertThat(a.path("device_type").asString()).isEqualToIgnoringCase("desktop");

        JsonNode second = payment(list, "pi_v").path("attribution");
        assertThat(second.path("rule").asString()).isEqualTo("last_non_direct");
        assertThat(second.path("session_id").asString()).isEqualTo(v + "-s1");
        assertThat(second.path("channel").asString()).isEqualTo("Email");
    }

    @Test
    void client_reference_id_and_earlier_payments_of_the_customer_link_subscriptions_and_renewals() {
        Shop shop = connectedShop();
        ApiClient visitor = newClient();
        String v = unique("v");
        pageview(visitor, shop.site(), v, v + "-s1", "https://shop.example/", "https://www.google.com/");
        awaitEvents(shop.site(), 1);
        long t = now() + 2;
        shop.stripe()
                .add("checkout_sessions", checkoutSession("cs_sub", null, "in_1", "sub_1", 1900, "usd", t, v, null));
        shop.stripe()
                .add("invoices", invoice("in_1", "pi_in1", 1900, "usd", t, "cus_1", "sub_1", "subscription_create"));
        shop.stripe().add("charges", charge("ch_in1", "pi_in1", 1900, "usd", t, 0, null, "cus_1", null));
        // the renewal a month later carries no metadata at all
        shop.stripe()
                .add("invoices", invoice("in_2", "pi_in2", 1900, "usd", t + 5, "cus_1", "sub_2", "subscription_cycle"));
        shop.stripe().add("charges", charge("ch_in2", "pi_in2", 1900, "usd", t + 5, 0, null, "cus_1", null));
        // a one-off purchase by a customer whose Stripe customer object carries the visitor id
        shop.stripe().put(customer("cus_meta", Map.of("datasaas_visitor_id", v)));
        shop.stripe().add("charges", charge("ch_cm", null, 700, "usd", t + 6, 0, null, "cus_meta", null));

        syncAndWait(shop.owner(), shop.site(), "stripe");
        JsonNode list = payments(shop.owner(), shop.site());
        JsonNode first = payment(list, "pi_in1");
        assertThat(first.path("link").asString()).isEqualTo("client_reference");
        assertThat(first.path("renewal").asBoolean()).isFalse();
        assertThat(first.path("attribution").path("channel").asString()).isEqualTo("Organic Search");
        JsonNode renewal = payment(list, "pi_in2");
        assertThat(renewal.path("renewal").asBoolean()).isTrue();
        assertThat(renewal.path("link").asString()).isEqualTo("customer");
        assertThat(renewal.path("visitor_id").asString()).isEqualTo(v);
        assertThat(renewal.path("attribution").path("channel").asString()).isEqualTo("Organic Search");
        JsonNode byCustomerMetadata = payment(list, "ch_cm");
        assertThat(byCustomerMetadata.path("link").asString()).isEqualTo("metadata");
        assertThat(byCustomerMetadata
                        .path("attribution")
                        .path("referrer_domain")
                        .asString())
                .contains("google");
    }
}
