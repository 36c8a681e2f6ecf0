package com.datasaas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.OpenApiContract;
import com.datasaas.support.RunningApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document against the code: it is OpenAPI 3.1, it lists every controller route, and it equals the
 * committed snapshot {@code web/openapi.json} the dashboard's TypeScript types are generated from. (That every real
 * answer matches it is checked on every request of every HTTP test, by {@link OpenApiContract} in ApiClient.)
 */
class ApiContractTest extends RunningApp {
    static final Path SNAPSHOT = Path.of("web", "openapi.json");

    /** Controllers that answer HTML pages, not API: the dashboard's client-side routes all serve index.html. */
    /**
     * Not API routes: the dashboard's HTML pages, and the container's error dispatch ({@code /error}), whose answers
     * are the documented errors of the route that failed.
     */
    static final Set<String> NOT_API =
            Set.of("com.datasaas.dashboard.DashboardController", "com.datasaas.app.ErrorEndpoint");

    private final RequestMappingHandlerMapping handlers;

    ApiContractTest(@Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping handlers) {
        this.handlers = handlers;
    }

    @Test
    void the_document_is_openapi_3_1_with_both_auth_schemes_and_the_one_error_schema() {
        JsonNode doc = OpenApiContract.fetch(newClient().base());
        assertThat(doc.path("openapi").asString()).startsWith("3.1.");
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.path("apiKey").path("scheme").asString()).isEqualTo("bearer");
        assertThat(schemes.path("session").path("in").asString()).isEqualTo("cookie");
        assertThat(schemes.path("csrf").path("name").asString()).isEqualTo("X-XSRF-TOKEN");
        JsonNode detail = doc.path("components").path("schemas").path("ErrorDetail");
        assertThat(detail.path("required").toString())
                .contains("code")
                .contains("message")
                .doesNotContain("field");
    }

    @Test
    void every_controller_route_is_in_the_document() {
        JsonNode paths = OpenApiContract.fetch(newClient().base()).path("paths");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (var entry : handlers.getHandlerMethods().entrySet()) {
            String controller = entry.getValue().getBeanType().getName();
            if (!controller.startsWith("com.datasaas.") || NOT_API.contains(controller)) continue;
            Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
            for (String pattern : entry.getKey().getPatternValues()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    checked++;
                    if (paths.path(pattern).get(method.name().toLowerCase(Locale.ROOT)) == null) {
                        missing.add(method + " " + pattern + " (" + controller + ")");
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(missing)
                .as("controller routes missing from /api/openapi.json")
                .isEmpty();
    }

    /** The JSON pointers where two documents differ (at most 20), for a readable failure. */
    static void diff(String at, JsonNode committed, JsonNode served, List<String> out) {
        if (out.size() >= 20 || committed.equals(served)) return;
        if (committed.isObject() && served.isObject()) {
            Set<String> names = new java.util.TreeSet<>(committed.propertyNames());
            names.addAll(served.propertyNames());
            for (String name : names) {
                JsonNode a = committed.get(name);
                JsonNode b = served.get(name);
                String pointer = at + "/" + name.replace("~", "~0").replace("/", "~1");
                if (a == null) out.add(pointer + ": only in the served document");
                else if (b == null) out.add(pointer + ": only in web/openapi.json");
                else diff(pointer, a, b, out);
            }
            return;
        }
        out.add(at + ": " + committed + " in web/openapi.json, " + served + " served");
    }

    /**
     * {@code web/openapi.json} is what the dashboard's types are generated from, so it must be what the server
     * serves. After changing the API, refresh it with {@code ./mvnw test -Dskip.npm -Dtest=ApiContractTest
     * -Dopenapi.update=true} and commit it with the change.
     */
    @Test
    void the_committed_snapshot_is_the_served_document() throws IOException {
        JsonNode served = OpenApiContract.fetch(newClient().base());
        String text = JsonMapper.builder()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .build()
                        .writeValueAsString(served)
                + "\n";
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(SNAPSHOT, text, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(SNAPSHOT) ? Files.readString(SNAPSHOT, StandardCharsets.UTF_8) : "{}";
        List<String> differences = new ArrayList<>();
        diff("", ApiClient.JSON.readTree(committed), served, differences);
        assertThat(differences)
                .as("web/openapi.json differs from the served /api/openapi.json at these JSON pointers. If the API"
                        + " change is intended, regenerate it: ./mvnw test -Dskip.npm -Dtest=ApiContractTest"
                        + " -Dopenapi.update=true (then rebuild web/, whose types come from it)")
                .isEmpty();
    }
}
