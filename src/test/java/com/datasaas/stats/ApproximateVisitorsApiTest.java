package com.datasaas.stats;

import static com.datasaas.events.TestEvent.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code meta.approximate} over real HTTP: every stats answer that took visitors over several days from the day
 * rollup's sketches says so (overview, breakdowns with and without revenue metrics), and the numbers are those of the
 * exact plans (a handful of visitors: the sketches hold them exactly). The day plan answers a site of any size here
 * through the engine's test seam, put back after each test.
 */
class ApproximateVisitorsApiTest extends RunningApp {
    private static final List<String> PATHS = List.of(
            "/api/v1/overview",
            "/api/v1/breakdown?dimension=channel&metrics=visitors,sessions,pageviews,bounce_rate",
            "/api/v1/breakdown?dimension=channel&metrics=visitors,revenue",
            "/api/v1/breakdown?dimension=pathname&metrics=visitors,pageviews&limit=2");

    @Autowired
    EventStore store;

    @Autowired
    StatsEngine engine;

    private ApiClient owner;
    private String site;

    @BeforeEach
    void visits() {
        owner = newAccount();
        site = owner.createWebsite(unique("days") + ".example.com");
        List<Event> batch = new ArrayList<>();
        String[] channels = {"Direct", "Organic Search", "Referral"};
        for (int day = 8; day <= 10; day++) {
            for (int v = 0; v < 6; v++) {
                // Visitor v comes back on every day: visitors over the range are fewer than the days' sum.
                batch.add(pageview(site, "2026-05-%02dT1%d:00:00Z".formatted(day, v), "v" + v, "s" + v + day, "/p" + v)
                        .channel(channels[v % 3])
                        .build());
            }
        }
        store.append(batch);
        DuckDbEventStore duck = (DuckDbEventStore) store;
        duck.rollUp(Instant.parse("2026-11-30T00:00:00Z"), false);
        String zone = owner.get("/api/websites/" + site).json().path("timezone").asString();
        duck.rollDays(site, ZoneId.of(zone));
    }

    @AfterEach
    void exactAgain() {
        engine.exactBelow(DayAnswers.EXACT_BELOW);
    }

    private JsonNode get(String path) {
        String sep = path.contains("?") ? "&" : "?";
        ApiClient.Response r = owner.get(path + sep + "site_id=" + site + "&start=2026-05-08&end=2026-05-10");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void answers_from_sketches_say_so_and_equal_the_exact_answers() {
        List<JsonNode> exact = new ArrayList<>();
        for (String path : PATHS) {
            JsonNode answer = get(path);
            assertThat(answer.path("meta").has("approximate"))
                    .as("a small site is answered exactly: " + path)
                    .isFalse();
            exact.add(answer);
        }
        engine.exactBelow(0);
        for (int i = 0; i < PATHS.size(); i++) {
            JsonNode answer = get(PATHS.get(i));
            assertThat(answer.path("meta").path("approximate").toString())
                    .as(PATHS.get(i))
                    .isEqualTo("[\"visitors\"]");
            JsonNode results = answer.path("results");
            JsonNode before = exact.get(i).path("results");
            assertThat(results).as(PATHS.get(i)).isEqualTo(before);
            assertThat(answer.path("meta").path("total"))
                    .as("groups counted from the same answer: " + PATHS.get(i))
                    .isEqualTo(exact.get(i).path("meta").path("total"));
        }
        // Visitors over the three days count each returning visitor once: 6, not 18.
        assertThat(get("/api/v1/overview").path("results").path("visitors").asLong())
                .isEqualTo(6);
    }
}
