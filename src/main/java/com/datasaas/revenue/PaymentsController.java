package com.datasaas.revenue;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.JsonBodies;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Payments reported by the site itself, for providers we do not sync or to attach a visitor to a provider's payment:
 * {@code POST} records (or merges into) one payment, {@code DELETE} removes one, {@code GET} lists them with totals.
 * Money goes in and out in currency units ({@code 49.00}); it is stored in minor units.
 */
@RestController
@RequestMapping("/api/v1/payments")
final class PaymentsController {
    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final int MAX_ID = 255;
    private static final int LIST_LIMIT = 1_000;

    private final Websites websites;
    private final PaymentLedger ledger;
    private final ObjectMapper json;
    private final Clock clock;

    PaymentsController(Websites websites, PaymentLedger ledger, ObjectMapper json, Clock clock) {
        this.websites = websites;
        this.ledger = ledger;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> record(
            @RequestParam("site_id") String siteId, @RequestBody(required = false) byte[] body) {
        Website site = writable(siteId);
        JsonNode f = JsonBodies.parseObject(json, body);
        String currency = JsonBodies.string(f, "currency", 3);
        if (currency == null || !currency.matches("[A-Za-z]{3}")) {
            throw ApiException.badRequest("Field 'currency' is required: an ISO 4217 code such as \"USD\".");
        }
        currency = Money.currency(currency);
        long amount = minor(f, "amount", currency, true);
        String transactionId = JsonBodies.string(f, "transaction_id", MAX_ID);
        if (transactionId == null || transactionId.isBlank()) {
            throw ApiException.badRequest(
                    "Field 'transaction_id' is required: your payment provider's id for the payment.");
        }
        String provider = JsonBodies.string(f, "provider", 32);
        provider = provider == null ? PaymentLedger.CUSTOM : provider.strip().toLowerCase(java.util.Locale.ROOT);
        if (!PROVIDER.matcher(provider).matches()) {
            throw ApiException.badRequest("Field 'provider' must match [a-z0-9_-]{1,32}, e.g. \"paddle\".");
        }
        long refunded = refunded(f, amount, currency);
        IncomingPayment payment = new IncomingPayment(
                provider,
                transactionId.strip(),
                amount,
                currency,
                refunded,
                null,
                null,
                timestamp(f),
                bool(f, "renewal"),
                JsonBodies.string(f, "customer_id", MAX_ID),
                JsonBodies.string(f, "email", MAX_ID),
                JsonBodies.string(f, "visitor_id", 128),
                JsonBodies.string(f, "session_id", 128),
                null,
                "api");
        PaymentLedger.Recorded recorded = ledger.record(site.id(), payment);
        HttpStatus status = recorded.outcome() == PaymentLedger.Outcome.CREATED ? HttpStatus.CREATED : HttpStatus.OK;
        return ResponseEntity.status(status).body(view(recorded.payment(), site.currency()));
    }

    @DeleteMapping
    ResponseEntity<Void> delete(
            @RequestParam("site_id") String siteId,
            @RequestParam("transaction_id") String transactionId,
            @RequestParam(required = false) String provider) {
        Website site = writable(siteId);
        if (ledger.delete(site.id(), transactionId, provider) == 0) {
            throw ApiException.notFound("No payment with transaction_id " + transactionId + " on this website.");
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping
    Map<String, Object> list(
            @RequestParam("site_id") String siteId,
            @RequestParam(required = false) String start,
            @RequestParam(required = false) String end) {
        Website site = websites.require(Caller.current(), siteId);
        ZoneId zone = ZoneId.of(site.timezone());
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate to = date(end, "end", today);
        LocalDate from = date(start, "start", to.minusDays(29));
        if (from.isAfter(to)) throw ApiException.badRequest("'start' must not be after 'end'.");
        List<PaymentLedger.Stored> payments = ledger.list(
                site.id(),
                from.atStartOfDay(zone).toInstant(),
                to.plusDays(1).atStartOfDay(zone).toInstant(),
                LIST_LIMIT);
        long revenue = 0;
        long refunds = 0;
        int inOtherCurrencies = 0;
        for (PaymentLedger.Stored p : payments) {
            Long net = p.revenueMinor(site.currency());
            if (net == null) {
                inOtherCurrencies++;
                continue;
            }
            revenue += net;
            refunds += p.refundedInSiteCurrency(site.currency());
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("revenue", Money.units(revenue, site.currency()));
        totals.put("refunds", Money.units(refunds, site.currency()));
        totals.put("payments", payments.size());
        totals.put("not_convertible", inOtherCurrencies);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("site_id", site.id());
        out.put("currency", site.currency());
        out.put("start", from.toString());
        out.put("end", to.toString());
        out.put("totals", totals);
        out.put("payments", payments.stream().map(p -> view(p, site.currency())).toList());
        return out;
    }

    private Website writable(String siteId) {
        Caller caller = Caller.current();
        Website site = websites.require(caller, siteId);
        if (caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
        }
        return site;
    }

    static Map<String, Object> view(PaymentLedger.Stored p, String siteCurrency) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("transaction_id", p.transactionId());
        out.put("provider", p.provider());
        out.put("amount", Money.units(p.amountMinor(), p.currency()));
        out.put("currency", p.currency());
        out.put("refunded", Money.units(p.refundedMinor(), p.currency()));
        out.put("net", Money.units(p.amountMinor() - p.refundedMinor(), p.currency()));
        Long revenue = p.revenueMinor(siteCurrency);
        out.put("revenue", revenue == null ? null : Money.units(revenue, siteCurrency));
        out.put(
                "settlement_amount",
                p.settlementAmountMinor() == null
                        ? null
                        : Money.units(p.settlementAmountMinor(), p.settlementCurrency()));
        out.put("settlement_currency", p.settlementCurrency());
        out.put("paid_at", p.paidAt().toString());
        out.put("renewal", p.renewal());
        out.put("customer_id", p.customerId());
        out.put("visitor_id", p.visitorId());
        out.put("session_id", p.sessionId());
        out.put("link", p.link().wireName());
        out.put("delivered_by", p.deliveredBy());
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("rule", p.attribution());
        source.put("session_id", p.attributedSessionId());
        source.put("channel", p.attributedAt() == null ? "Unknown" : p.channel());
        source.put("referrer", p.referrer());
        source.put("referrer_domain", p.referrerDomain());
        source.put("utm_source", p.utmSource());
        source.put("utm_medium", p.utmMedium());
        source.put("utm_campaign", p.utmCampaign());
        source.put("utm_term", p.utmTerm());
        source.put("utm_content", p.utmContent());
        source.put("landing_page", p.landingPage());
        source.put("country", p.country());
        source.put("device_type", p.deviceType());
        out.put("attribution", source);
        return out;
    }

    private static long minor(JsonNode f, String field, String currency, boolean required) {
        JsonNode node = f.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiException.badRequest(
                        "Field '" + field + "' is required: the amount in currency units, e.g. 49.00.");
            }
            return 0;
        }
        BigDecimal units;
        try {
            units = node.isNumber() ? node.decimalValue() : new BigDecimal(node.asString());
        } catch (RuntimeException e) {
            throw ApiException.badRequest("Field '" + field + "' must be a number in currency units, e.g. 49.00.");
        }
        if (units.signum() < 0) throw ApiException.badRequest("Field '" + field + "' must not be negative.");
        try {
            return Money.minor(units, currency);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Field '" + field + "': " + e.getMessage() + ".");
        }
    }

    /** {@code refunded}: true (fully refunded), false, or the refunded amount in currency units. */
    private static long refunded(JsonNode f, long amount, String currency) {
        JsonNode node = f.get("refunded");
        if (node == null || node.isNull()) return 0;
        if (node.isBoolean()) return node.booleanValue() ? amount : 0;
        long refunded = minor(f, "refunded", currency, false);
        if (refunded > amount) throw ApiException.badRequest("Field 'refunded' must not exceed 'amount'.");
        return refunded;
    }

    private static boolean bool(JsonNode f, String field) {
        JsonNode node = f.get(field);
        if (node == null || node.isNull()) return false;
        if (!node.isBoolean()) throw ApiException.badRequest("Field '" + field + "' must be true or false.");
        return node.booleanValue();
    }

    private Instant timestamp(JsonNode f) {
        JsonNode node = f.get("timestamp");
        if (node == null || node.isNull()) return clock.instant();
        if (node.isIntegralNumber()) {
            long value = node.longValue();
            return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
        }
        try {
            return Instant.parse(node.asString());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    "Field 'timestamp' must be an ISO 8601 instant (2026-01-31T12:00:00Z) or Unix seconds.");
        }
    }

    private static LocalDate date(String text, String name, LocalDate fallback) {
        if (text == null || text.isBlank()) return fallback;
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + name + "' must be a date like 2026-01-31.");
        }
    }
}
