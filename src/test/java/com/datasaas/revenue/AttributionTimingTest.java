package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class AttributionTimingTest extends RevenueTestSupport {

    @Autowired
    RevenueSync sync;

    @Autowired
    PaymentFacts facts;

    @Test
    void a_payment_that_arrives_before_its_visitors_events_is_attributed_once_they_land() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String v = unique("v");
        ApiClient.Response early = owner.post(
                "/api/v1/payments?site_id=" + site,
                Map.of(
                        "amount",
                        25,
                        "currency",
                        "USD",
                        "transaction_id",
                        "early-1",
                        "visitor_id",
                        v,
                        "timestamp",
                        Instant.now().plusSeconds(30).toString()));
        assertThat(early.status()).isEqualTo(201);
        assertThat(early.json().path("attribution").path("channel").asString()).isEqualTo("Unknown");

        pageview(newClient(), site, v, v + "-s", "https://shop.example/?utm_source=newsletter&utm_medium=email", null);
        awaitEvents(site, 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String channel = "Unknown";
        while (System.nanoTime() < deadline && channel.equals("Unknown")) {
            sleep(200);
            channel = payment(payments(owner, site), "early-1")
                    .path("attribution")
                    .path("channel")
                    .asString();
        }
        assertThat(channel).isEqualTo("Email");
    }

    @Test
    void the_schedule_syncs_every_connected_site() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = stripeKey("Scheduled");
        STRIPE.accounts
                .get(key)
                .add("charges", FakeStripe.charge("ch_sched", "pi_sched", 700, "usd", now(), 0, null, null, null));
        assertThat(connect(owner, site, Map.of("provider", "stripe", "api_key", key))
                        .status())
                .isEqualTo(200);
        sync.scheduled();
        JsonNode status = awaitSync(owner, site, "stripe");
        assertThat(status.path("sync").path("state").asString()).isEqualTo("succeeded");
        assertThat(status.path("payments_synced").asLong()).isEqualTo(1);
    }

    @Test
    void payment_facts_carry_site_currency_amounts_and_session_attributes_that_sum_to_the_total() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String a = unique("a");
        String b = unique("b");
        pageview(newClient(), site, a, a + "-s", "https://shop.example/x?utm_source=newsletter&utm_medium=email", null);
        pageview(newClient(), site, b, b + "-s", "https://shop.example/y", "https://www.google.com/");
        awaitEvents(site, 2);
        String at = Instant.now().plusSeconds(2).toString();
        owner.post(
                "/api/v1/payments?site_id=" + site,
                Map.of("amount", 10, "currency", "USD", "transaction_id", "f1", "visitor_id", a, "timestamp", at));
        owner.post(
                "/api/v1/payments?site_id=" + site,
                Map.of(
                        "amount",
                        20,
                        "currency",
                        "USD",
                        "transaction_id",
                        "f2",
                        "visitor_id",
                        b,
                        "timestamp",
                        at,
                        "refunded",
                        5));
        owner.post(
                "/api/v1/payments?site_id=" + site,
                Map.of("amount", 40, "currency", "USD", "transaction_id", "f3", "timestamp", at));

        List<PaymentFacts.PaymentFact> list = facts.between(
                site, "USD", Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600));
        assertThat(list).hasSize(3);
        Map<String, Long> byChannel = list.stream()
                .collect(Collectors.groupingBy(
                        f -> f.channel() == null ? "Unknown" : f.channel(),
                        Collectors.summingLong(PaymentFacts.PaymentFact::revenueMinor)));
        assertThat(byChannel)
                .containsEntry("Email", 1000L)
                .containsEntry("Organic Search", 1500L)
                .containsEntry("Unknown", 4000L);
        assertThat(byChannel.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(payments(owner, site)
                        .path("totals")
                        .path("revenue")
                        .decimalValue()
                        .movePointRight(2)
                        .longValueExact());
        assertThat(list)
                .filteredOn(f -> "f2".equals(f.transactionId()))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.refundedMinor()).isEqualTo(500);
                    assertThat(f.landingPage()).isEqualTo("/y");
                    assertThat(f.browser()).containsIgnoringCase("chrome");
                });
    }
}
