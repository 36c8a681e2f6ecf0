package com.datasaas.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client against the running app, like a browser (cookie jar, XSRF header echoed from the cookie) or an
 * API consumer (bearer key). One instance per simulated user. Every answer is checked against the app's OpenAPI
 * document ({@link OpenApiContract}): an undocumented status or a body that does not match its schema fails the test.
 */
public final class ApiClient {
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String bearer;
    private String forwardedFor;

    public ApiClient(int port) {
        this.base = "http://localhost:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).build();
    }

    public ApiClient withBearer(String key) {
        ApiClient client = new ApiClient(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)));
        client.bearer = key;
        return client;
    }

    /** Every request of this client claims to come from {@code address} (loopback is a trusted proxy in tests). */
    public ApiClient from(String address) {
        this.forwardedFor = address;
        return this;
    }

    public String base() {
        return base;
    }

    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String errorMessage() {
            return json().path("error").path("message").asString();
        }

        /** The request field the error names, or null when it names none. */
        public String errorField() {
            JsonNode field = json().path("error").path("field");
            return field.isString() ? field.asString() : null;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), false);
    }

    public Response post(String path, Object body) {
        return send(json(HttpRequest.newBuilder(URI.create(base + path)), "POST", body), true);
    }

    public Response patch(String path, Object body) {
        return send(json(HttpRequest.newBuilder(URI.create(base + path)), "PATCH", body), true);
    }

    public Response put(String path, Object body) {
        return send(json(HttpRequest.newBuilder(URI.create(base + path)), "PUT", body), true);
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), true);
    }

    /** A mutating request without the XSRF header, as a cross-site form post would arrive. */
    public Response postWithoutCsrf(String path, Object body) {
        return send(json(HttpRequest.newBuilder(URI.create(base + path)), "POST", body), false);
    }

    public Response raw(HttpRequest.Builder builder) {
        return send(builder, false);
    }

    private HttpRequest.Builder json(HttpRequest.Builder builder, String method, Object body) {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
    }

    private Response send(HttpRequest.Builder builder, boolean csrf) {
        if (bearer != null) builder.header("Authorization", "Bearer " + bearer);
        if (forwardedFor != null) builder.header("X-Forwarded-For", forwardedFor);
        if (csrf && bearer == null) {
            String token = xsrfToken();
            if (token == null) {
                get("/api/me"); // any request hands out the XSRF-TOKEN cookie
                token = xsrfToken();
            }
            if (token != null) builder.header("X-XSRF-TOKEN", token);
        }
        try {
            HttpRequest request = builder.build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            // Every answer any test sees must be one the OpenAPI document describes.
            OpenApiContract.of(base)
                    .check(
                            request.method(),
                            request.uri(),
                            response.statusCode(),
                            response.headers().firstValue("Content-Type").orElse(null),
                            response.body());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String xsrfToken() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("XSRF-TOKEN"))
                .map(HttpCookie::getValue)
                .findFirst()
                .orElse(null);
    }

    public String sessionCookie() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("DATASAAS_SESSION"))
                .map(HttpCookie::getValue)
                .findFirst()
                .orElse(null);
    }

    /** Signs up a fresh account with a unique email and returns this client, now logged in. */
    public ApiClient signUp(String email) {
        Response r = post("/api/auth/signup", Map.of("email", email, "password", "correct horse battery", "name", "T"));
        if (r.status() != 201) throw new IllegalStateException("signup failed: " + r);
        return this;
    }

    /** Creates a website and returns its id. */
    public String createWebsite(String domain) {
        Response r = post("/api/websites", Map.of("domain", domain));
        if (r.status() != 201) throw new IllegalStateException("website creation failed: " + r);
        return r.json().path("id").asString();
    }
}
