package com.datasaas.funnels;

import static com.datasaas.funnels.Visit.goal;
import static com.datasaas.funnels.Visit.page;
import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Funnels over real HTTP: definitions, validation, access rules, and numbers on hand-built event sets. */
class FunnelApiTest extends RunningApp {
    @Autowired
    EventStore store;

    private ApiClient owner;
    private String site;

    @BeforeEach
    void site() {
        owner = newAccount();
        site = owner.createWebsite(unique("funnel") + ".example.com");
    }

    static Map<String, Object> pageStep(String name, String url) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("type", "pageview");
        s.put("url", url);
        return s;
    }

    static Map<String, Object> goalStep(String name, String goal) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("type", "goal");
        s.put("goal_name", goal);
        return s;
    }

    @SafeVarargs
    static Map<String, Object> funnel(String name, Map<String, Object>... steps) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("steps", Arrays.asList(steps));
        return body;
    }

    private String create(Map<String, Object> body) {
        ApiClient.Response r = owner.post("/api/websites/" + site + "/funnels", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    private void append(Visit... visits) {
        store.append(Arrays.stream(visits).map(Visit::event).toList());
    }

    private JsonNode results(String funnelId, String query) {
        ApiClient.Response r = owner.get("/api/v1/funnels/" + funnelId + "?site_id=" + site + "&" + query);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("results");
    }

    private static List<Long> visitors(JsonNode results) {
        List<Long> out = new ArrayList<>();
        results.path("steps").forEach(s -> out.add(s.path("visitors").asLong()));
        return out;
    }

    // ---------------------------------------------------------------- definitions

    @Test
    void a_funnel_is_created_listed_read_replaced_and_deleted() {
        ApiClient.Response created = owner.post(
                "/api/websites/" + site + "/funnels",
                funnel(
                        "Signup flow",
                        pageStep("Home", "/"),
                        pageStep("Pricing", "/pricing"),
                        goalStep("Signed up", "Signup")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(id).startsWith("fun_");
        assertThat(created.json().path("website_id").asString()).isEqualTo(site);
        JsonNode steps = created.json().path("steps");
        assertThat(steps.size()).isEqualTo(3);
        assertThat(steps.get(1).path("url").asString()).isEqualTo("/pricing");
        assertThat(steps.get(2).path("type").asString()).isEqualTo("goal");
        assertThat(steps.get(2).path("goal_name").asString()).isEqualTo("signup"); // lowercased like goal names

        JsonNode listed = owner.get("/api/websites/" + site + "/funnels").json().path("funnels");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).path("name").asString()).isEqualTo("Signup flow");

        ApiClient.Response replaced = owner.put(
                "/api/websites/" + site + "/funnels/" + id,
                funnel("Checkout", pageStep("Cart", "/cart"), pageStep("Paid", "/thanks*")));
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        ApiClient.Response read = owner.get("/api/websites/" + site + "/funnels/" + id);
        assertThat(read.json().path("name").asString()).isEqualTo("Checkout");
        assertThat(read.json().path("steps").size()).isEqualTo(2);
        assertThat(read.json().path("steps").get(1).path("url").asString()).isEqualTo("/thanks*");

        assertThat(owner.delete("/api/websites/" + site + "/funnels/" + id).status())
                .isEqualTo(204);
        assertThat(owner.get("/api/websites/" + site + "/funnels/" + id).status())
                .isEqualTo(404);
        assertThat(owner.delete("/api/websites/" + site + "/funnels/" + id).status())
                .isEqualTo(404);
    }

    @Test
    void a_duplicate_name_is_409_ignoring_case_also_on_rename() {
        create(funnel("Signup", pageStep("A", "/a"), pageStep("B", "/b")));
        String other = create(funnel("Checkout", pageStep("A", "/a"), pageStep("B", "/b")));
        ApiClient.Response dup = owner.post(
                "/api/websites/" + site + "/funnels", funnel(" signup ", pageStep("A", "/a"), pageStep("B", "/b")));
        assertThat(dup.status()).as(dup.toString()).isEqualTo(409);
        assertThat(dup.errorMessage()).contains("already has a funnel named");
        ApiClient.Response rename = owner.put(
                "/api/websites/" + site + "/funnels/" + other,
                funnel("SIGNUP", pageStep("A", "/a"), pageStep("B", "/b")));
        assertThat(rename.status()).isEqualTo(409);
        // keeping its own name is no conflict
        ApiClient.Response same = owner.put(
                "/api/websites/" + site + "/funnels/" + other,
                funnel("Checkout", pageStep("A", "/a"), pageStep("C", "/c")));
        assertThat(same.status()).as(same.toString()).isEqualTo(200);
    }

    private ApiClient.Response post(Object body) {
        return owner.post("/api/websites/" + site + "/funnels", body);
    }

    private void refused(Object body, String field, String message) {
        ApiClient.Response r = post(body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.errorField()).as(r.toString()).isEqualTo(field);
        assertThat(r.errorMessage()).as(r.toString()).contains(message);
    }

    @Test
    void bad_definitions_are_400_naming_the_field_or_step_at_fault() {
        Map<String, Object> a = pageStep("A", "/a");
        Map<String, Object> b = pageStep("B", "/b");
        refused(Map.of(), "name", "is required");
        refused(Map.of("name", "x"), "steps", "must list 2 to 8 steps");
        refused(funnel("x"), "steps", "must list 2 to 8 steps");
        refused(funnel("x", a), "steps", "must list 2 to 8 steps");
        refused(funnel("x", a, b, a, b, a, b, a, b, a), "steps", "must list 2 to 8 steps");
        assertThat(post(funnel("eight", a, b, a, b, a, b, a, b)).status()).isEqualTo(201);
        refused(funnel("x", a, Map.of("name", "B", "type", "click", "url", "/b")), "steps[1].type", "not 'click'");
        refused(funnel("x", a, Map.of("name", "B", "url", "/b")), "steps[1].type", "steps[1].type is required");
        refused(
                funnel("x", a, b, Map.of("name", "C", "type", "pageview")),
                "steps[2].url",
                "steps[2].url is required for a pageview step");
        refused(funnel("x", a, pageStep("B", "pricing")), "steps[1].url", "starting with '/'");
        refused(funnel("x", a, pageStep("B", "/a b")), "steps[1].url", "without spaces");
        refused(funnel("x", a, pageStep("B", "/" + "p".repeat(600))), "steps[1].url", "at most 500");
        refused(
                funnel("x", a, Map.of("name", "B", "type", "goal")),
                "steps[1].goal_name",
                "steps[1].goal_name is required for a goal step");
        refused(funnel("x", a, goalStep("B", "sign up!")), "steps[1].goal_name", "a-z, 0-9");
        refused(
                funnel("x", a, Map.of("name", "B", "type", "goal", "goal_name", "s", "url", "/s")),
                "steps[1].url",
                "only applies to pageview steps");
        refused(funnel("x", pageStep("", "/a"), b), "steps[0].name", "steps[0].name is required");
        refused(funnel("x", pageStep("A\u0007", "/a"), b), "steps[0].name", "control or invisible");
        refused(funnel("x", a, pageStep("B\u202E", "/b")), "steps[1].name", "control or invisible");
        refused(funnel("x", a, pageStep("B".repeat(101), "/b")), "steps[1].name", "1 to 100 characters");
        refused(funnel("bad\nname", a, b), "name", "control or invisible");
        refused(funnel("n".repeat(101), a, b), "name", "is required: 1 to 100 characters");
        refused(funnel("n".repeat(200_000), a, b), "name", "is required: 1 to 100 characters");
        refused(funnel("   ", a, b), "name", "is required");
        ApiClient.Response notList = post(Map.of("name", "x", "steps", "home"));
        assertThat(notList.status()).isEqualTo(400);
        assertThat(notList.errorField()).isEqualTo("steps");
        // nothing refused was stored
        assertThat(owner.get("/api/websites/" + site + "/funnels")
                        .json()
                        .path("funnels")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void another_accounts_funnel_and_site_are_404_read_only_keys_cannot_change_funnels_and_cookies_need_csrf() {
        String id = create(funnel("Mine", pageStep("A", "/a"), pageStep("B", "/b")));
        ApiClient stranger = newAccount();
        String theirs = stranger.createWebsite(unique("theirs") + ".example.com");
        Map<String, Object> body = funnel("Hijack", pageStep("A", "/a"), pageStep("B", "/b"));
        assertThat(stranger.get("/api/websites/" + site + "/funnels").status()).isEqualTo(404);
        assertThat(stranger.get("/api/websites/" + site + "/funnels/" + id).status())
                .isEqualTo(404);
        assertThat(stranger.post("/api/websites/" + site + "/funnels", body).status())
                .isEqualTo(404);
        assertThat(stranger.put("/api/websites/" + site + "/funnels/" + id, body)
                        .status())
                .isEqualTo(404);
        assertThat(stranger.delete("/api/websites/" + site + "/funnels/" + id).status())
                .isEqualTo(404);
        // my funnel through their site, their funnel id space: 404 both ways, nothing revealed
        assertThat(stranger.get("/api/websites/" + theirs + "/funnels/" + id).status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/v1/funnels/" + id + "?site_id=" + theirs + "&start=2026-05-10&end=2026-05-10")
                        .status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/v1/funnels/" + id + "?site_id=" + site + "&start=2026-05-10&end=2026-05-10")
                        .status())
                .isEqualTo(404);
        // a funnel of one of my sites asked through another of my sites is not found either
        String second = owner.createWebsite(unique("second") + ".example.com");
        assertThat(owner.get("/api/v1/funnels/" + id + "?site_id=" + second + "&start=2026-05-10&end=2026-05-10")
                        .status())
                .isEqualTo(404);
        assertThat(owner.get("/api/websites/" + site + "/funnels/" + id)
                        .json()
                        .path("name")
                        .asString())
                .isEqualTo("Mine");

        ApiClient.Response key = owner.post("/api/api-keys", Map.of("name", "reader", "scope", "read"));
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        ApiClient reader = newClient().withBearer(key.json().path("key").asString());
        assertThat(reader.get("/api/websites/" + site + "/funnels").status()).isEqualTo(200);
        assertThat(reader.get("/api/v1/funnels/" + id + "?site_id=" + site + "&start=2026-05-10&end=2026-05-10")
                        .status())
                .isEqualTo(200);
        assertThat(reader.post("/api/websites/" + site + "/funnels", body).status())
                .isEqualTo(403);
        assertThat(reader.put("/api/websites/" + site + "/funnels/" + id, body).status())
                .isEqualTo(403);
        assertThat(reader.delete("/api/websites/" + site + "/funnels/" + id).status())
                .isEqualTo(403);

        assertThat(owner.postWithoutCsrf("/api/websites/" + site + "/funnels", body)
                        .status())
                .isEqualTo(403);
        assertThat(owner.get("/api/websites/" + site + "/funnels")
                        .json()
                        .path("funnels")
                        .size())
                .isEqualTo(1);
    }

    // ---------------------------------------------------------------- numbers

    @Test
    void steps_count_only_in_order_across_sessions_and_out_of_order_steps_do_not_count() {
        String id = create(funnel(
                "Signup", pageStep("Home", "/"), pageStep("Pricing", "/pricing"), goalStep("Signed up", "signup")));
        append(
                // A: all three in order
                page(site, "2026-05-10T10:00:00Z", "A", "a1", "/"),
                page(site, "2026-05-10T10:01:00Z", "A", "a1", "/pricing"),
                goal(site, "2026-05-10T10:02:00Z", "A", "a1", "signup"),
                // B: pricing before home, then signs up: reaches step 1 only
                page(site, "2026-05-10T10:00:00Z", "B", "b1", "/pricing"),
                page(site, "2026-05-10T10:01:00Z", "B", "b1", "/"),
                goal(site, "2026-05-10T10:02:00Z", "B", "b1", "signup"),
                // C: home then pricing, no signup
                page(site, "2026-05-10T11:00:00Z", "C", "c1", "/"),
                page(site, "2026-05-10T11:05:00Z", "C", "c1", "/pricing"),
                // D: home one day, pricing the next day in another session, signup before both
                goal(site, "2026-05-10T08:00:00Z", "D", "d0", "signup"),
                page(site, "2026-05-10T09:00:00Z", "D", "d1", "/"),
                page(site, "2026-05-11T09:00:00Z", "D", "d2", "/pricing"),
                // E: signs up only
                goal(site, "2026-05-10T12:00:00Z", "E", "e1", "signup"),
                // F: home, signup, pricing: the signup came before pricing
                page(site, "2026-05-10T13:00:00Z", "F", "f1", "/"),
                goal(site, "2026-05-10T13:01:00Z", "F", "f1", "signup"),
                page(site, "2026-05-10T13:02:00Z", "F", "f1", "/pricing"),
                // G: pricing first, then home, pricing again, signup: the later pricing counts
                page(site, "2026-05-10T14:00:00Z", "G", "g1", "/pricing"),
                page(site, "2026-05-10T14:01:00Z", "G", "g1", "/"),
                page(site, "2026-05-10T14:02:00Z", "G", "g1", "/pricing"),
                goal(site, "2026-05-10T14:03:00Z", "G", "g1", "signup"),
                // H: outside the range
                page(site, "2026-05-12T10:00:00Z", "H", "h1", "/"),
                page(site, "2026-05-12T10:01:00Z", "H", "h1", "/pricing"));

        JsonNode r = results(id, "start=2026-05-10&end=2026-05-11");
        assertThat(visitors(r)).containsExactly(6L, 5L, 2L); // A B C D F G; A C D F G; A G
        JsonNode steps = r.path("steps");
        assertThat(steps.get(0).path("conversion_rate").asDouble()).isEqualTo(100.0);
        assertThat(steps.get(0).path("dropoff").asLong()).isZero();
        assertThat(steps.get(1).path("conversion_rate").asDouble()).isEqualTo(83.3);
        assertThat(steps.get(1).path("dropoff").asLong()).isEqualTo(1);
        assertThat(steps.get(1).path("dropoff_rate").asDouble()).isEqualTo(16.7);
        assertThat(steps.get(2).path("conversion_rate").asDouble()).isEqualTo(33.3);
        assertThat(steps.get(2).path("dropoff").asLong()).isEqualTo(3);
        assertThat(steps.get(2).path("dropoff_rate").asDouble()).isEqualTo(60.0);
        assertThat(r.path("entered").asLong()).isEqualTo(6);
        assertThat(r.path("completed").asLong()).isEqualTo(2);
        assertThat(r.path("conversion_rate").asDouble()).isEqualTo(33.3);
        assertThat(steps.get(2).path("name").asString()).isEqualTo("Signed up");

        // one day only: D's pricing is on the 11th
        assertThat(visitors(results(id, "start=2026-05-10&end=2026-05-10"))).containsExactly(6L, 4L, 2L);
        assertThat(visitors(results(id, "start=2026-05-11&end=2026-05-11"))).containsExactly(0L, 0L, 0L);
    }

    /** The 4-step funnel of the random-visit tests. */
    private String randomFunnel() {
        return create(funnel(
                "Random",
                pageStep("Landing", "/"),
                pageStep("Any post", "/blog/*"),
                goalStep("Signed up", "signup"),
                pageStep("Paid", "/thanks")));
    }

    /** 80 visitors with 1 to 9 random events each over two days, in several sessions, each from DE or US. */
    private List<Visit> randomVisits() {
        java.util.Random random = new java.util.Random(14);
        String[] pages = {"/", "/blog/a", "/blog/b", "/pricing", "/thanks"};
        List<Visit> visits = new ArrayList<>();
        java.time.Instant start = java.time.Instant.parse("2026-05-09T20:00:00Z");
        for (int v = 0; v < 80; v++) {
            String visitor = "V" + v;
            String country = random.nextBoolean() ? "DE" : "US";
            int events = 1 + random.nextInt(9);
            for (int e = 0; e < events; e++) {
                String session = visitor + "-s" + (e / 4); // several sessions per visitor
                String ts = start.plusSeconds(random.nextInt(2 * 24 * 3600)).toString();
                Visit visit = random.nextInt(5) == 0
                        ? goal(site, ts, visitor, session, "signup")
                        : page(site, ts, visitor, session, pages[random.nextInt(pages.length)]);
                visits.add(visit.from(country));
            }
        }
        append(visits.toArray(Visit[]::new));
        return visits;
    }

    @Test
    void step_counts_equal_a_brute_force_search_over_random_visits() {
        String id = randomFunnel();
        List<Visit> visits = randomVisits();
        for (String query : List.of("start=2026-05-10&end=2026-05-10", "start=2026-05-09&end=2026-05-11")) {
            java.time.LocalDate first = java.time.LocalDate.parse(query.substring(6, 16));
            java.time.LocalDate last = java.time.LocalDate.parse(query.substring(21, 31));
            java.time.Instant from =
                    first.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            java.time.Instant until =
                    last.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            assertThat(visitors(results(id, query))).as(query).isEqualTo(bruteForce(visits, from, until, null));
            // country is a session attribute: each visitor has one country here, so whole visitors drop out
            assertThat(visitors(results(id, query + "&country[is]=DE")))
                    .as(query + " DE")
                    .isEqualTo(bruteForce(visits, from, until, "DE"));
        }
    }

    // ---------------------------------------------------------------- the funnel_step filter

    private JsonNode get(String pathAndQuery) {
        ApiClient.Response r = owner.get(pathAndQuery);
        assertThat(r.status()).as(pathAndQuery + " " + r).isEqualTo(200);
        return r.json();
    }

    @Test
    void the_dashboard_filtered_to_a_step_counts_exactly_the_visitors_of_that_step() {
        String id = randomFunnel();
        randomVisits();
        for (String range : List.of("start=2026-05-10&end=2026-05-10", "start=2026-05-09&end=2026-05-11")) {
            for (String other : List.of("", "&country[is]=DE")) {
                String query = "site_id=" + site + "&" + range + other;
                List<Long> steps = visitors(results(id, range + other));
                assertThat(steps.get(0)).as("the oracle needs visitors").isGreaterThan(0);
                for (int k = 1; k <= steps.size(); k++) {
                    String step = "&funnel_step[is]=" + id + ":" + k;
                    String as = range + other + step;
                    long expected = steps.get(k - 1);
                    // the overview (sessions form), a breakdown over events (events form), the visitors list
                    assertThat(get("/api/v1/overview?" + query + step + "&metrics=visitors")
                                    .path("results")
                                    .path("visitors")
                                    .asLong())
                            .as("overview " + as)
                            .isEqualTo(expected);
                    // the events form: one monthly bucket holds the whole range, so its visitors are distinct
                    JsonNode month = get("/api/v1/timeseries?" + query + step + "&interval=month&metrics=visitors")
                            .path("results");
                    assertThat(month.size()).isEqualTo(1);
                    assertThat(month.get(0).path("visitors").asLong())
                            .as("timeseries " + as)
                            .isEqualTo(expected);
                    // a breakdown lists only those visitors (a visitor may sit in two rows, e.g. a goal-only session)
                    long byCountry = 0;
                    for (JsonNode row : get("/api/v1/breakdown?" + query + step + "&dimension=country")
                            .path("results")) {
                        assertThat(row.path("visitors").asLong()).isLessThanOrEqualTo(expected);
                        byCountry += row.path("visitors").asLong();
                    }
                    assertThat(byCountry).as("country breakdown " + as).isGreaterThanOrEqualTo(expected);
                    assertThat(get("/api/v1/visitors?" + query + step)
                                    .path("meta")
                                    .path("total")
                                    .asLong())
                            .as("visitors list " + as)
                            .isEqualTo(expected);
                    // the funnel itself, filtered to its own step k: every step up to k has the step's visitors
                    List<Long> narrowed = visitors(results(id, range + other + step));
                    for (int j = 1; j <= steps.size(); j++) {
                        assertThat(narrowed.get(j - 1))
                                .as("funnel " + as + " step " + j)
                                .isEqualTo(j <= k ? expected : steps.get(j - 1));
                    }
                }
            }
        }
        // compare=previous_period: the filter is evaluated again over the previous days
        long previousDay =
                visitors(results(id, "start=2026-05-09&end=2026-05-09")).get(1);
        JsonNode compared = get("/api/v1/overview?site_id=" + site
                + "&start=2026-05-10&end=2026-05-10&metrics=visitors&compare=previous_period&funnel_step[is]=" + id
                + ":2");
        assertThat(compared.path("previous").path("visitors").asLong()).isEqualTo(previousDay);
    }

    @Test
    void a_bad_funnel_step_filter_is_a_clear_4xx() {
        String id = create(funnel("Two", pageStep("Home", "/"), pageStep("Pricing", "/pricing")));
        String base = "/api/v1/overview?site_id=" + site + "&start=2026-05-10&end=2026-05-10&";
        ApiClient.Response beyond = owner.get(base + "funnel_step[is]=" + id + ":3");
        assertThat(beyond.status()).isEqualTo(400);
        assertThat(beyond.errorMessage()).contains("has 2 steps").contains(id + ":2");
        ApiClient.Response unknown = owner.get(base + "funnel_step[is]=fun_nope:1");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorMessage()).contains("fun_nope");
        ApiClient.Response malformed = owner.get(base + "funnel_step[is]=" + id);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorMessage()).contains("<funnel id>:<step number");
        ApiClient.Response negated = owner.get(base + "funnel_step[is_not]=" + id + ":1");
        assertThat(negated.status()).isEqualTo(400);
        assertThat(negated.errorMessage()).contains("only the is operator");
        ApiClient.Response two = owner.get(base + "funnel_step[is]=" + id + ":1&funnel_step[is]=" + id + ":2");
        assertThat(two.status()).isEqualTo(400);
        ApiClient.Response revenue = owner.get(base + "metrics=visitors,revenue&funnel_step[is]=" + id + ":1");
        assertThat(revenue.status()).isEqualTo(400);
        assertThat(revenue.errorMessage()).contains("cannot be filtered by funnel_step");
        // another account's funnel is unknown here, whoever asks
        ApiClient stranger = newAccount();
        String theirs = stranger.createWebsite(unique("other") + ".example.com");
        ApiClient.Response foreign = stranger.get(
                "/api/v1/overview?site_id=" + theirs + "&start=2026-05-10&end=2026-05-10&funnel_step[is]=" + id + ":1");
        assertThat(foreign.status()).isEqualTo(404);
    }

    /** Visitors per step by trying every ordered choice of events (no greedy shortcut): the oracle. */
    private static List<Long> bruteForce(
            List<Visit> visits, java.time.Instant from, java.time.Instant until, String country) {
        List<java.util.function.Predicate<Visit>> steps = List.of(
                v -> v.goal() == null && v.path().equals("/"),
                v -> v.goal() == null && v.path().startsWith("/blog/"),
                v -> "signup".equals(v.goal()),
                v -> v.goal() == null && v.path().equals("/thanks"));
        Map<String, List<Visit>> byVisitor = new LinkedHashMap<>();
        for (Visit v : visits) {
            if (v.ts().isBefore(from) || !v.ts().isBefore(until)) continue;
            if (country != null && !country.equals(v.country())) continue;
            byVisitor.computeIfAbsent(v.visitor(), k -> new ArrayList<>()).add(v);
        }
        long[] reached = new long[steps.size()];
        for (List<Visit> own : byVisitor.values()) {
            int best = deepest(own, steps, 0, null);
            for (int k = 0; k < best; k++) reached[k]++;
        }
        List<Long> out = new ArrayList<>();
        for (long r : reached) out.add(r);
        return out;
    }

    private static int deepest(
            List<Visit> own, List<java.util.function.Predicate<Visit>> steps, int k, java.time.Instant after) {
        if (k == steps.size()) return k;
        int best = k;
        for (Visit v : own) {
            if ((after == null || v.ts().isAfter(after)) && steps.get(k).test(v)) {
                best = Math.max(best, deepest(own, steps, k + 1, v.ts()));
            }
        }
        return best;
    }

    @Test
    void one_pageview_never_counts_as_two_steps() {
        String id = create(funnel("Any then pricing", pageStep("Any page", "/*"), pageStep("Pricing", "/pricing")));
        append(
                page(site, "2026-05-10T10:00:00Z", "A", "a1", "/pricing"),
                page(site, "2026-05-10T10:00:00Z", "B", "b1", "/"),
                page(site, "2026-05-10T10:05:00Z", "B", "b1", "/pricing"));
        assertThat(visitors(results(id, "start=2026-05-10&end=2026-05-10"))).containsExactly(2L, 1L);
    }

    @Test
    void wildcards_match_any_run_of_characters_and_like_wildcards_are_literal() {
        String id = create(funnel(
                "Blog to docs",
                pageStep("A post", "/blog/*"),
                pageStep("Docs", "/docs*"),
                pageStep("Plan", "/plan_a")));
        append(
                page(site, "2026-05-10T10:00:00Z", "A", "a1", "/blog/hello"),
                page(site, "2026-05-10T10:01:00Z", "A", "a1", "/docs/install/linux"),
                page(site, "2026-05-10T10:02:00Z", "A", "a1", "/plan_a"),
                // "/blog" itself is not a post; "/planXa" does not match the literal underscore
                page(site, "2026-05-10T10:00:00Z", "B", "b1", "/blog"),
                page(site, "2026-05-10T10:00:00Z", "C", "c1", "/blog/x"),
                page(site, "2026-05-10T10:01:00Z", "C", "c1", "/docs"),
                page(site, "2026-05-10T10:02:00Z", "C", "c1", "/planXa"),
                page(site, "2026-05-10T10:00:00Z", "D", "d1", "/blog/%"),
                page(site, "2026-05-10T10:01:00Z", "D", "d1", "/docs-old"),
                page(site, "2026-05-10T10:01:00Z", "E", "e1", "/documentation")); // no post first, and not "/docs"
        assertThat(visitors(results(id, "start=2026-05-10&end=2026-05-10"))).containsExactly(3L, 3L, 1L);
    }

    @Test
    void filters_keep_whole_sessions_session_and_event_level() {
        String id = create(funnel("Signup", pageStep("Home", "/"), goalStep("Signed up", "signup")));
        append(
                page(site, "2026-05-10T10:00:00Z", "A", "a1", "/").from("DE"),
                goal(site, "2026-05-10T10:01:00Z", "A", "a1", "signup").from("DE"),
                page(site, "2026-05-10T10:00:00Z", "B", "b1", "/"),
                page(site, "2026-05-10T10:01:00Z", "B", "b1", "/pricing"),
                goal(site, "2026-05-10T10:02:00Z", "B", "b1", "signup"),
                page(site, "2026-05-10T10:00:00Z", "C", "c1", "/").from("DE"));
        String day = "start=2026-05-10&end=2026-05-10";
        assertThat(visitors(results(id, day))).containsExactly(3L, 2L);
        assertThat(visitors(results(id, day + "&country[is]=DE"))).containsExactly(2L, 1L);
        assertThat(visitors(results(id, day + "&country[is_not]=DE"))).containsExactly(1L, 1L);
        // an event-level filter keeps the sessions that viewed the page, with all their other steps
        assertThat(visitors(results(id, day + "&pathname[is]=/pricing"))).containsExactly(1L, 1L);
        assertThat(visitors(results(id, day + "&pathname[is_not]=/pricing"))).containsExactly(2L, 1L);
        assertThat(visitors(results(id, day + "&pathname[is]=/pricing&country[is]=DE")))
                .containsExactly(0L, 0L);
        ApiClient.Response bad = owner.get("/api/v1/funnels/" + id + "?site_id=" + site + "&" + day + "&planet[is]=x");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).contains("Unknown dimension 'planet'");
    }

    @Test
    void the_range_is_read_in_the_sites_or_the_asked_time_zone() {
        String id = create(funnel("Signup", pageStep("Home", "/"), goalStep("Signed up", "signup")));
        // 02:00 and 02:30 UTC on the 11th are 22:00 and 22:30 on the 10th in New York (EDT, UTC-4).
        append(
                page(site, "2026-05-11T02:00:00Z", "A", "a1", "/"),
                goal(site, "2026-05-11T02:30:00Z", "A", "a1", "signup"),
                // 03:30 UTC on the 11th: home on the 10th in New York, signup 04:10 UTC is 00:10 on the 11th there
                page(site, "2026-05-11T03:30:00Z", "B", "b1", "/"),
                goal(site, "2026-05-11T04:10:00Z", "B", "b1", "signup"));
        assertThat(visitors(results(id, "start=2026-05-10&end=2026-05-10"))).containsExactly(0L, 0L);
        assertThat(visitors(results(id, "start=2026-05-11&end=2026-05-11"))).containsExactly(2L, 2L);
        JsonNode ny = owner.get("/api/v1/funnels/" + id + "?site_id=" + site
                        + "&start=2026-05-10&end=2026-05-10&timezone=America/New_York")
                .json();
        assertThat(visitors(ny.path("results"))).containsExactly(2L, 1L);
        assertThat(ny.path("meta").path("timezone").asString()).isEqualTo("America/New_York");
        assertThat(visitors(results(id, "start=2026-05-11&end=2026-05-11&timezone=America/New_York")))
                .containsExactly(0L, 0L);
    }

    @Test
    void goal_steps_follow_the_sites_pageview_goals() {
        ApiClient.Response goal = owner.post(
                "/api/websites/" + site + "/goals",
                Map.of("name", "saw_pricing", "goal_type", "pageview", "path", "/pricing*"));
        assertThat(goal.status()).as(goal.toString()).isEqualTo(201);
        String id = create(funnel("Pricing", pageStep("Home", "/"), goalStep("Saw pricing", "saw_pricing")));
        append(
                page(site, "2026-05-10T10:00:00Z", "A", "a1", "/"),
                page(site, "2026-05-10T10:01:00Z", "A", "a1", "/pricing/teams"),
                page(site, "2026-05-10T10:00:00Z", "B", "b1", "/"));
        assertThat(visitors(results(id, "start=2026-05-10&end=2026-05-10"))).containsExactly(2L, 1L);
    }

    @Test
    void revenue_is_what_completers_paid_in_the_range() {
        String id = create(funnel("Buy", pageStep("Product", "/product"), pageStep("Thanks", "/thanks")));
        append(
                page(site, "2026-05-10T10:00:00Z", "A", "a1", "/product"),
                page(site, "2026-05-10T10:05:00Z", "A", "a1", "/thanks"),
                page(site, "2026-05-10T11:00:00Z", "B", "b1", "/product"));
        pay("A", "a-1", "49.90", "2026-05-10T10:04:00Z");
        pay("A", "a-2", "10.00", "2026-05-10T12:00:00Z");
        pay("A", "a-3", "99.00", "2026-05-12T12:00:00Z"); // after the range
        pay("B", "b-1", "20.00", "2026-05-10T11:01:00Z"); // did not complete
        JsonNode r = results(id, "start=2026-05-10&end=2026-05-10");
        assertThat(visitors(r)).containsExactly(2L, 1L);
        assertThat(r.path("revenue").decimalValue()).isEqualByComparingTo("59.90");
        assertThat(r.path("currency").asString()).isEqualTo("USD");
        JsonNode none = results(id, "start=2026-05-11&end=2026-05-11");
        assertThat(none.path("revenue").decimalValue()).isEqualByComparingTo("0");
        assertThat(none.path("conversion_rate").asDouble()).isZero();
    }

    private void pay(String visitor, String transaction, String amount, String timestamp) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", amount);
        body.put("currency", "USD");
        body.put("transaction_id", transaction + "-" + site);
        body.put("visitor_id", visitor);
        body.put("timestamp", timestamp);
        ApiClient.Response r = owner.post("/api/v1/payments?site_id=" + site, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
