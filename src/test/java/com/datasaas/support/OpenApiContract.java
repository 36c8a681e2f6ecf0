package com.datasaas.support;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The app's own OpenAPI document as a checker of real answers: {@link #check} finds the documented operation for a
 * request, fails when the status it answered is not documented, and validates a JSON body against the documented
 * schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1). {@link ApiClient} runs it on every answer, so every HTTP
 * test of the suite is also a contract test.
 */
public final class OpenApiContract {
    private static final Map<String, OpenApiContract> BY_BASE = new ConcurrentHashMap<>();

    private final JsonNode document;
    private final List<Route> routes = new ArrayList<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private record Route(String template, Pattern pattern, JsonNode item) {}

    OpenApiContract(JsonNode document) {
        this.document = document;
        document.path("paths")
                .properties()
                .forEach(e -> routes.add(new Route(
                        e.getKey(), Pattern.compile(e.getKey().replaceAll("\\{[^/]+}", "[^/]+")), e.getValue())));
    }

    /** The document served by the app at {@code base}, fetched once. */
    public static OpenApiContract of(String base) {
        return BY_BASE.computeIfAbsent(base, b -> new OpenApiContract(fetch(b)));
    }

    public static JsonNode fetch(String base) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/api/openapi.json"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET /api/openapi.json answered " + response.statusCode());
            }
            return ApiClient.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /**
     * Checks one real answer. Paths outside the document (the dashboard's pages, static assets, actuator, unknown
     * URLs) are not the API's and are skipped; route coverage is checked separately.
     */
    public void check(String method, URI uri, int status, String contentType, String body) {
        String path = uri.getPath();
        Route route = routes.stream()
                .filter(r -> r.pattern().matcher(path).matches())
                // a literal segment beats a template: /realtime-map/events before /{provider}
                .min((a, b) -> Integer.compare(braces(a.template()), braces(b.template())))
                .orElse(null);
        if (route == null) return;
        String verb = method.toLowerCase(Locale.ROOT);
        if (verb.equals("options") || verb.equals("head")) return; // CORS preflights and HEAD are not operations
        JsonNode operation = route.item().get(verb);
        if (operation == null) {
            if (status == 405) return; // the method is refused by design
            throw new AssertionError(method + " " + route.template() + " is not in the OpenAPI document");
        }
        String code = Integer.toString(status);
        JsonNode answer = operation.path("responses").get(code);
        if (answer == null) answer = operation.path("responses").get("default");
        if (answer == null) {
            throw new AssertionError(method + " " + path + " answered " + status + " (" + body
                    + "), a status its OpenAPI operation does not document");
        }
        boolean json = contentType != null && contentType.startsWith("application/json");
        if (!json || body == null || body.isBlank()) return;
        JsonNode media = answer.path("content").get("application/json");
        if (media == null) {
            throw new AssertionError(method + " " + path + " answered " + status
                    + " with a JSON body, but the document describes no JSON body for it: " + body);
        }
        String pointer = "/paths/" + escape(route.template()) + "/" + verb + "/responses/" + code
                + "/content/application~1json/schema";
        if (operation.path("responses").get(code) == null) pointer = pointer.replace("/" + code + "/", "/default/");
        Schema schema = schemas.computeIfAbsent(pointer, this::schemaAt);
        List<Error> errors = schema.validate(ApiClient.JSON.readTree(body));
        if (!errors.isEmpty()) {
            throw new AssertionError(method + " " + path + " answered " + status + " with a body that does not match"
                    + " the OpenAPI document: " + errors + "\nbody: " + body);
        }
    }

    /** The schema at a JSON pointer of the document, with its {@code #/components/...} references resolvable. */
    private Schema schemaAt(String pointer) {
        ObjectNode root = (ObjectNode) document.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$ref", "#" + pointer);
        return registry.getSchema(root);
    }

    private static int braces(String template) {
        return (int) template.chars().filter(c -> c == '{').count();
    }

    private static String escape(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }
}
