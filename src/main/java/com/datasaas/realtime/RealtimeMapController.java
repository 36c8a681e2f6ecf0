package com.datasaas.realtime;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.revenue.Money;
import com.datasaas.revenue.PaymentFacts;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The realtime map and feed. Who is online comes from {@link Presence}, exactly as for the public online count, so
 * the two never disagree; the store only adds details. A visitor whose events are still in the write buffer is
 * listed without details for that moment rather than left out.
 */
@RestController
final class RealtimeMapController {
    static final int DEFAULT_EVENTS = 50;
    static final int MAX_EVENTS = 500;

    private final Presence presence;
    private final Websites websites;
    private final Activity activity;
    private final Clock clock;
    private final PaymentFacts payments;

    private final Cohorts cohorts;

    RealtimeMapController(
            Presence presence,
            Websites websites,
            Activity activity,
            Clock clock,
            PaymentFacts payments,
            Cohorts cohorts) {
        this.payments = payments;
        this.cohorts = cohorts;
        this.presence = presence;
        this.websites = websites;
        this.activity = activity;
        this.clock = clock;
    }

    /** A visitor online now, with the details of their latest event (null while it is still in the write buffer). */
    record OnlineVisitor(
            @Schema(description = "A stable per-visitor marker (the 64-bit visitor key, hex), never the raw id.")
            String visitor,

            @Schema(
                    description = "The raw visitor id, for its page in the visitors API (null while its events are"
                            + " still in the write buffer).")
            @Nullable
            String visitorId,

            @Nullable String country,
            @Nullable String region,
            @Nullable String city,
            @Nullable Double latitude,
            @Nullable Double longitude,
            @Nullable String browser,
            @Nullable String os,
            @Nullable String deviceType,
            @Nullable String page,
            @Nullable String referrer,
            @Nullable String sessionStart,
            Instant lastSeen,

            // Null only while the visitor's first event is still being written (unless they are a customer).
            @Nullable ConversionLikelihood conversionLikelihood) {}

    record RealtimeMap(int count, List<OnlineVisitor> visitors) {}

    /** One entry of the live feed: an event or a payment, newest first. */
    @Schema(oneOf = {EventItem.class, PaymentItem.class})
    sealed interface FeedItem permits EventItem, PaymentItem {
        String timestamp();
    }

    record EventItem(
            @Schema(description = "pageview, goal, _outbound ...")
            String type,

            @Schema(description = "The visitor's marker, as on the map (the 64-bit visitor key, hex).")
            String visitor,

            @Nullable String goalName,

            @Schema(description = "The raw visitor id, for its page in the visitors API.") @Nullable
            String visitorId,

            @Nullable String page,
            @Nullable String country,
            @Nullable String region,
            @Nullable String city,
            @Nullable String deviceType,
            @Nullable String browser,
            @Nullable String os,
            String timestamp)
            implements FeedItem {}

    record PaymentItem(
            @Schema(allowableValues = "payment") String type,

            @Schema(description = "In currency units.") @Nullable
            BigDecimal amount,

            String currency,
            String channel,

            @Schema(description = "The raw visitor id the payment is linked to, if any.") @Nullable
            String visitorId,

            @Nullable String page,
            @Nullable String country,
            @Nullable String region,
            @Nullable String city,
            @Nullable String deviceType,
            @Nullable String browser,
            @Nullable String os,
            String timestamp)
            implements FeedItem {}

    record Feed(List<FeedItem> events) {}

    @GetMapping("/api/websites/{id}/realtime-map")
    RealtimeMap map(@PathVariable String id) {
        Website site = websites.require(Caller.current(), id);
        Instant now = clock.instant();
        Map<Long, Instant> online = presence.onlineVisitors(site.id(), now);
        Map<Long, Map<String, Object>> details = new HashMap<>();
        for (Map<String, Object> row : activity.activeVisitors(site.id(), now.minus(Presence.WINDOW))) {
            details.put(((Number) row.get("visitor_key")).longValue(), row);
        }
        Cohorts.History history = online.isEmpty() ? null : cohorts.of(site, now);
        List<OnlineVisitor> visitors = new ArrayList<>();
        online.entrySet().stream()
                .sorted(Map.Entry.<Long, Instant>comparingByValue().reversed())
                .forEach(entry ->
                        visitors.add(view(entry.getKey(), entry.getValue(), details.get(entry.getKey()), history)));
        return new RealtimeMap(online.size(), visitors);
    }

    private static OnlineVisitor view(
            long visitorKey, Instant lastSeen, Map<String, Object> d, Cohorts.History history) {
        Map<String, Object> row = d == null ? Map.of() : d;
        List<String> dimensions = new ArrayList<>();
        for (String dimension : Cohorts.DIMENSIONS) dimensions.add((String) row.get(dimension));
        ConversionLikelihood likelihood = history.score(visitorKey, dimensions);
        // Without details the visitor would be matched as "all unknown": say nothing rather than something wrong.
        if (d == null && !likelihood.customer()) likelihood = null;
        // The 64-bit key, as hex: stable per visitor for the map's markers without exposing the raw visitor id.
        return new OnlineVisitor(
                Long.toHexString(visitorKey),
                (String) row.get("visitor_id"),
                (String) row.get("country"),
                (String) row.get("region"),
                (String) row.get("city"),
                number(row.get("latitude")),
                number(row.get("longitude")),
                (String) row.get("browser"),
                (String) row.get("os"),
                (String) row.get("device_type"),
                (String) row.get("pathname"),
                (String) row.get("referrer"),
                text(row.get("started_at")),
                lastSeen,
                likelihood);
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    @GetMapping("/api/websites/{id}/realtime-map/events")
    Feed events(
            @PathVariable String id,
            @Parameter(description = "How many entries, 1 to 500; default 50.") @RequestParam(required = false)
                    String limit) {
        Website site = websites.require(Caller.current(), id);
        int n = DEFAULT_EVENTS;
        if (limit != null && !limit.isBlank()) {
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_EVENTS) {
                throw ApiException.badRequest("Parameter 'limit' must be a whole number from 1 to " + MAX_EVENTS + ".");
            }
        }
        List<FeedItem> events = new ArrayList<>();
        for (Map<String, Object> row : activity.recentEvents(site.id(), n)) {
            events.add(new EventItem(
                    (String) row.get("event_type"),
                    Long.toHexString(((Number) row.get("visitor_key")).longValue()),
                    (String) row.get("goal_name"),
                    (String) row.get("visitor_id"),
                    (String) row.get("pathname"),
                    (String) row.get("country"),
                    (String) row.get("region"),
                    (String) row.get("city"),
                    (String) row.get("device_type"),
                    (String) row.get("browser"),
                    (String) row.get("os"),
                    text(row.get("ts"))));
        }
        // Payments join the feed with the location and device of the session they are credited to.
        for (PaymentFacts.PaymentFact p : payments.recent(site.id(), site.currency(), n)) {
            events.add(new PaymentItem(
                    "payment",
                    p.revenueMinor() == null ? null : Money.units(p.revenueMinor(), site.currency()),
                    site.currency(),
                    p.channel() == null ? "Unknown" : p.channel(),
                    p.visitorId(),
                    p.landingPage(),
                    p.country(),
                    p.region(),
                    p.city(),
                    p.deviceType(),
                    p.browser(),
                    p.os(),
                    p.paidAt().toString()));
        }
        // Newest first; ISO-8601 instants of the same form sort by time.
        events.sort(Comparator.comparing((FeedItem e) -> Instant.parse(e.timestamp()))
                .reversed());
        return new Feed(events.size() > n ? new ArrayList<>(events.subList(0, n)) : events);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
