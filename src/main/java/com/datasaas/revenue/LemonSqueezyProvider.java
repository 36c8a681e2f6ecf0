package com.datasaas.revenue;

import com.datasaas.revenue.IncomingPayment.VisitorLink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lemon Squeezy's JSON:API: {@code GET /v1/users/me} to check a key, {@code GET /v1/orders} paged with
 * {@code page[number]}/{@code page[size]} until {@code meta.page.lastPage}. An order is one payment (transaction id =
 * the order id); {@code total} and {@code refunded_amount} are minor units of the order currency, {@code total_usd}
 * is what Lemon Squeezy settles (it pays out in USD). The orders API returns no checkout custom data: visitors come
 * with the order webhooks ({@link LemonSqueezyWebhookController}), the payments API, or an earlier payment of the
 * same customer.
 */
@Component
final class LemonSqueezyProvider implements PaymentProvider {
    static final String ID = "lemonsqueezy";
    private static final int PAGE_SIZE = 100;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final RevenueSettings settings;
    private final Backoff backoff;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    LemonSqueezyProvider(RevenueSettings settings) {
        this.settings = settings;
        this.backoff = new Backoff(settings.retryDelay());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Lemon Squeezy";
    }

    @Override
    public String verify(String apiKey) {
        JsonNode me = get(apiKey, "/v1/users/me");
        JsonNode attributes = me.path("data").path("attributes");
        String name = attributes.path("name").asString("");
        return name.isEmpty() ? attributes.path("email").asString("Lemon Squeezy account") : name;
    }

    @Override
    public void fetch(String apiKey, Instant since, SyncSink sink) {
        int page = 1;
        while (true) {
            JsonNode body = get(apiKey, "/v1/orders?page%5Bnumber%5D=" + page + "&page%5Bsize%5D=" + PAGE_SIZE);
            for (JsonNode order : body.path("data")) {
                IncomingPayment payment = fromOrder(order, since, customData(order), "sync");
                if (payment != null) sink.payment(payment);
            }
            JsonNode meta = body.path("meta").path("page");
            int last = meta.path("lastPage").asInt(page);
            sink.progress(Math.min(1.0, (double) page / Math.max(1, last)), "orders");
            boolean hasNext = !body.path("links").path("next").isMissingNode()
                    && !body.path("links").path("next").isNull();
            if (page >= last && !hasNext) return;
            if (body.path("data").isEmpty()) return;
            page++;
        }
    }

    static IncomingPayment fromOrder(
            JsonNode order, Instant since, Map<String, String> customData, String deliveredBy) {
        JsonNode a = order.path("attributes");
        String status = a.path("status").asString("");
        if (!status.equals("paid") && !status.equals("refunded") && !status.equals("partial_refund")) return null;
        Instant created = Instant.parse(a.path("created_at").asString());
        String updatedText = a.path("updated_at").asString(null);
        Instant updated = updatedText == null ? created : Instant.parse(updatedText);
        if (updated.isBefore(since)) return null;
        long total = a.path("total").asLong();
        String currency = a.path("currency").asString("USD");
        long refunded = a.path("refunded_amount").asLong(0);
        if (a.path("refunded").asBoolean(false) && refunded == 0) refunded = total;
        Long settlement = null;
        String settlementCurrency = null;
        if (!"USD".equalsIgnoreCase(currency) && a.has("total_usd")) {
            settlement = a.path("total_usd").asLong();
            settlementCurrency = "USD";
        }
        VisitorLink link = VisitorLink.from(customData, null);
        String customer =
                a.path("customer_id").isMissingNode() || a.path("customer_id").isNull()
                        ? null
                        : a.path("customer_id").asString();
        return new IncomingPayment(
                ID,
                order.path("id").asString(),
                total,
                currency,
                refunded,
                settlement,
                settlementCurrency,
                created,
                false,
                customer,
                null,
                link.visitorId(),
                link.sessionId(),
                link.link(),
                deliveredBy);
    }

    /** Checkout custom data where an order carries it (webhook payloads put it under meta.custom_data). */
    static Map<String, String> customData(JsonNode order) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode node : new JsonNode[] {
            order.path("meta").path("custom_data"), order.path("attributes").path("custom_data")
        }) {
            if (node.isObject()) {
                node.properties().forEach(e -> {
                    if (e.getValue().isString())
                        out.putIfAbsent(e.getKey(), e.getValue().asString());
                });
            }
        }
        return out;
    }

    private static final class Retryable extends Exception {
        final int status;

        Retryable(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private JsonNode get(String apiKey, String path) {
        URI uri = URI.create(settings.lemonsqueezyApiBase() + path);
        try {
            return backoff.run(
                    () -> {
                        HttpResponse<String> response;
                        try {
                            response = http.send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(60))
                                            .header("Accept", "application/vnd.api+json")
                                            .header("Content-Type", "application/vnd.api+json")
                                            .header("Authorization", "Bearer " + apiKey)
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                        } catch (IOException e) {
                            throw new Retryable(
                                    0,
                                    "Could not reach Lemon Squeezy at " + settings.lemonsqueezyApiBase() + ": "
                                            + e.getClass().getSimpleName());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new ProviderException("The sync was interrupted.", false);
                        }
                        int status = response.statusCode();
                        if (status == 429 || status >= 500) {
                            throw new Retryable(
                                    status, "Lemon Squeezy answered " + status + ": " + reason(response.body()));
                        }
                        if (status == 401 || status == 403) {
                            throw new ProviderException(
                                    "Lemon Squeezy rejected the API key: "
                                            + StripeProvider.mask(reason(response.body()), apiKey),
                                    true);
                        }
                        if (status >= 400) {
                            throw new ProviderException(
                                    "Lemon Squeezy answered " + status + ": "
                                            + StripeProvider.mask(reason(response.body()), apiKey),
                                    true);
                        }
                        try {
                            return JSON.readTree(response.body());
                        } catch (JacksonException e) {
                            throw new ProviderException("Lemon Squeezy sent a response that is not JSON.", false);
                        }
                    },
                    e -> e instanceof Retryable);
        } catch (Retryable e) {
            throw new ProviderException(
                    e.status == 429
                            ? "Lemon Squeezy kept answering 'too many requests'; the next sync will resume."
                            : e.getMessage(),
                    false);
        }
    }

    /** The JSON:API error detail, e.g. "Unauthenticated." */
    private static String reason(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("errors").path(0);
            String detail = error.path("detail").asString("");
            if (!detail.isEmpty()) return detail;
            String title = error.path("title").asString("");
            if (!title.isEmpty()) return title;
        } catch (JacksonException ignored) {
            // not JSON: fall through
        }
        return "no reason given";
    }
}
