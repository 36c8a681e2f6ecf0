package com.datasaas.stats;

import static com.datasaas.events.TestEvent.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.TestEvent;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Revenue metrics of the stats API over real HTTP: events go into the store, payments through POST /api/v1/payments
 * naming the visitor and session, and overview, timeseries and breakdown must show exactly those payments.
 */
class RevenueStatsApiTest extends RunningApp {
    private static final String REVENUE_METRICS =
            "visitors,revenue,payments,paying_visitors,revenue_per_visitor,purchase_conversion_rate,refunds";

    @Autowired
    EventStore store;

    private ApiClient owner;
    private String site;

    @BeforeEach
    void shop() {
        owner = newAccount();
        site = owner.createWebsite(unique("shop") + ".example.com");
        List<Event> batch = new ArrayList<>();
        for (TestEvent e : List.of(
                pageview(site, "2026-05-10T10:00:00Z", "A", "a1", "/pricing")
                        .channel("Organic Search")
                        .referrerSource("Google")
                        .referrerDomain("www.google.com")
                        .country("US"),
                pageview(site, "2026-05-10T15:00:00Z", "B", "b1", "/blog")
                        .channel("Paid Search")
                        .utmSource("google")
                        .country("DE"),
                pageview(site, "2026-05-10T16:00:00Z", "C", "c1", "/").country("US"),
                pageview(site, "2026-05-09T08:00:00Z", "D", "d1", "/").country("US"))) {
            batch.add(e.build());
        }
        store.append(batch);
        pay("p1", "49.00", "A", "a1", "2026-05-10T10:30:00Z", null);
        pay("p2", "30.00", "B", "b1", "2026-05-10T15:30:00Z", null);
        pay("p2", "30.00", "B", "b1", "2026-05-10T15:30:00Z", "10.00"); // partial refund
        pay("p3", "25.50", "A", "a1", "2026-05-10T11:10:00Z", null);
        pay("p4", "7.00", null, null, "2026-05-10T12:00:00Z", null); // unattributed
        pay("p5", "100.00", "C", "c1", "2026-05-10T16:30:00Z", "100.00"); // fully refunded
    }

    private void pay(String id, String amount, String visitor, String session, String at, String refunded) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", new BigDecimal(amount));
        body.put("currency", "USD");
        body.put("transaction_id", id);
        if (visitor != null) body.put("visitor_id", visitor);
        if (session != null) body.put("session_id", session);
        body.put("timestamp", at);
        if (refunded != null) body.put("refunded", new BigDecimal(refunded));
        ApiClient.Response r = owner.post("/api/v1/payments?site_id=" + site, body);
        assertThat(r.status()).as(r.toString()).isIn(200, 201);
    }

    private JsonNode get(ApiClient client, String path) {
        ApiClient.Response r = client.get(path);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private String range(String start, String end) {
        return "site_id=" + site + "&start=" + start + "&end=" + end + "&timezone=UTC";
    }

    @Test
    void overview_totals_equal_the_payments_and_refunds_reduce_revenue() {
        ApiClient.Response r = owner.get("/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&metrics="
                + REVENUE_METRICS + "&compare=previous_period");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        // money is a JSON number in currency units with two decimals, never cents
        assertThat(r.body()).contains("\"revenue\":101.50").contains("\"refunds\":110.00");
        JsonNode results = r.json().path("results");
        assertThat(results.path("visitors").asLong()).isEqualTo(3);
        // 49.00 + (30.00 - 10.00) + 25.50 + 7.00 + (100.00 - 100.00)
        assertThat(results.path("revenue").decimalValue()).isEqualByComparingTo("101.50");
        assertThat(results.path("refunds").decimalValue()).isEqualByComparingTo("110.00");
        assertThat(results.path("payments").asLong()).isEqualTo(4);
        assertThat(results.path("paying_visitors").asLong()).isEqualTo(2);
        assertThat(results.path("revenue_per_visitor").decimalValue()).isEqualByComparingTo("33.83");
        assertThat(results.path("purchase_conversion_rate").asDouble()).isEqualTo(66.7);
        assertThat(r.json().path("previous").path("revenue").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(r.json().path("meta").path("currency").asString()).isEqualTo("USD");
        assertThat(r.json().path("meta").path("metrics").toString()).contains("revenue");
    }

    @Test
    void a_refund_arriving_later_lowers_revenue_in_stats() {
        String url = "/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&metrics=revenue,refunds";
        assertThat(get(owner, url).path("results").path("revenue").decimalValue())
                .isEqualByComparingTo("101.50");
        pay("p1", "49.00", "A", "a1", "2026-05-10T10:30:00Z", "49.00");
        JsonNode after = get(owner, url).path("results");
        assertThat(after.path("revenue").decimalValue()).isEqualByComparingTo("52.50");
        assertThat(after.path("refunds").decimalValue()).isEqualByComparingTo("159.00");
    }

    @Test
    void timeseries_buckets_revenue_by_payment_time() {
        JsonNode days = get(
                        owner,
                        "/api/v1/timeseries?" + range("2026-05-09", "2026-05-10")
                                + "&interval=day&metrics=visitors,revenue,payments")
                .path("results");
        assertThat(days.size()).isEqualTo(2);
        assertThat(days.get(0).path("revenue").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(days.get(1).path("revenue").decimalValue()).isEqualByComparingTo("101.50");
        assertThat(days.get(1).path("payments").asLong()).isEqualTo(4);
        assertThat(days.get(1).path("visitors").asLong()).isEqualTo(3);

        JsonNode hours = get(
                        owner,
                        "/api/v1/timeseries?" + range("2026-05-10", "2026-05-10") + "&interval=hour&metrics=revenue")
                .path("results");
        assertThat(hours.size()).isEqualTo(24);
        assertThat(hours.get(10).path("revenue").decimalValue()).isEqualByComparingTo("49.00");
        assertThat(hours.get(11).path("revenue").decimalValue()).isEqualByComparingTo("25.50");
        assertThat(hours.get(12).path("revenue").decimalValue()).isEqualByComparingTo("7.00");
        assertThat(hours.get(15).path("revenue").decimalValue()).isEqualByComparingTo("20.00");
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode h : hours) sum = sum.add(h.path("revenue").decimalValue());
        assertThat(sum).isEqualByComparingTo("101.50");
    }

    @Test
    void breakdown_by_channel_sums_to_total_revenue_with_unattributed_payments_as_unknown() {
        JsonNode total = get(owner, "/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&metrics=revenue");
        JsonNode rows = get(
                        owner,
                        "/api/v1/breakdown?" + range("2026-05-10", "2026-05-10")
                                + "&dimension=channel&metrics=revenue,visitors,payments")
                .path("results");
        Map<String, BigDecimal> byChannel = new LinkedHashMap<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode row : rows) {
            byChannel.put(row.path("channel").asString(), row.path("revenue").decimalValue());
            sum = sum.add(row.path("revenue").decimalValue());
        }
        assertThat(sum)
                .isEqualByComparingTo(total.path("results").path("revenue").decimalValue());
        assertThat(byChannel.keySet()).containsExactly("Organic Search", "Paid Search", "Unknown", "Direct");
        assertThat(byChannel.get("Organic Search")).isEqualByComparingTo("74.50");
        assertThat(byChannel.get("Paid Search")).isEqualByComparingTo("20.00");
        assertThat(byChannel.get("Unknown")).isEqualByComparingTo("7.00");
        assertThat(byChannel.get("Direct")).isEqualByComparingTo("0.00");
        assertThat(rows.get(2).path("visitors").asLong()).isZero();

        // the raw body: money keeps its two decimals on the wire
        ApiClient.Response countries = owner.get("/api/v1/breakdown?" + range("2026-05-10", "2026-05-10")
                + "&dimension=country&metrics=visitors,revenue&order_by=country:asc");
        assertThat(countries.body())
                .contains("{\"country\":\"DE\",\"visitors\":1,\"revenue\":20.00}")
                .contains("{\"country\":\"US\",\"visitors\":2,\"revenue\":74.50}")
                .contains("{\"country\":\"Unknown\",\"visitors\":0,\"revenue\":7.00}");
        JsonNode landing = get(
                        owner,
                        "/api/v1/breakdown?" + range("2026-05-10", "2026-05-10")
                                + "&dimension=entry_page&metrics=revenue&limit=1")
                .path("results");
        assertThat(landing.size()).isEqualTo(1);
        assertThat(landing.get(0).path("entry_page").asString()).isEqualTo("/pricing");
        assertThat(landing.get(0).path("revenue").decimalValue()).isEqualByComparingTo("74.50");
    }

    @Test
    void filters_apply_to_the_payments_attributes() {
        JsonNode us = get(
                        owner,
                        "/api/v1/overview?" + range("2026-05-10", "2026-05-10")
                                + "&metrics=visitors,revenue,paying_visitors&country%5Bis%5D=US")
                .path("results");
        assertThat(us.path("visitors").asLong()).isEqualTo(2);
        assertThat(us.path("revenue").decimalValue()).isEqualByComparingTo("74.50");
        assertThat(us.path("paying_visitors").asLong()).isEqualTo(1);
        JsonNode notUs = get(
                        owner,
                        "/api/v1/overview?" + range("2026-05-10", "2026-05-10")
                                + "&metrics=revenue&country%5Bis_not%5D=US")
                .path("results");
        assertThat(notUs.path("revenue").decimalValue()).isEqualByComparingTo("27.00"); // DE 20.00 + Unknown 7.00
        JsonNode paid = get(
                        owner,
                        "/api/v1/timeseries?" + range("2026-05-10", "2026-05-10")
                                + "&interval=hour&metrics=revenue&channel%5Bis%5D=Paid%20Search")
                .path("results");
        assertThat(paid.get(15).path("revenue").decimalValue()).isEqualByComparingTo("20.00");
        assertThat(paid.get(10).path("revenue").decimalValue()).isEqualByComparingTo("0.00");
    }

    @Test
    void dimensions_payments_do_not_carry_are_refused_with_revenue_metrics() {
        ApiClient.Response byPath = owner.get("/api/v1/breakdown?" + range("2026-05-10", "2026-05-10")
                + "&dimension=pathname&metrics=visitors,revenue");
        assertThat(byPath.status()).isEqualTo(400);
        assertThat(byPath.errorMessage()).contains("'revenue'").contains("'pathname'");
        ApiClient.Response filtered = owner.get(
                "/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&metrics=revenue&pathname%5Bis%5D=/pricing");
        assertThat(filtered.status()).isEqualTo(400);
        assertThat(filtered.errorMessage()).contains("'pathname'");
        // without revenue metrics nothing changes
        assertThat(owner.get("/api/v1/breakdown?" + range("2026-05-10", "2026-05-10") + "&dimension=pathname")
                        .status())
                .isEqualTo(200);
        assertThat(owner.get("/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&metrics=money")
                        .errorMessage())
                .contains("revenue_per_visitor");
    }

    @Test
    void a_read_key_reads_revenue_and_another_account_gets_404() {
        String read = owner.post("/api/api-keys", Map.of("name", "r", "scope", "read"))
                .json()
                .path("key")
                .asString();
        ApiClient reader = newClient().withBearer(read);
        JsonNode r = get(reader, "/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&metrics=revenue");
        assertThat(r.path("results").path("revenue").decimalValue()).isEqualByComparingTo("101.50");
        ApiClient stranger = newAccount();
        assertThat(stranger.get("/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&metrics=revenue")
                        .status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/v1/breakdown?" + range("2026-05-10", "2026-05-10")
                                + "&dimension=channel&metrics=revenue")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void payments_appear_in_the_realtime_feed_newest_first_with_their_visitors_location() {
        ApiClient.Response r = owner.get("/api/websites/" + site + "/realtime-map/events?limit=4");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode events = r.json().path("events");
        assertThat(events.size()).isEqualTo(4);
        // 16:30 p5 (refunded in full), 16:00 C's pageview, 15:30 p2, 15:00 B's pageview
        assertThat(events.get(0).path("type").asString()).isEqualTo("payment");
        assertThat(events.get(0).path("timestamp").asString()).isEqualTo("2026-05-10T16:30:00Z");
        assertThat(events.get(1).path("type").asString()).isEqualTo("pageview");
        JsonNode p2 = events.get(2);
        assertThat(p2.path("type").asString()).isEqualTo("payment");
        assertThat(p2.path("amount").decimalValue()).isEqualByComparingTo("20.00");
        assertThat(p2.path("currency").asString()).isEqualTo("USD");
        assertThat(p2.path("country").asString()).isEqualTo("DE");
        assertThat(p2.path("channel").asString()).isEqualTo("Paid Search");
        assertThat(r.body()).contains("\"amount\":20.00");
        assertThat(newAccount()
                        .get("/api/websites/" + site + "/realtime-map/events")
                        .status())
                .isEqualTo(404);
    }
}
