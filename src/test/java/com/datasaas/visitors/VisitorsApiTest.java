package com.datasaas.visitors;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.EventType;
import com.datasaas.events.IdKeys;
import com.datasaas.events.TestEvent;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import com.datasaas.support.SessionMerge;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The visitors API on hand-built event sets. Expected numbers are computed here from the same list of events the
 * store was given (the oracle), never copied from an answer.
 */
class VisitorsApiTest extends RunningApp {
    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";

    @Autowired
    EventStore store;

    ApiClient owner;
    String site;
    /** Three days ago, UTC: every hand-built event lies in the three days from there. */
    Instant base;

    LocalDate day;
    final List<Event> events = new ArrayList<>();

    @BeforeEach
    void site() {
        owner = newAccount();
        site = owner.createWebsite("example.com");
        day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        base = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    // ---------------------------------------------------------------- hand-built events

    Event event(
            String siteId,
            EventType type,
            String visitor,
            String session,
            Instant ts,
            String path,
            String goal,
            String country,
            String browser,
            String referrerSource,
            Long durationMs,
            Integer scroll) {
        return TestEvent.of(siteId, ts, type, visitor, session)
                .goalName(goal)
                .path(path)
                .title("Title of " + path)
                .referrerSource(referrerSource)
                .referrerDomain(referrerSource == null ? null : referrerSource.toLowerCase() + ".com")
                .channel(referrerSource == null ? "Direct" : "Organic Search")
                .deviceType(browser.equals("Safari") ? "mobile" : "desktop")
                .browser(browser)
                .browserVersion("1")
                .os(browser.equals("Safari") ? "iOS" : "Windows")
                .country(country)
                .city(country + "-city")
                .durationMs(durationMs)
                .scrollDepth(scroll)
                .build();
    }

    Instant at(String hhmmss, int dayOffset) {
        return base.plus(dayOffset, ChronoUnit.DAYS)
                .plus(Duration.between(Instant.EPOCH, Instant.parse("1970-01-01T" + hhmmss + "Z")));
    }

    Event pageview(
            String visitor,
            String session,
            String time,
            int dayOffset,
            String path,
            String country,
            String browser,
            String referrer) {
        return event(
                site,
                EventType.PAGEVIEW,
                visitor,
                session,
                at(time, dayOffset),
                path,
                null,
                country,
                browser,
                referrer,
                null,
                null);
    }

    Event goal(
            String visitor, String session, String time, int dayOffset, String name, String country, String browser) {
        return event(
                site,
                EventType.GOAL,
                visitor,
                session,
                at(time, dayOffset),
                "/",
                name,
                country,
                browser,
                null,
                null,
                null);
    }

    Event leave(String visitor, String session, String time, int dayOffset, String path, long ms, int scroll) {
        return event(
                site,
                EventType.LEAVE,
                visitor,
                session,
                at(time, dayOffset),
                path,
                null,
                "DE",
                "Firefox",
                null,
                ms,
                scroll);
    }

    /** The site's hand-built traffic: an anonymous visitor on two days, one user on a phone and a laptop, and one more. */
    void traffic() {
        events.addAll(List.of(
                pageview("anon", "anon-s1", "10:00:00", 0, "/", "DE", "Firefox", "Google"),
                goal("anon", "anon-s1", "10:00:45", 0, "signup", "DE", "Firefox"),
                pageview("anon", "anon-s1", "10:01:30", 0, "/pricing", "DE", "Firefox", null),
                leave("anon", "anon-s1", "10:03:00", 0, "/pricing", 80_000, 70),
                event(
                        site,
                        EventType.HEARTBEAT,
                        "anon",
                        "anon-s1",
                        at("10:04:00", 0),
                        "/pricing",
                        null,
                        "DE",
                        "Firefox",
                        null,
                        null,
                        null),
                pageview("anon", "anon-s2", "09:00:00", 2, "/docs", "FR", "Firefox", null),
                pageview("phone", "phone-s1", "12:00:00", 1, "/", "GB", "Safari", "Twitter"),
                pageview("phone", "phone-s1", "12:00:40", 1, "/app", "GB", "Safari", null),
                pageview("laptop", "laptop-s1", "08:00:00", 2, "/", "GB", "Chrome", null),
                goal("laptop", "laptop-s1", "08:05:00", 2, "purchase", "GB", "Chrome"),
                pageview("early", "early-s1", "07:00:00", 0, "/blog", "US", "Chrome", null)));
        store.append(events);
    }

    /** Identifies through the public API (the pipeline's server steps) and waits for the identify event. */
    void identify(String visitor, Map<String, Object> body) {
        Map<String, Object> b = new LinkedHashMap<>(body);
        b.put("visitor_id", visitor);
        ApiClient.Response r = owner.post("/api/v1/identify?site_id=" + site, b);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        awaitCount(site, "visitor_id = '" + visitor + "' AND event_type = '_identify'", 1);
    }

    void awaitCount(String siteId, String where, long atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count(siteId, where) < atLeast) {
            if (System.nanoTime() > deadline) throw new AssertionError("no events where " + where);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        SessionMerge.await(store);
    }

    long count(String siteId, String where) {
        return store.query(
                        "SELECT count(*) FROM events WHERE site_id = ? AND " + where,
                        List.of(siteId),
                        (rs, i) -> rs.getLong(1))
                .get(0);
    }

    JsonNode list(String query) {
        ApiClient.Response r = owner.get("/api/v1/visitors?site_id=" + site + "&start=" + day + "&end="
                + day.plusDays(2) + "&timezone=UTC" + query);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    void pay(String visitor, String amount, String transaction, Instant when) {
        ApiClient.Response r = owner.post(
                "/api/v1/payments?site_id=" + site,
                Map.of(
                        "amount",
                        amount,
                        "currency",
                        "USD",
                        "transaction_id",
                        transaction,
                        "visitor_id",
                        visitor,
                        "timestamp",
                        when.toString()));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    /** The oracle: per visitor, from the hand-built list. */
    record Expected(long pageviews, long goals, Instant firstSeen, Instant lastSeen) {}

    Map<String, Expected> expectedByVisitor(List<String> visitors, Instant from, Instant until) {
        Map<String, Expected> out = new TreeMap<>();
        for (String v : visitors) {
            List<Event> counted = events.stream()
                    .filter(e -> e.visitorId().equals(v))
                    .filter(e -> e.type() == EventType.PAGEVIEW || e.type() == EventType.GOAL)
                    .filter(e -> !e.timestamp().isBefore(from) && e.timestamp().isBefore(until))
                    .toList();
            if (counted.isEmpty()) continue;
            out.put(
                    v,
                    new Expected(
                            counted.stream()
                                    .filter(e -> e.type() == EventType.PAGEVIEW)
                                    .count(),
                            counted.stream()
                                    .filter(e -> e.type() == EventType.GOAL)
                                    .count(),
                            counted.stream()
                                    .map(Event::timestamp)
                                    .min(Instant::compareTo)
                                    .orElseThrow(),
                            counted.stream()
                                    .map(Event::timestamp)
                                    .max(Instant::compareTo)
                                    .orElseThrow()));
        }
        return out;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void the_list_has_one_row_per_person_with_counts_revenue_and_profile_newest_first() {
        traffic();
        identify("phone", Map.of("user_id", "u-1", "name", "Ada", "properties", Map.of("plan", "free")));
        identify(
                "laptop",
                Map.of("user_id", "u-1", "email", "ada@example.com", "properties", Map.of("plan", "pro", "seats", 3)));
        pay("laptop", "49.00", "order-1", at("08:05:00", 2));
        pay("anon", "10.50", "order-2", at("10:02:00", 0));
        pay("anon", "99.00", "order-old", base.minus(Duration.ofDays(10))); // before the range: not its revenue here

        JsonNode answer = list("");
        JsonNode rows = answer.path("results");
        assertThat(answer.path("meta").path("total").asLong()).isEqualTo(3);
        assertThat(rows.size()).isEqualTo(3);

        Instant from = base;
        Instant until = base.plus(3, ChronoUnit.DAYS);
        Map<String, Expected> oracle = expectedByVisitor(List.of("anon", "phone", "laptop", "early"), from, until);
        // anon (last seen day 2, 09:00) > u-1 (laptop, day 2 08:05) > early (day 0)
        assertThat(rows.findValuesAsString("visitor_id")).containsExactly("anon", "laptop", "early");

        JsonNode anon = rows.get(0);
        assertThat(anon.path("pageview_count").asLong())
                .isEqualTo(oracle.get("anon").pageviews());
        assertThat(anon.path("goal_count").asLong())
                .isEqualTo(oracle.get("anon").goals());
        assertThat(Instant.parse(anon.path("first_seen").asString()))
                .isEqualTo(oracle.get("anon").firstSeen());
        assertThat(Instant.parse(anon.path("last_seen").asString()))
                .isEqualTo(oracle.get("anon").lastSeen());
        assertThat(anon.path("country").asString()).isEqualTo("FR"); // latest pageview
        assertThat(anon.path("city").asString()).isEqualTo("FR-city");
        assertThat(anon.path("referrer").asString()).isEqualTo("Google"); // first pageview
        assertThat(anon.path("revenue").decimalValue()).isEqualByComparingTo("10.50");
        assertThat(anon.path("user_id").isNull()).isTrue();
        assertThat(anon.path("custom_properties").size()).isZero();

        JsonNode user = rows.get(1);
        Expected phone = oracle.get("phone");
        Expected laptop = oracle.get("laptop");
        assertThat(user.path("user_id").asString()).isEqualTo("u-1");
        assertThat(user.path("display_name").asString()).isEqualTo("Ada");
        assertThat(user.path("email").asString()).isEqualTo("ada@example.com");
        assertThat(user.path("custom_properties").path("plan").asString()).isEqualTo("pro"); // the newest wins
        assertThat(user.path("custom_properties").path("seats").asString()).isEqualTo("3");
        assertThat(user.path("visitor_ids").findValuesAsString("visitor_ids")).isEmpty();
        assertThat(List.of(
                        user.path("visitor_ids").get(0).asString(),
                        user.path("visitor_ids").get(1).asString()))
                .containsExactlyInAnyOrder("phone", "laptop");
        assertThat(user.path("pageview_count").asLong()).isEqualTo(phone.pageviews() + laptop.pageviews());
        assertThat(user.path("goal_count").asLong()).isEqualTo(phone.goals() + laptop.goals());
        assertThat(Instant.parse(user.path("first_seen").asString())).isEqualTo(phone.firstSeen());
        assertThat(Instant.parse(user.path("last_seen").asString())).isEqualTo(laptop.lastSeen());
        assertThat(user.path("browser").asString()).isEqualTo("Chrome"); // the device seen last
        assertThat(user.path("referrer").asString()).isEqualTo("Twitter"); // the first pageview of all devices
        assertThat(user.path("revenue").decimalValue()).isEqualByComparingTo("49.00");

        // Paging: the same order, meta.total whatever the page.
        JsonNode second = list("&limit=1&offset=1");
        assertThat(second.path("results").findValuesAsString("visitor_id")).containsExactly("laptop");
        assertThat(second.path("meta").path("total").asLong()).isEqualTo(3);
        assertThat(second.path("meta").path("limit").asInt()).isEqualTo(1);

        // Identifies are not pageviews or goals: the stats API counts the same visitors as before.
        ApiClient.Response overview = owner.get("/api/v1/overview?site_id=" + site + "&start=" + day + "&end="
                + day.plusDays(2) + "&metrics=visitors,pageviews");
        assertThat(overview.json().path("results").path("visitors").asLong()).isEqualTo(4);
        assertThat(overview.json().path("results").path("pageviews").asLong())
                .isEqualTo(
                        oracle.values().stream().mapToLong(Expected::pageviews).sum());
    }

    @Test
    void filters_select_visitors_as_the_stats_api_does() {
        traffic();
        // Session-level: anon's second session was in France; its row still has all its numbers in the range.
        JsonNode fr = list("&country%5Bis%5D=FR");
        assertThat(fr.path("results").findValuesAsString("visitor_id")).containsExactly("anon");
        assertThat(fr.path("results").get(0).path("pageview_count").asLong()).isEqualTo(3);
        // Event-level: who viewed /app.
        assertThat(list("&pathname%5Bis%5D=/app").path("results").findValuesAsString("visitor_id"))
                .containsExactly("phone");
        assertThat(list("&goal_name%5Bis%5D=purchase").path("results").findValuesAsString("visitor_id"))
                .containsExactly("laptop");
        JsonNode notGb = list("&country%5Bis_not%5D=GB");
        assertThat(notGb.path("results").findValuesAsString("visitor_id")).containsExactly("anon", "early");
        assertThat(notGb.path("meta").path("total").asLong()).isEqualTo(2);
        // The breakdown of the stats API agrees on who is in France.
        ApiClient.Response breakdown = owner.get("/api/v1/breakdown?site_id=" + site + "&start=" + day + "&end="
                + day.plusDays(2) + "&dimension=country&country%5Bis%5D=FR");
        assertThat(breakdown.json().path("results").get(0).path("visitors").asLong())
                .isEqualTo(fr.path("meta").path("total").asLong());
    }

    @Test
    void the_visitor_page_has_the_journey_in_order_with_sources_and_durations() {
        traffic();
        pay("anon", "10.50", "order-2", at("10:02:00", 0));
        ApiClient.Response r = owner.get("/api/v1/visitors/anon?site_id=" + site);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode page = r.json();
        assertThat(page.path("visitor").path("pageview_count").asLong()).isEqualTo(3);
        assertThat(page.path("visitor").path("revenue").decimalValue()).isEqualByComparingTo("10.50");
        JsonNode sessions = page.path("sessions");
        assertThat(sessions.findValuesAsString("session_id")).containsExactly("anon-s2", "anon-s1"); // newest first

        JsonNode first = sessions.get(1);
        assertThat(first.path("channel").asString()).isEqualTo("Organic Search");
        assertThat(first.path("referrer").asString()).isEqualTo("Google");
        assertThat(first.path("entry_page").asString()).isEqualTo("/");
        assertThat(first.path("exit_page").asString()).isEqualTo("/pricing");
        // 10:00:00 to the heartbeat at 10:04:00
        assertThat(first.path("duration_seconds").asDouble()).isEqualTo(240.0);
        JsonNode steps = first.path("steps");
        assertThat(steps.findValuesAsString("type")).containsExactly("pageview", "goal", "pageview", "payment");
        assertThat(steps.get(0).path("pathname").asString()).isEqualTo("/");
        assertThat(steps.get(0).path("duration_seconds").asDouble()).isEqualTo(90.0); // to /pricing at 10:01:30
        assertThat(steps.get(1).path("goal_name").asString()).isEqualTo("signup");
        assertThat(steps.get(2).path("pathname").asString()).isEqualTo("/pricing");
        assertThat(steps.get(2).path("duration_seconds").asDouble()).isEqualTo(150.0); // to the session's end
        assertThat(steps.get(2).path("engaged_seconds").asDouble()).isEqualTo(80.0); // its _leave
        assertThat(steps.get(2).path("scroll_depth").asInt()).isEqualTo(70);
        assertThat(steps.get(3).path("amount").decimalValue()).isEqualByComparingTo("10.50");
        List<Instant> times = new ArrayList<>();
        steps.forEach(s -> times.add(Instant.parse(s.path("timestamp").asString())));
        assertThat(times).isSorted();
        assertThat(page.path("payments").size()).isEqualTo(1);

        assertThat(owner.get("/api/v1/visitors/nobody?site_id=" + site).status())
                .isEqualTo(404);
    }

    @Test
    void one_users_devices_are_one_profile_on_each_devices_page() {
        traffic();
        identify("phone", Map.of("user_id", "u-1", "name", "Ada"));
        identify("laptop", Map.of("user_id", "u-1"));
        for (String device : List.of("phone", "laptop")) {
            JsonNode page =
                    owner.get("/api/v1/visitors/" + device + "?site_id=" + site).json();
            assertThat(page.path("visitor").path("user_id").asString()).isEqualTo("u-1");
            assertThat(page.path("visitor").path("display_name").asString()).isEqualTo("Ada");
            assertThat(page.path("visitor").path("pageview_count").asLong()).isEqualTo(3);
            assertThat(page.path("visitor").path("goal_count").asLong()).isEqualTo(1);
            List<String> visits = new ArrayList<>();
            int identifies = 0;
            for (JsonNode session : page.path("sessions")) {
                if (session.path("session_id").asString().startsWith("identify-")) {
                    // Identified days after the last pageview: a session of its own, with no pageview, not a visit.
                    assertThat(session.path("pageviews").asLong()).isZero();
                    assertThat(session.path("steps").findValuesAsString("type")).containsExactly("identify");
                    identifies++;
                } else {
                    visits.add(session.path("session_id").asString());
                }
            }
            assertThat(visits).containsExactly("laptop-s1", "phone-s1");
            assertThat(identifies).isEqualTo(2);
        }
        // A device identified as another user later leaves the first user's profile and its details.
        identify("phone", Map.of("user_id", "u-2"));
        awaitCount(site, "visitor_id = 'phone' AND event_type = '_identify'", 2);
        JsonNode phone = owner.get("/api/v1/visitors/phone?site_id=" + site).json();
        assertThat(phone.path("visitor").path("user_id").asString()).isEqualTo("u-2");
        assertThat(phone.path("visitor").path("display_name").isNull()).isTrue();
        assertThat(list("").path("meta").path("total").asLong()).isEqualTo(4);
    }

    @Test
    void the_trackers_identify_stores_the_profile_and_only_the_user_id_in_the_event() throws Exception {
        String visitor = unique("v");
        Map<String, Object> view = new HashMap<>();
        view.put("website_id", site);
        view.put("visitor_id", visitor);
        view.put("session_id", "s-" + visitor);
        view.put("url", "https://example.com/login");
        assertThat(send(view).status()).isEqualTo(202);
        Map<String, Object> identify = new HashMap<>(view);
        identify.put("event_type", "goal");
        identify.put("name", "identify");
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("user_id", "42");
        traits.put("name", "Grace");
        traits.put("email", "grace@example.com");
        for (int i = 0; i < 10; i++) traits.put("p" + i, "v" + i);
        identify.put("metadata", traits);
        ApiClient.Response accepted = send(identify);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        awaitCount(site, "event_type = '_identify'", 1);

        String stored = store.query(
                        "SELECT metadata FROM events WHERE site_id = ? AND event_type = '_identify'",
                        List.of(site),
                        (rs, i) -> rs.getString(1))
                .get(0);
        assertThat(stored).isEqualTo("{\"user_id\":\"42\"}");
        assertThat(count(site, "event_type = 'goal'")).isZero();
        JsonNode profile = owner.get("/api/v1/visitors/" + visitor + "?site_id=" + site)
                .json()
                .path("visitor");
        assertThat(profile.path("user_id").asString()).isEqualTo("42");
        assertThat(profile.path("display_name").asString()).isEqualTo("Grace");
        assertThat(profile.path("email").asString()).isEqualTo("grace@example.com");
        assertThat(profile.path("custom_properties").size()).isEqualTo(10);
        assertThat(profile.path("goal_count").asLong()).isZero();

        // An identify without user_id, or with an 11th property, is refused naming what to fix.
        traits.remove("user_id");
        ApiClient.Response noUser = send(identify);
        assertThat(noUser.status()).isEqualTo(400);
        assertThat(noUser.errorMessage()).contains("user_id");
        traits.put("user_id", "42");
        traits.put("p10", "too many");
        assertThat(send(identify).status()).isEqualTo(400);
        // '_identify' is no event type a client may send.
        Map<String, Object> direct = new HashMap<>(view);
        direct.put("event_type", "_identify");
        assertThat(send(direct).status()).isEqualTo(400);
    }

    ApiClient.Response send(Map<String, Object> event) {
        return newClient()
                .raw(HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", uniqueAddress())
                        .header("User-Agent", CHROME)
                        .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(event))));
    }

    @Test
    void server_identify_checks_scope_site_visitor_and_fields() {
        traffic();
        String read = owner.post("/api/api-keys", Map.of("name", "r", "scope", "read"))
                .json()
                .path("key")
                .asString();
        ApiClient reader = newClient().withBearer(read);
        Map<String, Object> body = Map.of("visitor_id", "anon", "user_id", "u-9");
        assertThat(reader.post("/api/v1/identify?site_id=" + site, body).status())
                .isEqualTo(403);
        assertThat(reader.delete("/api/v1/visitors/anon?site_id=" + site).status())
                .isEqualTo(403);
        assertThat(reader.get("/api/v1/visitors/anon?site_id=" + site).status()).isEqualTo(200);

        ApiClient stranger = newAccount();
        assertThat(stranger.post("/api/v1/identify?site_id=" + site, body).status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/v1/visitors/anon?site_id=" + site).status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/v1/visitors?site_id=" + site + "&start=" + day + "&end=" + day)
                        .status())
                .isEqualTo(404);
        assertThat(stranger.delete("/api/v1/visitors/anon?site_id=" + site).status())
                .isEqualTo(404);

        ApiClient.Response unseen =
                owner.post("/api/v1/identify?site_id=" + site, Map.of("visitor_id", "never-seen", "user_id", "u"));
        assertThat(unseen.status()).isEqualTo(404);
        assertThat(unseen.errorMessage()).contains("no pageview");
        ApiClient.Response noUser = owner.post("/api/v1/identify?site_id=" + site, Map.of("visitor_id", "anon"));
        assertThat(noUser.status()).isEqualTo(400);
        assertThat(noUser.errorField()).isEqualTo("user_id");
        ApiClient.Response badProperty = owner.post(
                "/api/v1/identify?site_id=" + site,
                Map.of("visitor_id", "anon", "user_id", "u", "properties", Map.of("Bad Key", "x")));
        assertThat(badProperty.status()).isEqualTo(400);
        assertThat(badProperty.errorMessage()).contains("Bad Key");
        // Nothing was stored by the refused calls.
        assertThat(count(site, "event_type = '_identify'")).isZero();
        assertThat(owner.get("/api/v1/visitors/anon?site_id=" + site)
                        .json()
                        .path("visitor")
                        .path("user_id")
                        .isNull())
                .isTrue();
    }

    @Test
    void server_identify_takes_properties_as_fields_of_their_own_too() {
        traffic();
        identify("anon", Map.of("user_id", "u-flat", "plan", "pro", "seats", 3, "properties", Map.of("team", "a")));
        JsonNode profile =
                owner.get("/api/v1/visitors/anon?site_id=" + site).json().path("visitor");
        assertThat(profile.path("user_id").asString()).isEqualTo("u-flat");
        assertThat(profile.path("custom_properties").path("plan").asString()).isEqualTo("pro");
        assertThat(profile.path("custom_properties").path("seats").asString()).isEqualTo("3");
        assertThat(profile.path("custom_properties").path("team").asString()).isEqualTo("a");

        ApiClient.Response twice = owner.post(
                "/api/v1/identify?site_id=" + site,
                Map.of("visitor_id", "anon", "user_id", "u", "plan", "x", "properties", Map.of("plan", "y")));
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.errorMessage()).contains("'plan' is sent twice");
        Map<String, Object> eleven = new LinkedHashMap<>(Map.of("visitor_id", "anon", "user_id", "u"));
        for (int i = 0; i < 11; i++) eleven.put("p" + i, i);
        assertThat(owner.post("/api/v1/identify?site_id=" + site, eleven).status())
                .isEqualTo(400);
    }

    @Test
    void bad_limits_offsets_and_ids_are_400_with_what_to_do() {
        ApiClient.Response limit =
                owner.get("/api/v1/visitors?site_id=" + site + "&start=" + day + "&end=" + day + "&limit=251");
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.errorField()).isEqualTo("limit");
        assertThat(limit.errorMessage()).contains("1 to 250").contains("offset");
        ApiClient.Response offset =
                owner.get("/api/v1/visitors?site_id=" + site + "&start=" + day + "&end=" + day + "&offset=-1");
        assertThat(offset.status()).isEqualTo(400);
        assertThat(offset.errorField()).isEqualTo("offset");
        assertThat(owner.get("/api/v1/visitors?site_id=" + site + "&start=" + day + "&end=" + day + "&limit=ten")
                        .status())
                .isEqualTo(400);
        assertThat(owner.get("/api/v1/visitors?site_id=" + site).errorMessage()).contains("start");
        assertThat(owner.get("/api/v1/visitors?start=" + day + "&end=" + day).errorField())
                .isEqualTo("site_id");
        ApiClient.Response longId = owner.get("/api/v1/visitors/" + "v".repeat(129) + "?site_id=" + site);
        assertThat(longId.status()).isEqualTo(400);
        assertThat(longId.errorField()).isEqualTo("visitor_id");
        assertThat(owner.get("/api/v1/visitors?site_id=" + site + "&start=" + day + "&end=" + day + "&country%5Bis%5D=")
                        .status())
                .isEqualTo(400);
    }

    /**
     * The deletion oracle: a second site gets the same traffic without the deleted visitor; after the deletion every
     * stats answer of the first equals the second's, and nothing of the visitor is left in any table.
     */
    @Test
    void deleting_a_visitor_leaves_no_trace_in_events_sessions_profiles_payments_or_stats() {
        traffic();
        identify("anon", Map.of("user_id", "gone", "email", "gone@example.com"));
        pay("anon", "10.50", "order-2", at("10:02:00", 0));
        String twin = owner.createWebsite("example.com");
        List<Event> rest = new ArrayList<>();
        for (Event e : events) {
            if (e.visitorId().equals("anon")) continue;
            rest.add(event(
                    twin,
                    e.type(),
                    e.visitorId(),
                    e.sessionId(),
                    e.timestamp(),
                    e.pathname(),
                    e.goalName(),
                    e.country(),
                    e.browser(),
                    e.referrerSource(),
                    e.durationMs(),
                    e.scrollDepth()));
        }
        store.append(rest);
        ApiClient.Response twinPayment = owner.post(
                "/api/v1/payments?site_id=" + twin,
                Map.of(
                        "amount",
                        "10.50",
                        "currency",
                        "USD",
                        "transaction_id",
                        "order-2",
                        "timestamp",
                        at("10:02:00", 0).toString()));
        assertThat(twinPayment.status()).isEqualTo(201);

        ApiClient.Response deleted = owner.delete("/api/v1/visitors/anon?site_id=" + site);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().path("events_deleted").asLong()).isEqualTo(7); // 6 hand-built + the identify
        assertThat(deleted.json().path("profiles_deleted").asInt()).isEqualTo(1);
        assertThat(deleted.json().path("payments_unlinked").asInt()).isEqualTo(1);

        assertThat(count(site, "visitor_id = 'anon'")).isZero();
        long sessionsLeft = store.query(
                        "SELECT count(*) FROM sessions WHERE site_id = ? AND visitor_key = ?",
                        List.of(site, IdKeys.of(site, "anon")),
                        (rs, i) -> rs.getLong(1))
                .get(0);
        assertThat(sessionsLeft).isZero();
        assertThat(owner.get("/api/v1/visitors/anon?site_id=" + site).status()).isEqualTo(404);
        assertThat(owner.delete("/api/v1/visitors/anon?site_id=" + site).status())
                .isEqualTo(404);

        String range = "&start=" + day + "&end=" + day.plusDays(2);
        for (String q : List.of(
                "/api/v1/overview?metrics=visitors,sessions,pageviews,bounce_rate,avg_session_duration,revenue",
                "/api/v1/breakdown?dimension=country&metrics=visitors,pageviews",
                "/api/v1/breakdown?dimension=channel&metrics=visitors,revenue",
                "/api/v1/breakdown?dimension=pathname",
                "/api/v1/timeseries?metrics=visitors,pageviews,revenue")) {
            JsonNode a = owner.get(q + "&site_id=" + site + range).json().path("results");
            JsonNode b = owner.get(q + "&site_id=" + twin + range).json().path("results");
            assertThat(a).as(q).isEqualTo(b);
        }
        assertThat(list("").path("results").findValuesAsString("visitor_id"))
                .containsExactly("laptop", "phone", "early");
        Map<String, Long> stayed = events.stream()
                .filter(e -> !e.visitorId().equals("anon"))
                .collect(Collectors.groupingBy(Event::visitorId, Collectors.counting()));
        for (var e : stayed.entrySet()) {
            assertThat(count(site, "visitor_id = '" + e.getKey() + "'")).isEqualTo(e.getValue());
        }
    }
}
