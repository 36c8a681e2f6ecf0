package com.datasaas.realtime;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.revenue.Money;
import com.datasaas.revenue.PaymentFacts;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    RealtimeMapController(Presence presence, Websites websites, Activity activity, Clock clock, PaymentFacts payments) {
        this.payments = payments;
        this.presence = presence;
        this.websites = websites;
        this.activity = activity;
        this.clock = clock;
    }

    @GetMapping("/api/websites/{id}/realtime-map")
    Map<String, Object> map(@PathVariable String id) {
        Website site = websites.require(Caller.current(), id);
        Instant now = clock.instant();
        Map<Long, Instant> online = presence.onlineVisitors(site.id(), now);
        Map<Long, Map<String, Object>> details = new HashMap<>();
        for (Map<String, Object> row : activity.activeVisitors(site.id(), now.minus(Presence.WINDOW))) {
            details.put(((Number) row.get("visitor_key")).longValue(), row);
        }
        List<Map<String, Object>> visitors = new ArrayList<>();
        online.entrySet().stream()
                .sorted(Map.Entry.<Long, Instant>comparingByValue().reversed())
                .forEach(entry -> visitors.add(view(entry.getKey(), entry.getValue(), details.get(entry.getKey()))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", online.size());
        out.put("visitors", visitors);
        return out;
    }

    private static Map<String, Object> view(long visitorKey, Instant lastSeen, Map<String, Object> d) {
        Map<String, Object> row = d == null ? Map.of() : d;
        Map<String, Object> out = new LinkedHashMap<>();
        // The 64-bit key, as hex: stable per visitor for the map's markers without exposing the raw visitor id.
        out.put("visitor", Long.toHexString(visitorKey));
        out.put("country", row.get("country"));
        out.put("region", row.get("region"));
        out.put("city", row.get("city"));
        out.put("latitude", row.get("latitude"));
        out.put("longitude", row.get("longitude"));
        out.put("browser", row.get("browser"));
        out.put("os", row.get("os"));
        out.put("device_type", row.get("device_type"));
        out.put("page", row.get("pathname"));
        out.put("referrer", row.get("referrer"));
        out.put("session_start", text(row.get("started_at")));
        out.put("last_seen", lastSeen.toString());
        return out;
    }

    @GetMapping("/api/websites/{id}/realtime-map/events")
    Map<String, Object> events(@PathVariable String id, @RequestParam(required = false) String limit) {
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
        List<Map<String, Object>> events = new ArrayList<>();
        for (Map<String, Object> row : activity.recentEvents(site.id(), n)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", row.get("event_type"));
            out.put("goal_name", row.get("goal_name"));
            out.put("page", row.get("pathname"));
            out.put("country", row.get("country"));
            out.put("region", row.get("region"));
            out.put("city", row.get("city"));
            out.put("device_type", row.get("device_type"));
            out.put("browser", row.get("browser"));
            out.put("os", row.get("os"));
            out.put("timestamp", text(row.get("ts")));
            events.add(out);
        }
        // Payments join the feed with the location and device of the session they are credited to.
        for (PaymentFacts.PaymentFact p : payments.recent(site.id(), site.currency(), n)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", "payment");
            out.put("amount", p.revenueMinor() == null ? null : Money.units(p.revenueMinor(), site.currency()));
            out.put("currency", site.currency());
            out.put("channel", p.channel() == null ? "Unknown" : p.channel());
            out.put("page", p.landingPage());
            out.put("country", p.country());
            out.put("region", p.region());
            out.put("city", p.city());
            out.put("device_type", p.deviceType());
            out.put("browser", p.browser());
            out.put("os", p.os());
            out.put("timestamp", p.paidAt().toString());
            events.add(out);
        }
        // Newest first; ISO-8601 instants of the same form sort by time.
        events.sort(
                Comparator.comparing((Map<String, Object> e) -> java.time.Instant.parse((String) e.get("timestamp")))
                        .reversed());
        return Map.of("events", events.size() > n ? new ArrayList<>(events.subList(0, n)) : events);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
