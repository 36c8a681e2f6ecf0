package com.datasaas.revenue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local Lemon Squeezy speaking its JSON:API: {@code application/vnd.api+json}, {@code /v1/users/me},
 * {@code /v1/orders} paged by {@code page[number]}/{@code page[size]} with {@code meta.page} and {@code links},
 * JSON:API error objects, and 429s on demand. Pages hold at most {@link #PAGE} orders.
 */
final class FakeLemonSqueezy implements AutoCloseable {
    static final int PAGE = 2;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    final HttpServer server;
    final Map<String, List<Map<String, Object>>> ordersByKey = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger rateLimitNext = new AtomicInteger();

    FakeLemonSqueezy() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Map<String, Object>> orders(String key) {
        return ordersByKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            Map<String, String> params = params(query);
            requests.add(path + (query == null ? "" : "?" + URLDecoder.decode(query, StandardCharsets.UTF_8)));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String key = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
            if (!ordersByKey.containsKey(key)) {
                error(exchange, 401, "Unauthorized", "Unauthenticated.");
                return;
            }
            if (rateLimitNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                error(exchange, 429, "Too Many Requests", "Too Many Attempts.");
                return;
            }
            if (path.equals("/v1/users/me")) {
                send(
                        exchange,
                        200,
                        Map.of(
                                "jsonapi", Map.of("version", "1.0"),
                                "links", Map.of("self", base() + "/v1/users/1"),
                                "data",
                                        Map.of(
                                                "type", "users",
                                                "id", "1",
                                                "attributes",
                                                        Map.of(
                                                                "name", "Lemon Shop Owner",
                                                                "email", "owner@example.com",
                                                                "has_custom_avatar", false))));
                return;
            }
            if (path.equals("/v1/orders")) {
                List<Map<String, Object>> all = orders(key);
                int number = Integer.parseInt(params.getOrDefault("page[number]", "1"));
                int size = Math.min(PAGE, Integer.parseInt(params.getOrDefault("page[size]", "10")));
                int last = Math.max(1, (all.size() + size - 1) / size);
                List<Map<String, Object>> data = new ArrayList<>();
                for (int i = (number - 1) * size; i < Math.min(all.size(), number * size); i++) data.add(all.get(i));
                Map<String, Object> page = new LinkedHashMap<>();
                page.put("currentPage", number);
                page.put("from", (number - 1) * size + 1);
                page.put("lastPage", last);
                page.put("perPage", size);
                page.put("to", (number - 1) * size + data.size());
                page.put("total", all.size());
                String self = base() + "/v1/orders?page%5Bnumber%5D=";
                Map<String, Object> links = new LinkedHashMap<>();
                links.put("first", self + 1 + "&page%5Bsize%5D=" + size);
                links.put("last", self + last + "&page%5Bsize%5D=" + size);
                if (number < last) links.put("next", self + (number + 1) + "&page%5Bsize%5D=" + size);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("meta", Map.of("page", page));
                body.put("jsonapi", Map.of("version", "1.0"));
                body.put("links", links);
                body.put("data", data);
                send(exchange, 200, body);
                return;
            }
            error(exchange, 404, "Not Found", "The requested resource could not be found.");
        }
    }

    static Map<String, Object> order(
            String id, long total, String currency, long totalUsd, String status, long refunded, String createdAt) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("store_id", 1);
        a.put("customer_id", 77);
        a.put("identifier", "104e18a2-d755-4d4b-80c4-" + id);
        a.put("order_number", Integer.parseInt(id));
        a.put("user_name", "John Doe");
        a.put("user_email", "john@example.com");
        a.put("currency", currency);
        a.put("currency_rate", "1.0000");
        a.put("subtotal", total);
        a.put("discount_total", 0);
        a.put("tax", 0);
        a.put("total", total);
        a.put("subtotal_usd", totalUsd);
        a.put("total_usd", totalUsd);
        a.put("status", status);
        a.put("status_formatted", status);
        a.put("refunded", status.equals("refunded"));
        a.put("refunded_at", refunded > 0 ? createdAt : null);
        a.put("refunded_amount", refunded);
        a.put("created_at", createdAt);
        a.put("updated_at", createdAt);
        a.put("test_mode", true);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "orders");
        o.put("id", id);
        o.put("attributes", a);
        o.put("links", Map.of("self", "https://api.lemonsqueezy.com/v1/orders/" + id));
        return o;
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) return out;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) continue;
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void error(HttpExchange exchange, int status, String title, String detail) throws IOException {
        send(
                exchange,
                status,
                Map.of(
                        "jsonapi",
                        Map.of("version", "1.0"),
                        "errors",
                        List.of(Map.of("detail", detail, "status", Integer.toString(status), "title", title))));
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.api+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
