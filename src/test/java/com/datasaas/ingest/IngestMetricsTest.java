package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestMetricsTest extends RunningApp {

    double metric(String text, String line) {
        return text.lines()
                .filter(l -> l.startsWith(line + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    @Test
    void prometheus_reports_accepted_and_dropped_events_buffer_and_step_timers() {
        ApiClient owner = newAccount();
        String siteId = owner.createWebsite("metrics.example");
        String before = newClient().get("/actuator/prometheus").body();

        for (String agent : new String[] {EventsEndpointTest.CHROME, EventsEndpointTest.GOOGLEBOT}) {
            ApiClient.Response response = newClient()
                    .raw(HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                            .header("Content-Type", "application/json")
                            .header("User-Agent", agent)
                            .header("X-Forwarded-For", uniqueAddress())
                            .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(Map.of(
                                    "website_id", siteId,
                                    "visitor_id", "m",
                                    "session_id", "m",
                                    "url", "https://metrics.example/")))));
            assertThat(response.status()).isEqualTo(202);
        }

        ApiClient.Response scrape = newClient().get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        String after = scrape.body();
        assertThat(metric(after, "datasaas_events_accepted_total") - metric(before, "datasaas_events_accepted_total"))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(after, "datasaas_events_dropped_total{reason=\"bot\"}")
                        - metric(before, "datasaas_events_dropped_total{reason=\"bot\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(after)
                .contains("datasaas_ingest_buffer_depth")
                .contains("datasaas_ingest_flush_size")
                .contains("datasaas_ingest_flush_latency_seconds")
                .contains("datasaas_ingest_step_seconds_count{step=\"drop_bot\"}")
                .contains("datasaas_ingest_step_seconds_count{step=\"write_to_buffer\"}");
    }

    @Test
    void health_is_up_once_events_are_accepted() {
        ApiClient owner = newAccount();
        String siteId = owner.createWebsite("health.example");
        ApiClient.Response event = newClient()
                .raw(
                        HttpRequest.newBuilder(URI.create(owner.base() + "/api/events"))
                                .header("Content-Type", "application/json")
                                .header("User-Agent", EventsEndpointTest.CHROME)
                                .header("X-Forwarded-For", uniqueAddress())
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"website_id\":\"" + siteId
                                                        + "\",\"visitor_id\":\"h\",\"session_id\":\"h\",\"url\":\"https://health.example/\"}")));
        assertThat(event.status()).isEqualTo(202);
        ApiClient.Response health = newClient().get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
    }
}
