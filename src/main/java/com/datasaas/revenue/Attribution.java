package com.datasaas.revenue;

import com.datasaas.events.EventStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Picks the session a payment is credited to and reads its attributes from the event store. A session's attributes
 * are those of its first pageview (or first event when it has no pageview), exactly as stats define a session's
 * channel. Rules, first match wins:
 *
 * <ol>
 *   <li>the session named in the payment's metadata ({@code datasaas_session_id}), if we have seen it;
 *   <li>the visitor's last non-Direct session that started in the 30 days before the payment;
 *   <li>the visitor's first session (the earliest before the payment, else the earliest at all).
 * </ol>
 *
 * The SQL is plain enough for every event-store dialect; the choosing happens here, in one readable place.
 */
@Component
final class Attribution {
    static final Duration LOOKBACK = Duration.ofDays(30);
    private static final int MAX_EVENTS = 5_000;
    private static final String COLUMNS = "session_id, visitor_id, ts, event_type, channel, referrer, referrer_domain,"
            + " referrer_source, utm_source, utm_medium, utm_campaign, utm_term, utm_content, pathname, country,"
            + " region, city, device_type, browser, os";

    private final EventStore events;

    Attribution(EventStore events) {
        this.events = events;
    }

    /** What a payment inherits from the session it is credited to. */
    record Touch(
            String rule,
            String visitorId,
            String sessionId,
            Instant sessionStart,
            String channel,
            String referrer,
            String referrerDomain,
            String referrerSource,
            String utmSource,
            String utmMedium,
            String utmCampaign,
            String utmTerm,
            String utmContent,
            String landingPage,
            String country,
            String region,
            String city,
            String deviceType,
            String browser,
            String os) {

        Touch withRule(String newRule) {
            return new Touch(
                    newRule,
                    visitorId,
                    sessionId,
                    sessionStart,
                    channel,
                    referrer,
                    referrerDomain,
                    referrerSource,
                    utmSource,
                    utmMedium,
                    utmCampaign,
                    utmTerm,
                    utmContent,
                    landingPage,
                    country,
                    region,
                    city,
                    deviceType,
                    browser,
                    os);
        }
    }

    Optional<Touch> attribute(String siteId, String visitorId, String sessionId, Instant paidAt) {
        if (sessionId != null) {
            Optional<Touch> named = firstTouchOf(
                    "SELECT " + COLUMNS + " FROM events WHERE site_id = ? AND session_id = ? ORDER BY ts LIMIT "
                            + MAX_EVENTS,
                    List.of(siteId, sessionId));
            if (named.isPresent()) return named.map(t -> t.withRule("session"));
        }
        String visitor = visitorId;
        if (visitor == null) return Optional.empty();
        List<Touch> sessions = sessionsOf(
                "SELECT " + COLUMNS + " FROM events WHERE site_id = ? AND visitor_id = ? ORDER BY ts LIMIT "
                        + MAX_EVENTS,
                List.of(siteId, visitor));
        if (sessions.isEmpty()) return Optional.empty();
        // Payment times have whole seconds; a session that started within the payment's second is before it.
        Instant until = paidAt.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Instant from = paidAt.minus(LOOKBACK);
        Optional<Touch> lastNonDirect = sessions.stream()
                .filter(t ->
                        t.sessionStart().isBefore(until) && !t.sessionStart().isBefore(from))
                .filter(t -> t.channel() != null && !"Direct".equals(t.channel()))
                .max(Comparator.comparing(Touch::sessionStart));
        if (lastNonDirect.isPresent()) return lastNonDirect.map(t -> t.withRule("last_non_direct"));
        Touch first = sessions.stream()
                .filter(t -> t.sessionStart().isBefore(until))
                .findFirst()
                .orElse(sessions.get(0));
        return Optional.of(first.withRule("first_session"));
    }

    private Optional<Touch> firstTouchOf(String sql, List<?> params) {
        List<Touch> sessions = sessionsOf(sql, params);
        return sessions.isEmpty() ? Optional.empty() : Optional.of(sessions.get(0));
    }

    /** One touch per session, in order of session start, from events ordered by time. */
    private List<Touch> sessionsOf(String sql, List<?> params) {
        List<Row> rows = events.query(sql, params, (rs, n) -> Row.of(rs));
        Map<String, Row> firstEvent = new LinkedHashMap<>();
        Map<String, Row> firstPageview = new LinkedHashMap<>();
        for (Row row : rows) {
            firstEvent.putIfAbsent(row.sessionId, row);
            if ("pageview".equals(row.eventType)) firstPageview.putIfAbsent(row.sessionId, row);
        }
        List<Touch> out = new ArrayList<>(firstEvent.size());
        for (Map.Entry<String, Row> e : firstEvent.entrySet()) {
            Row start = e.getValue();
            Row attrs = firstPageview.getOrDefault(e.getKey(), start);
            out.add(attrs.touch(start.ts));
        }
        return out;
    }

    private record Row(String sessionId, String visitorId, Instant ts, String eventType, String[] v) {
        static Row of(ResultSet rs) throws SQLException {
            String[] values = new String[16];
            for (int i = 0; i < values.length; i++) values[i] = rs.getString(5 + i);
            return new Row(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getObject(3, OffsetDateTime.class).toInstant(),
                    rs.getString(4),
                    values);
        }

        Touch touch(Instant sessionStart) {
            return new Touch(
                    null,
                    visitorId,
                    sessionId,
                    sessionStart,
                    v[0],
                    v[1],
                    v[2],
                    v[3],
                    v[4],
                    v[5],
                    v[6],
                    v[7],
                    v[8],
                    v[9],
                    v[10],
                    v[11],
                    v[12],
                    v[13],
                    v[14],
                    v[15]);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
