package com.datasaas.revenue;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

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
    private static final String CURRENCY_RULE = "is required: an ISO 4217 code such as \"USD\"";
    private static final int LIST_LIMIT = 1_000;

    private final Websites websites;
    private final PaymentLedger ledger;
    private final Clock clock;

    PaymentsController(Websites websites, PaymentLedger ledger, Clock clock) {
        this.websites = websites;
        this.ledger = ledger;
        this.clock = clock;
    }

    private static final String AMOUNT_RULE = "is required: the amount in currency units, e.g. 49.00";
    private static final String ID_SIZE = "must be at most " + MAX_ID + " characters";

    /**
     * The body of POST /api/v1/payments. Money in currency units. Strings are checked by Bean Validation; amount,
     * refunded and timestamp accept more than one JSON type, so they arrive as JSON and are read in code.
     */
    record NewPayment(
            @Schema(
                    implementation = Object.class,
                    example = "49.00",
                    types = {"number", "string"})
            @NotNull(message = AMOUNT_RULE)
            JsonNode amount,

            @Schema(example = "USD")
            @NotNull(message = CURRENCY_RULE)
            @jakarta.validation.constraints.Pattern(regexp = "[A-Za-z]{3}", message = CURRENCY_RULE)
            String currency,

            @Schema(description = "Your payment provider's id for the payment.")
            @NotBlank(message = "is required: your payment provider's id for the payment")
            @Size(max = MAX_ID, message = ID_SIZE)
            String transactionId,

            @Schema(description = "[a-z0-9_-]{1,32}; default custom.", example = "paddle")
            @Nullable
            @Size(max = 32, message = "must be at most 32 characters")
            String provider,

            @Schema(
                    implementation = Object.class,
                    description = "true (fully), false, or the refunded amount in currency units.",
                    types = {"boolean", "number", "string"})
            @Nullable
            JsonNode refunded,

            @Schema(
                    implementation = Object.class,
                    description = "ISO 8601 instant or Unix seconds; default now.",
                    types = {"string", "integer"})
            @Nullable
            JsonNode timestamp,

            @Nullable Boolean renewal,
            @Nullable @Size(max = MAX_ID, message = ID_SIZE) String customerId,
            @Nullable @Size(max = MAX_ID, message = ID_SIZE) String email,

            @Schema(description = "The tracker's visitor id, to attribute the payment.")
            @Nullable
            @Size(max = 128, message = "must be at most 128 characters")
            String visitorId,

            @Nullable @Size(max = 128, message = "must be at most 128 characters")
            String sessionId) {}

    /** Where a payment's visitor came from (the session it is credited to). */
    record PaymentSource(
            @Nullable String rule,
            @Nullable String sessionId,
            String channel,
            @Nullable String referrer,
            @Nullable String referrerDomain,
            @Nullable String utmSource,
            @Nullable String utmMedium,
            @Nullable String utmCampaign,
            @Nullable String utmTerm,
            @Nullable String utmContent,
            @Nullable String landingPage,
            @Nullable String country,
            @Nullable String deviceType) {}

    record PaymentView(
            String transactionId,
            String provider,
            BigDecimal amount,
            String currency,
            BigDecimal refunded,
            BigDecimal net,

            @Schema(description = "Net in the site's currency; null when it cannot be converted.") @Nullable
            BigDecimal revenue,

            @Nullable BigDecimal settlementAmount,
            @Nullable String settlementCurrency,
            Instant paidAt,
            boolean renewal,
            @Nullable String customerId,
            @Nullable String visitorId,
            @Nullable String sessionId,
            String link,
            @Nullable String deliveredBy,
            PaymentSource attribution) {}

    record Totals(
            BigDecimal revenue,
            BigDecimal refunds,
            int payments,

            @Schema(description = "Payments in another currency without a settlement amount.")
            int notConvertible) {}

    record PaymentList(
            String siteId, String currency, String start, String end, Totals totals, List<PaymentView> payments) {}

    @PostMapping
    @ApiResponse(responseCode = "201", description = "Recorded.")
    @ApiResponse(responseCode = "200", description = "Merged into the payment with this transaction_id.")
    ResponseEntity<PaymentView> record(@RequestParam("site_id") String siteId, @Valid @RequestBody NewPayment body) {
        Website site = writable(siteId);
        String currency = Money.currency(body.currency());
        long amount = minor(body.amount(), "amount", currency, true);
        String provider = body.provider() == null
                ? PaymentLedger.CUSTOM
                : body.provider().strip().toLowerCase(java.util.Locale.ROOT);
        if (!PROVIDER.matcher(provider).matches()) {
            throw ApiException.invalid("provider", "Field 'provider' must match [a-z0-9_-]{1,32}, e.g. \"paddle\".");
        }
        long refunded = refunded(body.refunded(), amount, currency);
        IncomingPayment payment = new IncomingPayment(
                provider,
                body.transactionId().strip(),
                amount,
                currency,
                refunded,
                null,
                null,
                timestamp(body.timestamp()),
                Boolean.TRUE.equals(body.renewal()),
                body.customerId(),
                body.email(),
                body.visitorId(),
                body.sessionId(),
                null,
                "api");
        PaymentLedger.Recorded recorded = ledger.record(site.id(), payment);
        HttpStatus status = recorded.outcome() == PaymentLedger.Outcome.CREATED ? HttpStatus.CREATED : HttpStatus.OK;
        return ResponseEntity.status(status).body(view(recorded.payment(), site.currency()));
    }

    @DeleteMapping
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(
            @RequestParam("site_id") String siteId,
            @RequestParam("transaction_id") String transactionId,
            @RequestParam(required = false) String provider) {
        Website site = writable(siteId);
        if (ledger.delete(site.id(), transactionId, provider) == 0) {
            throw ApiException.notFound("No payment with transaction_id " + transactionId + " on this website.");
        }
    }

    @GetMapping
    PaymentList list(
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
        Totals totals = new Totals(
                Money.units(revenue, site.currency()),
                Money.units(refunds, site.currency()),
                payments.size(),
                inOtherCurrencies);
        return new PaymentList(
                site.id(),
                site.currency(),
                from.toString(),
                to.toString(),
                totals,
                payments.stream().map(p -> view(p, site.currency())).toList());
    }

    private Website writable(String siteId) {
        Caller caller = Caller.current();
        Website site = websites.require(caller, siteId);
        if (caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
        }
        return site;
    }

    static PaymentView view(PaymentLedger.Stored p, String siteCurrency) {
        Long revenue = p.revenueMinor(siteCurrency);
        PaymentSource source = new PaymentSource(
                p.attribution(),
                p.attributedSessionId(),
                p.attributedAt() == null ? "Unknown" : p.channel(),
                p.referrer(),
                p.referrerDomain(),
                p.utmSource(),
                p.utmMedium(),
                p.utmCampaign(),
                p.utmTerm(),
                p.utmContent(),
                p.landingPage(),
                p.country(),
                p.deviceType());
        return new PaymentView(
                p.transactionId(),
                p.provider(),
                Money.units(p.amountMinor(), p.currency()),
                p.currency(),
                Money.units(p.refundedMinor(), p.currency()),
                Money.units(p.amountMinor() - p.refundedMinor(), p.currency()),
                revenue == null ? null : Money.units(revenue, siteCurrency),
                p.settlementAmountMinor() == null
                        ? null
                        : Money.units(p.settlementAmountMinor(), p.settlementCurrency()),
                p.settlementCurrency(),
                p.paidAt(),
                p.renewal(),
                p.customerId(),
                p.visitorId(),
                p.sessionId(),
                p.link().wireName(),
                p.deliveredBy(),
                source);
    }

    private static long minor(JsonNode node, String field, String currency, boolean required) {
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
    private static long refunded(JsonNode node, long amount, String currency) {
        if (node == null || node.isNull()) return 0;
        if (node.isBoolean()) return node.booleanValue() ? amount : 0;
        long refunded = minor(node, "refunded", currency, false);
        if (refunded > amount) throw ApiException.badRequest("Field 'refunded' must not exceed 'amount'.");
        return refunded;
    }

    private Instant timestamp(JsonNode node) {
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
