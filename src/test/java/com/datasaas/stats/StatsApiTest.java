package com.datasaas.stats;

import static com.datasaas.events.TestEvent.goal;
import static com.datasaas.events.TestEvent.leave;
import static com.datasaas.events.TestEvent.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.TestEvent;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The v1 stats API, goals and filter values over real HTTP: shapes, validation, access rules. */
class StatsApiTest extends RunningApp {
    @Autowired
    EventStore store;

    private ApiClient owner;
    private String site;

    @BeforeEach
    void site() {
        owner = newAccount();
        site = owner.createWebsite(unique("stats") + ".example.com");
        // Two sessions on 2026-05-10 (UTC), one on the 9th for the previous period.
        append(
                pageview(site, "2026-05-10T10:00:00Z", "A", "a1", "/"),
                pageview(site, "2026-05-10T10:01:00Z", "A", "a1", "/blog"),
                leave(site, "2026-05-10T10:02:00Z", "A", "a1", 40_000, 90).path("/blog"),
                pageview(site, "2026-05-10T15:00:00Z", "B", "b1", "/").country("DE"),
                goal(site, "2026-05-10T15:00:30Z", "B", "b1", "signup").country("DE"),
                pageview(site, "2026-05-09T08:00:00Z", "C", "c1", "/"));
    }

    private void append(TestEvent... events) {
        List<Event> batch = new ArrayList<>();
        for (TestEvent e : events) batch.add(e.build());
        store.append(batch);
    }

    private String range(String start, String end) {
        return "site_id=" + site + "&start=" + start + "&end=" + end;
    }

    @Test
    void overview_returns_every_headline_metric_and_the_previous_period() {
        ApiClient.Response r =
                owner.get("/api/v1/overview?" + range("2026-05-10", "2026-05-10") + "&compare=previous_period");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode results = r.json().path("results");
        assertThat(results.path("visitors").asLong()).isEqualTo(2);
        assertThat(results.path("sessions").asLong()).isEqualTo(2);
        assertThat(results.path("pageviews").asLong()).isEqualTo(3);
        assertThat(results.path("bounce_rate").asDouble()).isEqualTo(0.0); // a1 two pages, b1 a goal
        assertThat(results.path("avg_session_duration").asLong()).isEqualTo(75); // (120 + 30) / 2
        assertThat(results.path("views_per_session").asDouble()).isEqualTo(1.5);
        assertThat(results.path("scroll_depth").asDouble()).isEqualTo(90.0);
        assertThat(results.path("time_on_page").asLong()).isEqualTo(40);
        assertThat(results.has("conversions")).isTrue();
        assertThat(results.has("conversion_rate")).isTrue();
        assertThat(r.json().path("previous").path("visitors").asLong()).isEqualTo(1);
        JsonNode meta = r.json().path("meta");
        assertThat(meta.path("site_id").asString()).isEqualTo(site);
        assertThat(meta.path("start").asString()).isEqualTo("2026-05-10");
        assertThat(meta.path("end").asString()).isEqualTo("2026-05-10");
        assertThat(meta.path("timezone").asString()).isEqualTo("UTC");
        assertThat(meta.path("previous_start").asString()).isEqualTo("2026-05-09");
    }

    @Test
    void timeseries_fills_every_bucket_and_a_single_day_is_hourly() {
        ApiClient.Response hourly = owner.get("/api/v1/timeseries?" + range("2026-05-10", "2026-05-10"));
        assertThat(hourly.status()).as(hourly.toString()).isEqualTo(200);
        JsonNode points = hourly.json().path("results");
        assertThat(points.size()).isEqualTo(24);
        assertThat(points.get(0).path("date").asString()).isEqualTo("2026-05-10T00:00");
        assertThat(points.get(0).path("visitors").asLong()).isZero();
        assertThat(points.get(10).path("pageviews").asLong()).isEqualTo(2);
        assertThat(points.get(15).path("visitors").asLong()).isEqualTo(1);
        assertThat(hourly.json().path("meta").path("interval").asString()).isEqualTo("hour");

        ApiClient.Response daily =
                owner.get("/api/v1/timeseries?" + range("2026-05-08", "2026-05-11") + "&metrics=visitors,bounce_rate");
        JsonNode days = daily.json().path("results");
        assertThat(days.size()).isEqualTo(4);
        assertThat(days.get(0).path("date").asString()).isEqualTo("2026-05-08");
        assertThat(days.get(1).path("visitors").asLong()).isEqualTo(1);
        assertThat(days.get(1).path("bounce_rate").asDouble()).isEqualTo(100.0);
        assertThat(days.get(2).path("visitors").asLong()).isEqualTo(2);
        assertThat(days.get(3).path("visitors").asLong()).isZero();
        assertThat(days.get(2).has("pageviews")).isFalse();

        ApiClient.Response monthly =
                owner.get("/api/v1/timeseries?" + range("2026-04-20", "2026-05-11") + "&interval=month");
        assertThat(monthly.json().path("results").size()).isEqualTo(2);
        assertThat(monthly.json().path("results").get(1).path("visitors").asLong())
                .isEqualTo(3);
    }

    @Test
    void breakdown_rows_are_keyed_by_the_dimension_with_a_total() {
        ApiClient.Response r = owner.get("/api/v1/breakdown?" + range("2026-05-09", "2026-05-10")
                + "&dimension=pathname&metrics=visitors,pageviews&limit=1");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode rows = r.json().path("results");
        assertThat(rows.size()).isEqualTo(1);
        assertThat(rows.get(0).path("pathname").asString()).isEqualTo("/");
        assertThat(rows.get(0).path("visitors").asLong()).isEqualTo(3);
        assertThat(r.json().path("meta").path("total").asLong()).isEqualTo(2);

        ApiClient.Response second = owner.get(
                "/api/v1/breakdown?" + range("2026-05-09", "2026-05-10") + "&dimension=pathname&limit=1&offset=1");
        assertThat(second.json().path("results").get(0).path("pathname").asString())
                .isEqualTo("/blog");
    }

    @Test
    void bracket_filters_repeat_for_several_values() {
        ApiClient.Response de = owner.get(
                "/api/v1/overview?" + range("2026-05-09", "2026-05-10") + "&metrics=visitors&country%5Bis%5D=DE");
        assertThat(de.json().path("results").path("visitors").asLong()).isEqualTo(1);
        ApiClient.Response both = owner.get("/api/v1/overview?" + range("2026-05-09", "2026-05-10")
                + "&metrics=visitors&country%5Bis%5D=DE&country%5Bis%5D=US");
        assertThat(both.json().path("results").path("visitors").asLong()).isEqualTo(3);
        ApiClient.Response entry = owner.get("/api/v1/breakdown?" + range("2026-05-09", "2026-05-10")
                + "&dimension=pathname&pathname%5Bcontains%5D=BLO");
        assertThat(entry.json().path("results").size()).isEqualTo(1);
        ApiClient.Response notUs = owner.get(
                "/api/v1/overview?" + range("2026-05-09", "2026-05-10") + "&metrics=visitors&country%5Bis_not%5D=US");
        assertThat(notUs.json().path("results").path("visitors").asLong()).isEqualTo(1);
    }

    @Test
    void validation_errors_name_what_is_wrong() {
        String base = "/api/v1/breakdown?dimension=pathname&";
        assertError(owner.get(base + "site_id=" + site + "&start=2026-13-01&end=2026-05-10"), 400, "'start'");
        assertError(owner.get(base + range("2026-05-10", "2026-05-09")), 400, "before 'start'");
        assertError(owner.get(base + "site_id=" + site + "&end=2026-05-10"), 400, "'start' is required");
        assertError(owner.get(base + range("2026-05-09", "2026-05-10") + "&metrics=visitors,revenu"), 400, "revenu");
        assertError(
                owner.get("/api/v1/breakdown?" + range("2026-05-09", "2026-05-10") + "&dimension=colour"),
                400,
                "colour");
        assertError(
                owner.get("/api/v1/overview?" + range("2026-05-09", "2026-05-10") + "&colour%5Bis%5D=red"),
                400,
                "colour");
        assertError(
                owner.get("/api/v1/overview?" + range("2026-05-09", "2026-05-10") + "&country%5Blike%5D=U"),
                400,
                "like");
        assertError(
                owner.get("/api/v1/timeseries?" + range("2026-05-09", "2026-05-10") + "&interval=minute"),
                400,
                "interval");
        assertError(
                owner.get("/api/v1/overview?" + range("2026-05-09", "2026-05-10") + "&timezone=Mars/Olympus"),
                400,
                "timezone");
        assertError(owner.get(base + range("2026-05-09", "2026-05-10") + "&limit=0"), 400, "'limit'");
        assertError(owner.get("/api/v1/overview?start=2026-05-09&end=2026-05-10"), 400, "site_id");
    }

    @Test
    void unknown_and_foreign_sites_are_not_found() {
        assertError(owner.get("/api/v1/overview?site_id=mrf_nope&start=2026-05-09&end=2026-05-10"), 404, "mrf_nope");
        ApiClient stranger = newAccount();
        for (String path : List.of(
                "/api/v1/overview?" + range("2026-05-09", "2026-05-10"),
                "/api/v1/timeseries?" + range("2026-05-09", "2026-05-10"),
                "/api/v1/breakdown?" + range("2026-05-09", "2026-05-10") + "&dimension=country",
                "/api/v1/goals?" + range("2026-05-09", "2026-05-10"),
                "/api/filter-values?siteId=" + site + "&dimension=country&start=2026-05-09&end=2026-05-10",
                "/api/websites/" + site + "/goals",
                "/api/websites/" + site + "/realtime-map",
                "/api/websites/" + site + "/realtime-map/events")) {
            assertThat(stranger.get(path).status()).as(path).isEqualTo(404);
        }
        assertThat(stranger.post("/api/websites/" + site + "/goals", Map.of("name", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(newClient()
                        .get("/api/v1/overview?" + range("2026-05-09", "2026-05-10"))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void filter_values_list_values_by_visitors() {
        ApiClient.Response r =
                owner.get("/api/filter-values?siteId=" + site + "&dimension=country&start=2026-05-09&end=2026-05-10");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("dimension").asString()).isEqualTo("country");
        JsonNode values = r.json().path("values");
        assertThat(values.size()).isEqualTo(2);
        assertThat(values.get(0).path("value").asString()).isEqualTo("US");
        assertThat(values.get(0).path("visitors").asLong()).isEqualTo(2);
        assertThat(values.get(1).path("value").asString()).isEqualTo("DE");
        assertError(
                owner.get("/api/filter-values?siteId=" + site + "&dimension=shoe&start=2026-05-09&end=2026-05-10"),
                400,
                "shoe");
        assertError(owner.get("/api/filter-values?dimension=country&start=2026-05-09&end=2026-05-10"), 400, "siteId");
    }

    @Test
    void goals_crud_with_duplicates_refused() {
        ApiClient.Response created = owner.post(
                "/api/websites/" + site + "/goals",
                Map.of("name", "Signup", "display_name", "Sign up", "goal_type", "custom"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(id).isNotBlank();
        assertThat(created.json().path("name").asString()).isEqualTo("signup");
        assertError(
                owner.post("/api/websites/" + site + "/goals", Map.of("name", "signup", "goal_type", "custom")),
                409,
                "signup");
        assertError(
                owner.post("/api/websites/" + site + "/goals", Map.of("name", "docs", "goal_type", "pageview")),
                400,
                "path");
        assertError(
                owner.post("/api/websites/" + site + "/goals", Map.of("name", "bad name!", "goal_type", "custom")),
                400,
                "'name'");
        assertError(
                owner.post("/api/websites/" + site + "/goals", Map.of("name", "x", "goal_type", "funnel")),
                400,
                "goal_type");
        assertThat(owner.get("/api/websites/" + site + "/goals")
                        .json()
                        .path("goals")
                        .size())
                .isEqualTo(1);
        assertThat(owner.delete("/api/websites/" + site + "/goals/" + id).status())
                .isEqualTo(204);
        assertThat(owner.delete("/api/websites/" + site + "/goals/" + id).status())
                .isEqualTo(404);
        assertThat(owner.get("/api/websites/" + site + "/goals")
                        .json()
                        .path("goals")
                        .size())
                .isZero();
    }

    @Test
    void goal_bodies_are_checked_by_bean_validation_and_name_the_field() {
        String goals = "/api/websites/" + site + "/goals";
        ApiClient.Response missing = owner.post(goals, Map.of("goal_type", "custom"));
        assertError(missing, 400, "'name'");
        assertThat(missing.errorField()).isEqualTo("name");
        ApiClient.Response tooLong = owner.post(goals, Map.of("name", "a".repeat(65)));
        assertError(tooLong, 400, "'name'");
        assertThat(tooLong.errorField()).isEqualTo("name");
        ApiClient.Response wrongType = owner.post(goals, "{\"name\": \"ok\", \"display_name\": [1]}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorField()).isEqualTo("display_name");
        ApiClient.Response badType = owner.post(goals, Map.of("name", "ok", "goal_type", "funnel"));
        assertThat(badType.errorField()).isEqualTo("goal_type");
        ApiClient.Response longPath =
                owner.post(goals, Map.of("name", "ok", "goal_type", "pageview", "path", "/" + "p".repeat(500)));
        assertThat(longPath.status()).isEqualTo(400);
        assertThat(longPath.errorField()).isEqualTo("path");
    }

    @Test
    void goals_apply_retroactively() {
        // The events were stored before any goal existed.
        owner.post("/api/websites/" + site + "/goals", Map.of("name", "signup", "goal_type", "custom"));
        owner.post(
                "/api/websites/" + site + "/goals",
                Map.of("name", "blog", "display_name", "Read the blog", "goal_type", "pageview", "path", "/blog*"));
        ApiClient.Response r = owner.get("/api/v1/goals?" + range("2026-05-09", "2026-05-10"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode goals = r.json().path("results");
        assertThat(goals.size()).isEqualTo(2);
        assertThat(goals.get(0).path("goal_name").asString()).isEqualTo("signup");
        assertThat(goals.get(0).path("unique_visitors").asLong()).isEqualTo(1);
        assertThat(goals.get(0).path("completion_count").asLong()).isEqualTo(1);
        assertThat(goals.get(0).path("conversion_rate").asDouble()).isEqualTo(33.3);
        assertThat(goals.get(1).path("display_name").asString()).isEqualTo("Read the blog");
        assertThat(goals.get(1).path("unique_visitors").asLong()).isEqualTo(1);
        ApiClient.Response overview =
                owner.get("/api/v1/overview?" + range("2026-05-09", "2026-05-10") + "&metrics=conversions");
        assertThat(overview.json().path("results").path("conversions").asLong()).isEqualTo(2);
    }

    @Test
    void server_side_goals_need_write_scope_and_a_known_visitor() {
        owner.post("/api/websites/" + site + "/goals", Map.of("name", "purchase", "goal_type", "custom"));
        ApiClient reader = owner.withBearer(key("read"));
        ApiClient writer = owner.withBearer(key("write"));
        String path = "/api/v1/goals?site_id=" + site;

        assertThat(reader.post(path, Map.of("name", "purchase", "visitor_id", "A"))
                        .status())
                .isEqualTo(403);
        assertError(writer.post(path, Map.of("name", "purchase", "visitor_id", "nobody")), 404, "nobody");
        assertError(writer.post(path, Map.of("visitor_id", "A")), 400, "'name'");
        assertError(writer.post(path, Map.of("name", "purchase")), 400, "visitor_id");
        assertError(
                writer.post(path, Map.of("name", "purchase", "visitor_id", "A", "metadata", Map.of("Bad Key", "1"))),
                400,
                "Bad Key");
        ApiClient.Response ok =
                writer.post(path, Map.of("name", "purchase", "visitor_id", "A", "metadata", Map.of("plan", "pro")));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.json().path("session_id").asString()).isEqualTo("a1");

        // The goal lands today, in the visitor's latest session; like every event it goes through the write buffer.
        // The 2-second freshness promise is EventsEndpointTest's subject; this test is about scope and the visitor
        // lookup, so it waits longer and stays green on a loaded machine.
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(15);
        long completions = 0;
        while (completions < 1 && java.time.Instant.now().isBefore(deadline)) {
            JsonNode goals =
                    reader.get("/api/v1/goals?" + range(today, today)).json().path("results");
            completions = goals.get(0).path("completion_count").asLong();
        }
        assertThat(completions).isEqualTo(1);
        assertThat(reader.get("/api/v1/goals?" + range(today, today)).status()).isEqualTo(200);
    }

    @Test
    void a_new_york_site_counts_local_days_and_hours_across_the_spring_change() {
        ApiClient.Response created = owner.post(
                "/api/websites", Map.of("domain", unique("ny") + ".example.com", "timezone", "America/New_York"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String ny = created.json().path("id").asString();
        append(
                pageview(ny, "2026-03-08T04:30:00Z", "n1", "m1", "/"), // Mar 7, 23:30 EST
                pageview(ny, "2026-03-08T06:30:00Z", "n2", "m2", "/"), // Mar 8, 01:30 EST
                pageview(ny, "2026-03-08T07:30:00Z", "n3", "m3", "/"), // Mar 8, 03:30 EDT
                pageview(ny, "2026-03-09T03:30:00Z", "n4", "m4", "/")); // Mar 8, 23:30 EDT
        ApiClient.Response r = owner.get("/api/v1/timeseries?site_id=" + ny + "&start=2026-03-08&end=2026-03-08");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("meta").path("timezone").asString()).isEqualTo("America/New_York");
        JsonNode hours = r.json().path("results");
        assertThat(hours.size()).isEqualTo(24);
        assertThat(hours.get(1).path("pageviews").asLong()).isEqualTo(1);
        assertThat(hours.get(2).path("pageviews").asLong()).isZero(); // 02:00 did not exist
        assertThat(hours.get(3).path("pageviews").asLong()).isEqualTo(1);
        assertThat(hours.get(23).path("pageviews").asLong()).isEqualTo(1);
        ApiClient.Response days =
                owner.get("/api/v1/timeseries?site_id=" + ny + "&start=2026-03-07&end=2026-03-08&metrics=visitors");
        assertThat(days.json().path("results").get(0).path("visitors").asLong()).isEqualTo(1);
        assertThat(days.json().path("results").get(1).path("visitors").asLong()).isEqualTo(3);
    }

    private String key(String scope) {
        ApiClient.Response r = owner.post("/api/api-keys", Map.of("name", "k-" + scope, "scope", scope));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("key").asString();
    }

    private static void assertError(ApiClient.Response r, int status, String messagePart) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().path("error").path("code").asInt()).isEqualTo(status);
        assertThat(r.errorMessage()).as(r.toString()).contains(messagePart);
    }
}
