package com.datasaas.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The launcher's training run for the JDK 24+ ahead-of-time cache ({@code datasaas cds-archive}, {@code
 * -Ddatasaas.training-run=true}): the service runs until it answers healthy, takes one event and one dashboard and
 * stats request, then exits, so that the JVM caches every class start-up loads until healthy and the first requests
 * load, not only those of the refreshed context (about 700 more; docs/benchmarks.md, "Start-up, round 6"). Java 17's
 * class data sharing archive is still trained to the refreshed context only: trained this far it started slower. Requests go over the service's own port, so they take the path real clients take (Tomcat,
 * the filter chain, the ingest pipeline, the security answer to an unauthenticated stats request). Their answers do
 * not matter, only the code they run: the data dir is thrown away. {@link HttpURLConnection} rather than the JDK's
 * HttpClient, whose own classes the service never uses and would only make the archive larger.
 */
@Component
@ConditionalOnBooleanProperty("datasaas.training-run")
final class TrainingRun {
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);
    /** Long enough for a start on a loaded build machine; health is normally UP within seconds of the ready event. */
    private static final long HEALTH_WAIT_MILLIS = 600_000;

    private final ApplicationContext context;
    private final Environment environment;

    TrainingRun(ApplicationContext context, Environment environment) {
        this.context = context;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        // Its own thread: the ready event's thread is main, which Spring Boot still has work for after the event.
        Thread run = new Thread(this::trainAndExit, "training-run");
        run.start();
    }

    private void trainAndExit() {
        int exitCode = 1;
        try {
            String base = "http://127.0.0.1:" + environment.getRequiredProperty("local.server.port");
            awaitHealthy(base);
            String today = LocalDate.now().toString();
            int event = request(
                    "POST",
                    base + "/api/events",
                    "{\"website_id\":\"mrf_trainingrun\",\"event_type\":\"pageview\","
                            + "\"url\":\"https://training.example/start?utm_source=training\","
                            + "\"referrer\":\"https://www.google.com/\"}");
            int dashboard = request("GET", base + "/", null);
            int stats = request(
                    "GET", base + "/api/v1/overview?site_id=mrf_trainingrun&start=" + today + "&end=" + today, null);
            log.info("Training run: healthy; event {}, dashboard {}, stats {}; exiting", event, dashboard, stats);
            exitCode = 0;
        } catch (IOException | RuntimeException e) {
            log.error("Training run failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Exit, not halt: the JVM writes the archive (ArchiveClassesAtExit, AOTMode=record) on its way out.
        int code = exitCode;
        System.exit(SpringApplication.exit(context, () -> code));
    }

    private static void awaitHealthy(String base) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + HEALTH_WAIT_MILLIS;
        while (request("GET", base + "/actuator/health", null) != 200) {
            if (System.currentTimeMillis() > deadline) throw new IOException("the service did not turn healthy");
            Thread.sleep(50);
        }
    }

    private static int request(String method, String url, String json) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setRequestProperty(
                "User-Agent",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/120.0.0.0 Safari/537.36");
        if (json != null) {
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            try (OutputStream body = connection.getOutputStream()) {
                body.write(json.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = connection.getResponseCode();
        try (InputStream answer = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            if (answer != null) answer.readAllBytes();
        }
        connection.disconnect();
        return status;
    }
}
