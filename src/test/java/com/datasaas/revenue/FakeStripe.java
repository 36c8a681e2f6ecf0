package com.datasaas.revenue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local Stripe speaking the documented JSON: bearer keys, list objects with {@code has_more} and
 * {@code starting_after}, {@code created[gte]} and {@code status} filters, {@code expand[]} of balance transactions and
 * customers, error objects, and 429s on demand. Pages hold at most {@link #PAGE} items whatever limit is asked, so
 * every test exercises pagination. Objects are plain maps in Stripe's shape; one fake serves every account, each with
 * its own key.
 */
final class FakeStripe implements AutoCloseable {
    static final int PAGE = 2;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    final HttpServer server;
    final Map<String, Account> accounts = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger rateLimitNext = new AtomicInteger();
    /** Requests to answer by hanging up without a response, as a dropped connection looks to the client. */
    final AtomicInteger dropNext = new AtomicInteger();

    volatile long delayMillis;

    /** One Stripe account's data. */
    static final class Account {
        final String name;
        final Map<String, List<Map<String, Object>>> lists = new ConcurrentHashMap<>();
        final Map<String, Map<String, Object>> objects = new ConcurrentHashMap<>();

        Account(String name) {
            this.name = name;
        }

        void add(String list, Map<String, Object> object) {
            lists.computeIfAbsent(list, k -> new CopyOnWriteArrayList<>()).add(object);
            objects.put((String) object.get("id"), object);
        }

        /** Adds a balance transaction or customer that lists can expand. */
        void put(Map<String, Object> object) {
            objects.put((String) object.get("id"), object);
        }
    }

    FakeStripe() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Account account(String key, String name) {
        return accounts.computeIfAbsent(key, k -> new Account(name));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(path + (query == null ? "" : "?" + URLDecoder.decode(query, StandardCharsets.UTF_8)));
            if (delayMillis > 0) Thread.sleep(delayMillis);
            if (path.startsWith("/v1/charges") && dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return; // no response at all: closing the exchange drops the connection
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String key = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
            Account account = accounts.get(key);
            if (account == null) {
                String masked =
                        key.length() > 8 ? key.substring(0, 8) + "*".repeat(4) + key.substring(key.length() - 4) : "";
                error(exchange, 401, "invalid_request_error", "Invalid API Key provided: " + masked);
                return;
            }
            if (rateLimitNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                error(
                        exchange,
                        429,
                        "rate_limit_error",
                        "Too many requests hit the API too quickly. We recommend an exponential backoff of your"
                                + " requests.");
                return;
            }
            Map<String, List<String>> params = params(query);
            if (path.equals("/v1/account")) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", "acct_fake");
                body.put("object", "account");
                body.put("email", "owner@example.com");
                body.put("settings", Map.of("dashboard", Map.of("display_name", account.name)));
                send(exchange, 200, body);
                return;
            }
            String[] parts = path.substring(1).split("/");
            String list = switch (path) {
                case "/v1/charges" -> "charges";
                case "/v1/payment_intents" -> "payment_intents";
                case "/v1/checkout/sessions" -> "checkout_sessions";
                case "/v1/invoices" -> "invoices";
                case "/v1/refunds" -> "refunds";
                default -> null;
            };
            if (list != null) {
                send(exchange, 200, list(account, list, path, params));
                return;
            }
            if (parts.length == 3 && account.objects.containsKey(parts[2])) {
                Map<String, Object> object = expand(account, account.objects.get(parts[2]), params, "");
                send(exchange, 200, object);
                return;
            }
            error(exchange, 404, "invalid_request_error", "Unrecognized request URL (GET: " + path + ").");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> list(Account account, String name, String url, Map<String, List<String>> params) {
        List<Map<String, Object>> all = new ArrayList<>(account.lists.getOrDefault(name, List.of()));
        all.sort(Comparator.comparingLong((Map<String, Object> o) -> ((Number) o.get("created")).longValue())
                .reversed());
        String gte = first(params, "created[gte]");
        if (gte != null) {
            long min = Long.parseLong(gte);
            all.removeIf(o -> ((Number) o.get("created")).longValue() < min);
        }
        String status = first(params, "status");
        if (status != null) all.removeIf(o -> !status.equals(o.get("status")));
        String after = first(params, "starting_after");
        int from = 0;
        if (after != null) {
            for (int i = 0; i < all.size(); i++) {
                if (after.equals(all.get(i).get("id"))) from = i + 1;
            }
        }
        String limitText = first(params, "limit");
        int limit = Math.min(PAGE, limitText == null ? 10 : Integer.parseInt(limitText));
        List<Map<String, Object>> page = new ArrayList<>();
        for (int i = from; i < Math.min(all.size(), from + limit); i++) {
            page.add(expand(account, all.get(i), params, "data."));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("url", url);
        body.put("has_more", from + limit < all.size());
        body.put("data", page);
        return body;
    }

    private static Map<String, Object> expand(
            Account account, Map<String, Object> object, Map<String, List<String>> params, String prefix) {
        List<String> expand = new ArrayList<>();
        params.forEach((k, v) -> {
            if (k.startsWith("expand[")) expand.addAll(v);
        });
        Map<String, Object> out = new LinkedHashMap<>(object);
        for (String field : List.of("balance_transaction", "customer")) {
            if (expand.contains(prefix + field)
                    && out.get(field) instanceof String id
                    && account.objects.containsKey(id)) {
                out.put(field, account.objects.get(id));
            }
        }
        return out;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Map<String, List<String>> params(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null) return out;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        if (status == 429) error.put("code", "rate_limit");
        send(exchange, status, Map.of("error", error));
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Request-Id", "req_fake");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // Builders for objects in Stripe's shape.

    static Map<String, Object> charge(
            String id,
            String paymentIntent,
            long amount,
            String currency,
            long created,
            long refunded,
            String balanceTransaction,
            String customer,
            Map<String, String> metadata) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("object", "charge");
        c.put("amount", amount);
        c.put("amount_captured", amount);
        c.put("amount_refunded", refunded);
        c.put("refunded", refunded >= amount);
        c.put("captured", true);
        c.put("paid", true);
        c.put("status", "succeeded");
        c.put("currency", currency);
        c.put("created", created);
        c.put("livemode", false);
        c.put("payment_intent", paymentIntent);
        c.put("balance_transaction", balanceTransaction);
        c.put("customer", customer);
        c.put("metadata", metadata == null ? Map.of() : metadata);
        return c;
    }

    static Map<String, Object> paymentIntent(
            String id, long amount, String currency, long created, String customer, Map<String, String> metadata) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", id);
        p.put("object", "payment_intent");
        p.put("amount", amount);
        p.put("amount_received", amount);
        p.put("currency", currency);
        p.put("created", created);
        p.put("status", "succeeded");
        p.put("customer", customer);
        p.put("metadata", metadata == null ? Map.of() : metadata);
        return p;
    }

    static Map<String, Object> checkoutSession(
            String id,
            String paymentIntent,
            String invoice,
            String subscription,
            long amount,
            String currency,
            long created,
            String clientReferenceId,
            Map<String, String> metadata) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("object", "checkout.session");
        s.put("mode", subscription != null ? "subscription" : "payment");
        s.put("status", "complete");
        s.put("payment_status", "paid");
        s.put("amount_total", amount);
        s.put("currency", currency);
        s.put("created", created);
        s.put("payment_intent", paymentIntent);
        s.put("invoice", invoice);
        s.put("subscription", subscription);
        s.put("client_reference_id", clientReferenceId);
        s.put("metadata", metadata == null ? Map.of() : metadata);
        return s;
    }

    static Map<String, Object> invoice(
            String id,
            String paymentIntent,
            long amount,
            String currency,
            long created,
            String customer,
            String subscription,
            String billingReason) {
        Map<String, Object> payment = new LinkedHashMap<>();
        payment.put("id", "inpay_" + id);
        payment.put("object", "invoice_payment");
        payment.put("amount_paid", amount);
        payment.put("amount_requested", amount);
        payment.put("currency", currency);
        payment.put("status", "paid");
        payment.put("invoice", id);
        payment.put("is_default", true);
        payment.put("payment", Map.of("type", "payment_intent", "payment_intent", paymentIntent));
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("id", id);
        i.put("object", "invoice");
        i.put("status", "paid");
        i.put("amount_paid", amount);
        i.put("currency", currency);
        i.put("created", created);
        i.put("customer", customer);
        i.put("billing_reason", billingReason);
        i.put("metadata", Map.of());
        i.put(
                "parent",
                Map.of(
                        "type",
                        "subscription_details",
                        "subscription_details",
                        Map.of("subscription", subscription, "metadata", Map.of())));
        i.put("payments", Map.of("object", "list", "data", List.of(payment), "has_more", false));
        return i;
    }

    static Map<String, Object> refund(String id, String charge, String paymentIntent, long amount, long created) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("object", "refund");
        r.put("amount", amount);
        r.put("charge", charge);
        r.put("payment_intent", paymentIntent);
        r.put("created", created);
        r.put("status", "succeeded");
        r.put("currency", "usd");
        return r;
    }

    static Map<String, Object> balanceTransaction(String id, long amount, String currency, long created) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", id);
        b.put("object", "balance_transaction");
        b.put("amount", amount);
        b.put("currency", currency);
        b.put("created", created);
        b.put("type", "charge");
        b.put("status", "available");
        return b;
    }

    static Map<String, Object> customer(String id, Map<String, String> metadata) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("object", "customer");
        c.put("metadata", metadata == null ? Map.of() : metadata);
        return c;
    }
}
