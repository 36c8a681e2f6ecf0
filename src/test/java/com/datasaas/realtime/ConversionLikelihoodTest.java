package com.datasaas.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.EventType;
import com.datasaas.events.IdKeys;
import com.datasaas.events.TestEvent;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.DuckDbDialect;
import com.datasaas.sql.GoldenSql;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Conversion likelihood on a crafted history whose rates are known: 40 desktop/Windows/Chrome/US/Google visitors of
 * whom 10 completed a goal, 5 of the same from Germany who all did, 20 mobile/iOS/Safari/US visitors without a
 * referrer of whom two paid (30.00 and 70.00), and a customer who paid two months ago. Every expected score below is
 * that arithmetic.
 */
class ConversionLikelihoodTest extends RunningApp {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/140.0.0.0 Safari/537.36";

    @Autowired
    EventStore store;

    @Autowired
    Cohorts cohorts;

    @Autowired
    Websites websites;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Instant twoDaysAgo = now.minus(Duration.ofDays(2));

    private static List<String> dims(String device, String os, String browser, String country, String referrer) {
        return Arrays.asList(device, os, browser, country, referrer);
    }

    private Event visit(String site, String visitor, List<String> d, EventType type, String goal, Instant at) {
        String referrer = d.get(4);
        return TestEvent.of(site, at, type, visitor, visitor + "-s")
                .goalName(goal)
                .hostname("shop.example")
                .referrerSource(referrer)
                .referrerDomain(referrer == null ? null : "www." + referrer.toLowerCase() + ".com")
                .channel(referrer == null ? "Direct" : "Organic Search")
                .deviceType(d.get(0))
                .browser(d.get(2))
                .browserVersion("1")
                .os(d.get(1))
                .osVersion("1")
                .country(d.get(3))
                .build();
    }

    /** {@code count} visitors of one cohort, the first {@code converters} of them with a goal. */
    private void cohort(List<Event> out, String site, String prefix, int count, int converters, List<String> d) {
        for (int i = 0; i < count; i++) {
            String visitor = prefix + i;
            out.add(visit(site, visitor, d, EventType.PAGEVIEW, null, twoDaysAgo.plusSeconds(i)));
            if (i < converters) {
                out.add(visit(site, visitor, d, EventType.GOAL, "signup", twoDaysAgo.plusSeconds(i + 1)));
            }
        }
    }

    private void pay(ApiClient owner, String site, String id, String amount, String visitor, Instant at) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", new BigDecimal(amount));
        body.put("currency", "USD");
        body.put("transaction_id", id);
        body.put("visitor_id", visitor);
        body.put("timestamp", at.toString());
        ApiClient.Response r = owner.post("/api/v1/payments?site_id=" + site, body);
        assertThat(r.status()).as(r.toString()).isIn(200, 201);
    }

    private Website website(String id) {
        return websites.tracked(id).orElseThrow().website();
    }

    @Test
    void scores_are_the_conversion_rates_of_the_most_specific_cohort_large_enough() {
        ApiClient owner = newAccount();
        String domain = unique("shop") + ".example.com";
        String site = owner.createWebsite(domain);
        List<Event> history = new ArrayList<>();
        cohort(history, site, "a", 40, 10, dims("desktop", "Windows", "Chrome", "US", "Google"));
        cohort(history, site, "b", 5, 5, dims("desktop", "Windows", "Chrome", "DE", "Google"));
        cohort(history, site, "c", 20, 0, dims("mobile", "iOS", "Safari", "US", null));
        store.append(history);
        pay(owner, site, "t1", "30.00", "c0", twoDaysAgo.plusSeconds(600));
        pay(owner, site, "t2", "70.00", "c1", twoDaysAgo.plusSeconds(700));
        pay(owner, site, "t3", "60.00", "old-customer", now.minus(Duration.ofDays(60)));

        Cohorts.History h = cohorts.of(website(site), now);
        long stranger = IdKeys.of(site, "live-stranger");

        // All five dimensions: 10 of 40.
        ConversionLikelihood full = h.score(stranger, dims("desktop", "Windows", "Chrome", "US", "Google"));
        assertThat(full.score()).isEqualTo(25);
        assertThat(full.matchedDimensions()).containsExactly("device_type", "os", "browser", "country", "referrer");
        assertThat(full.cohortVisitors()).isEqualTo(40);
        assertThat(full.confidence()).isEqualTo("low");
        assertThat(full.revenuePerVisitor()).isEqualByComparingTo("0.00");
        assertThat(full.customer()).isFalse();

        // Germany has only 5 past visitors: country is dropped, 15 of 45.
        ConversionLikelihood noCountry = h.score(stranger, dims("desktop", "Windows", "Chrome", "DE", "Google"));
        assertThat(noCountry.score()).isEqualTo(33);
        assertThat(noCountry.matchedDimensions()).containsExactly("device_type", "os", "browser", "referrer");
        assertThat(noCountry.cohortVisitors()).isEqualTo(45);

        // Firefox never seen: browser dropped too.
        ConversionLikelihood noBrowser = h.score(stranger, dims("desktop", "Windows", "Firefox", "FR", "Google"));
        assertThat(noBrowser.score()).isEqualTo(33);
        assertThat(noBrowser.matchedDimensions()).containsExactly("device_type", "os", "referrer");

        // Linux never seen: device and referrer remain.
        ConversionLikelihood deviceAndReferrer = h.score(stranger, dims("desktop", "Linux", "Chrome", "US", "Google"));
        assertThat(deviceAndReferrer.matchedDimensions()).containsExactly("device_type", "referrer");
        assertThat(deviceAndReferrer.score()).isEqualTo(33);

        // Referrer alone, no device: 45 Google visitors.
        ConversionLikelihood referrerOnly = h.score(stranger, dims("tablet", "Android", "Chrome", "US", "Google"));
        assertThat(referrerOnly.matchedDimensions()).containsExactly("referrer");
        assertThat(referrerOnly.score()).isEqualTo(33);

        // The 20 mobile visitors are under the minimum at every level: the site baseline, 17 of 65 (two payers and
        // 15 goal completers), 100.00 / 65 = 1.54 per visitor.
        ConversionLikelihood baseline = h.score(stranger, dims("mobile", "iOS", "Safari", "US", null));
        assertThat(baseline.matchedDimensions()).isEmpty();
        assertThat(baseline.cohortVisitors()).isEqualTo(65);
        assertThat(baseline.score()).isEqualTo(26);
        assertThat(baseline.revenuePerVisitor()).isEqualByComparingTo("1.54");
        assertThat(baseline.confidence()).isEqualTo("low");

        // Customers: a payer of the window and one who paid before it.
        for (String customer : List.of("c0", "c1", "old-customer")) {
            ConversionLikelihood c = h.score(IdKeys.of(site, customer), dims("mobile", "iOS", "Safari", "US", null));
            assertThat(c.score()).as(customer).isEqualTo(100);
            assertThat(c.customer()).isTrue();
            assertThat(c.confidence()).isEqualTo("high");
        }

        // The realtime map carries it: a live customer scores 100, a live stranger gets a score from the same groups.
        send(site, domain, "c1");
        send(site, domain, "live-stranger");
        JsonNode visitors = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            visitors =
                    owner.get("/api/websites/" + site + "/realtime-map").json().path("visitors");
            boolean detailed = visitors.size() == 2
                    && !visitors.get(0).path("conversion_likelihood").isNull()
                    && !visitors.get(1).path("conversion_likelihood").isNull();
            if (detailed) break;
            sleep();
        }
        assertThat(visitors.size()).isEqualTo(2);
        Map<String, JsonNode> byVisitor = new LinkedHashMap<>();
        for (JsonNode v : visitors) byVisitor.put(v.path("visitor").asString(), v.path("conversion_likelihood"));
        JsonNode customer = byVisitor.get(Long.toHexString(IdKeys.of(site, "c1")));
        assertThat(customer.path("score").asInt()).isEqualTo(100);
        assertThat(customer.path("customer").asBoolean()).isTrue();
        JsonNode live = byVisitor.get(Long.toHexString(stranger));
        // Chrome on Windows from a documentation address: no country, no referrer; no cohort reaches 30 visitors.
        assertThat(live.path("score").asInt()).isEqualTo(26);
        assertThat(live.path("matched_dimensions").size()).isZero();
        assertThat(live.path("confidence").asString()).isEqualTo("low");
    }

    @Test
    void a_visitor_who_pays_while_on_the_map_is_a_customer_at_once_not_when_the_cache_expires() {
        ApiClient owner = newAccount();
        String domain = unique("buyer") + ".example.com";
        String site = owner.createWebsite(domain);
        send(site, domain, "buyer");
        String buyer = Long.toHexString(IdKeys.of(site, "buyer"));
        JsonNode before = likelihoodOnMap(owner, site, buyer);
        assertThat(before.path("customer").asBoolean()).isFalse();
        assertThat(before.path("score").asInt()).isLessThan(100);

        // The groups were just computed and cached for a minute; the payment must show on the next poll.
        pay(owner, site, "just-paid", "49.00", "buyer", Instant.now());
        JsonNode after =
                owner.get("/api/websites/" + site + "/realtime-map").json().path("visitors");
        assertThat(after.size()).isEqualTo(1);
        JsonNode likelihood = after.get(0).path("conversion_likelihood");
        assertThat(likelihood.path("customer").asBoolean())
                .as(likelihood.toString())
                .isTrue();
        assertThat(likelihood.path("score").asInt()).isEqualTo(100);
        // The cached groups were updated in place, not recomputed: the buyer is their only customer.
        assertThat(cohorts.of(website(site), Instant.now()).customers()).containsExactly(IdKeys.of(site, "buyer"));
    }

    /** The map's likelihood for one live visitor, once the map lists them with it. */
    private JsonNode likelihoodOnMap(ApiClient owner, String site, String visitorHex) {
        for (int attempt = 0; attempt < 100; attempt++) {
            for (JsonNode v :
                    owner.get("/api/websites/" + site + "/realtime-map").json().path("visitors")) {
                if (v.path("visitor").asString().equals(visitorHex)
                        && !v.path("conversion_likelihood").isNull()) {
                    return v.path("conversion_likelihood");
                }
            }
            sleep();
        }
        throw new AssertionError("visitor " + visitorHex + " never showed on the realtime map with a likelihood");
    }

    @Test
    void a_site_without_history_scores_the_empty_baseline_with_low_confidence() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite(unique("empty") + ".example.com");
        ConversionLikelihood none =
                cohorts.of(website(site), now).score(1L, dims("desktop", "Windows", "Chrome", "US", "Google"));
        assertThat(none.score()).isZero();
        assertThat(none.confidence()).isEqualTo("low");
        assertThat(none.matchedDimensions()).isEmpty();
        assertThat(none.cohortVisitors()).isZero();
        assertThat(none.customer()).isFalse();
    }

    @Test
    void confidence_grows_with_the_cohort_and_the_baseline_stays_below_high() {
        assertThat(Cohorts.confidence(99, false)).isEqualTo("low");
        assertThat(Cohorts.confidence(100, false)).isEqualTo("medium");
        assertThat(Cohorts.confidence(999, false)).isEqualTo("medium");
        assertThat(Cohorts.confidence(1000, false)).isEqualTo("high");
        assertThat(Cohorts.confidence(50_000, true)).isEqualTo("medium");
        assertThat(Cohorts.confidence(20, true)).isEqualTo("low");
    }

    @Test
    void the_cohort_query_is_one_grouped_query_printed_by_both_dialects() {
        Instant until = Instant.parse("2026-03-08T12:00:00Z");
        Instant from = until.minus(Cohorts.HISTORY);
        CompiledQuery duck = new DuckDbDialect().print(Cohorts.cohortQuery("mrf_site", from, until, List.of(7L, 9L)));
        GoldenSql.assertGolden("duckdb", "conversion_cohorts.sql", duck);
        assertThat(duck.parameters()).hasSize(5);
        // The file is also run on ClickHouse 18.16 and on a current ClickHouse (ClickHouseCurrentEngineTest).
        CompiledQuery clickHouse = new ClickHouseDialect(new ClickHouseSessions())
                .print(Cohorts.cohortQuery("mrf_site", from, until, List.of(7L, 9L)));
        GoldenSql.assertGolden("clickhouse", "conversion_cohorts.sql", clickHouse);
        assertThat(clickHouse.parameters()).isEmpty();
        assertThat(clickHouse.sql()).doesNotContain("?").contains("IN (7, 9)");
        // No payer: no payer column.
        assertThat(new DuckDbDialect()
                        .print(Cohorts.cohortQuery("mrf_site", from, until, List.of()))
                        .sql())
                .doesNotContain("payer");
    }

    private void send(String site, String domain, String visitor) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("website_id", site);
        event.put("visitor_id", visitor);
        event.put("session_id", visitor + "-live");
        event.put("url", "https://" + domain + "/pricing");
        ApiClient client = newClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                .header("Content-Type", "application/json")
                .header("User-Agent", CHROME)
                .header("X-Forwarded-For", uniqueAddress())
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(event)));
        assertThat(client.raw(request).status()).isEqualTo(202);
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
