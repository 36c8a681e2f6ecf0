package com.datasaas.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the dashboard's routes with its index.html so deep links and reloads work; the hashed assets under
 * /assets are plain static resources with a long cache lifetime. index.html itself, also under its own name, is
 * never cached, so a new release is picked up on the next load. Its Content-Security-Policy comes from the security
 * chain, which puts it on every answer.
 */
@RestController
class DashboardController {
    private final byte[] index = load();

    private static byte[] load() {
        try (InputStream in = DashboardController.class.getClassLoader().getResourceAsStream("static/index.html")) {
            if (in != null) return in.readAllBytes();
        } catch (IOException e) {
            // fall through to the explanation below
        }
        return ("<!doctype html><title>DataSaaS</title><p>The dashboard was not built into this jar."
                        + " Build with <code>./mvnw package</code> (it runs npm in web/). The API works regardless.")
                .getBytes(StandardCharsets.UTF_8);
    }

    @GetMapping({
        "/",
        "/index.html",
        "/login",
        "/signup",
        "/sites/{id}",
        "/sites/{id}/realtime",
        "/sites/{id}/visitors",
        "/sites/{id}/visitors/{visitorId}",
        "/sites/{id}/goals",
        "/sites/{id}/funnels",
        "/sites/{id}/settings",
        "/sites/{id}/integrations",
        "/settings/api-keys",
        "/settings/account"
    })
    ResponseEntity<byte[]> index() {
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_HTML)
                .cacheControl(CacheControl.noCache())
                .body(index);
    }
}
