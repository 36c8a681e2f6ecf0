package com.datasaas.ingest;

import com.datasaas.app.ApiException;
import com.datasaas.app.JsonBodies;
import com.datasaas.events.EventType;
import com.datasaas.sites.DomainNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A validated POST /api/events body. Parsing is the whole contract of the endpoint's 400s: required ids, a known
 * event type, goal names and params within limits, numbers in range. Free text is truncated rather than refused,
 * so a long page title never costs us a pageview. Fields the tracker leaves out (hostname, pathname, UTM tags,
 * click ids) are derived from the URL. Every stored text loses its control characters (C0, C1) and bidi controls,
 * which no page title or URL needs and which spoof what the dashboard and exports show; the hostname must be a host
 * name; the pathname always starts with {@code /}.
 */
record EventRequest(
        Instant receivedAt,
        String websiteId,
        String visitorId,
        String sessionId,
        EventType type,
        String goalName,
        String url,
        String hostname,
        String pathname,
        String title,
        String referrer,
        String utmSource,
        String utmMedium,
        String utmCampaign,
        String utmTerm,
        String utmContent,
        Map<String, String> clickIds,
        Integer screenWidth,
        String language,
        Map<String, String> metadata,
        Long durationMs,
        Integer scrollDepth,
        String targetUrl) {

    static final int MAX_ID = 128;
    static final int MAX_URL = 2_000;
    static final int MAX_TITLE = 500;
    static final int MAX_UTM = 255;
    static final int MAX_PARAMS = 10;
    static final int MAX_PARAM_VALUE = 255;
    static final long MAX_DURATION_MS = 24L * 3600 * 1000;
    static final List<String> CLICK_ID_NAMES = List.of("gclid", "fbclid", "msclkid", "ttclid", "li_fat_id", "twclid");
    private static final Pattern GOAL_NAME = Pattern.compile("^[a-z0-9_:-]{1,64}$");
    private static final Pattern PARAM_KEY = Pattern.compile("^[a-z0-9_-]{1,64}$");
    private static final Pattern INVISIBLE =
            Pattern.compile("[\\p{Cc}\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");

    /**
     * A goal the site's own server records for a visitor (POST /api/v1/goals): the goal name and metadata follow
     * exactly the rules of the tracker's goal events; page, hostname and referrer are those of the visitor's latest
     * pageview, so the goal lands in that session.
     */
    static EventRequest serverGoal(JsonNode body, ServerEvents.Visit visit, Instant receivedAt) {
        String name = serverGoalName(body);
        return new EventRequest(
                receivedAt,
                visit.siteId(),
                visit.visitorId(),
                visit.sessionId(),
                EventType.GOAL,
                name,
                visit.url(),
                visit.hostname(),
                visit.pathname(),
                null,
                visit.referrer(),
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                visit.screenWidth(),
                visit.language(),
                metadata(body),
                null,
                null,
                null);
    }

    /** The goal name of a server-recorded goal, lowercased, under the tracker's goal-name rule. */
    static String serverGoalName(JsonNode body) {
        String name = text(body, "name", 64);
        if (name == null
                || !GOAL_NAME.matcher(name.strip().toLowerCase(Locale.ROOT)).matches()) {
            throw ApiException.invalid(
                    "name",
                    "Field 'name' is required: 1 to 64 characters of a-z, 0-9, '_', ':' or '-' (e.g. \"purchase\").");
        }
        return name.strip().toLowerCase(Locale.ROOT);
    }

    static EventRequest parse(JsonNode body, Instant receivedAt) {
        String websiteId = requiredId(body, "website_id");
        String visitorId = requiredId(body, "visitor_id");
        String sessionId = requiredId(body, "session_id");

        String typeName = text(body, "event_type", 32);
        EventType type = typeName == null
                ? EventType.PAGEVIEW
                : EventType.fromWireName(typeName)
                        .orElseThrow(() -> ApiException.badRequest(
                                "Field 'event_type' must be one of pageview, goal, _heartbeat, _leave, _outbound."));

        String url = text(body, "url", MAX_URL);
        URI uri = parseUri(url);
        String hostname = JsonBodies.string(body, "hostname", Integer.MAX_VALUE);
        if (hostname == null && uri != null) hostname = uri.getHost();
        if (hostname == null || hostname.isBlank()) {
            throw ApiException.badRequest(
                    "Field 'hostname' is missing and cannot be derived: send 'url' or 'hostname'.");
        }
        String host = DomainNames.validHost(hostname);
        if (host == null) {
            throw ApiException.badRequest("Field 'hostname' must be a host name such as 'www.example.com'"
                    + " (letters, digits, hyphens and dots; no scheme, port, path or spaces).");
        }
        hostname = host;
        String pathname = text(body, "pathname", MAX_URL);
        if (pathname == null && uri != null) pathname = clean(uri.getRawPath());
        if (pathname == null || pathname.isEmpty()) pathname = "/";
        if (!pathname.startsWith("/")) pathname = truncate("/" + pathname, MAX_URL);

        Map<String, String> query = uri == null ? Map.of() : queryParameters(uri.getRawQuery());
        String goalName = null;
        if (type == EventType.GOAL) {
            String name = text(body, "name", 64);
            if (name == null
                    || !GOAL_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
                throw ApiException.badRequest(
                        "Field 'name' is required for goal events: 1-64 characters of a-z, 0-9, '_', ':' or '-'.");
            }
            goalName = name.toLowerCase(Locale.ROOT);
        }

        Long duration = null;
        Integer scrollDepth = null;
        if (type == EventType.LEAVE) {
            Long ms = integer(body, "duration", 0, Long.MAX_VALUE);
            duration = ms == null ? null : Math.min(ms, MAX_DURATION_MS);
            Long depth = integer(body, "scroll_depth", 0, 100);
            scrollDepth = depth == null ? null : depth.intValue();
        }
        String targetUrl = null;
        if (type == EventType.OUTBOUND) {
            targetUrl = text(body, "target_url", MAX_URL);
            if (targetUrl == null || targetUrl.isBlank()) {
                throw ApiException.badRequest("Field 'target_url' is required for _outbound events.");
            }
        }
        Long screen = integer(body, "screen_width", 0, 100_000);

        return new EventRequest(
                receivedAt,
                websiteId,
                visitorId,
                sessionId,
                type,
                goalName,
                url,
                hostname,
                pathname,
                text(body, "title", MAX_TITLE),
                text(body, "referrer", MAX_URL),
                utm(body, query, "utm_source"),
                utm(body, query, "utm_medium"),
                utm(body, query, "utm_campaign"),
                utm(body, query, "utm_term"),
                utm(body, query, "utm_content"),
                clickIds(body, query),
                screen == null ? null : screen.intValue(),
                text(body, "language", 35),
                metadata(body),
                duration,
                scrollDepth,
                targetUrl);
    }

    private static String requiredId(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("Field '" + field + "' is required.");
        }
        String value = node.isString() ? clean(node.stringValue()) : null;
        if (value == null || value.isBlank() || value.length() > MAX_ID) {
            throw ApiException.badRequest(
                    "Field '" + field + "' must be a non-empty string of at most " + MAX_ID + " printable characters.");
        }
        return value;
    }

    /** Free text: wrong type is a 400, too long is truncated. */
    private static String text(JsonNode body, String field, int max) {
        String value = clean(JsonBodies.string(body, field, Integer.MAX_VALUE));
        if (value == null) return null;
        return value.length() > max ? value.substring(0, max) : value;
    }

    private static Long integer(JsonNode body, String field, long min, long max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isNumber()) {
            throw ApiException.badRequest("Field '" + field + "' must be a number.");
        }
        double value = node.doubleValue();
        if (value < min || value > max || Double.isNaN(value)) {
            throw ApiException.badRequest("Field '" + field + "' must be between " + min + " and "
                    + (max == Long.MAX_VALUE ? "any" : max) + ".");
        }
        return (long) value;
    }

    private static String utm(JsonNode body, Map<String, String> query, String field) {
        String value = text(body, field, MAX_UTM);
        if (value == null) value = clean(query.get(field));
        if (value == null || value.isBlank()) return null;
        value = value.strip();
        return value.length() > MAX_UTM ? value.substring(0, MAX_UTM) : value;
    }

    private static Map<String, String> clickIds(JsonNode body, Map<String, String> query) {
        Map<String, String> ids = new LinkedHashMap<>();
        JsonNode node = body.get("click_ids");
        if (node != null && !node.isNull()) {
            if (!node.isObject()) {
                throw ApiException.badRequest("Field 'click_ids' must be an object such as {\"gclid\": \"...\"}.");
            }
            for (String name : CLICK_ID_NAMES) {
                JsonNode value = node.get(name);
                String id = value != null && value.isString() ? clean(value.stringValue()) : null;
                if (id != null && !id.isBlank()) {
                    ids.put(name, truncate(id, MAX_PARAM_VALUE));
                }
            }
        }
        for (String name : CLICK_ID_NAMES) {
            String value = clean(query.get(name));
            if (value != null && !value.isBlank()) ids.putIfAbsent(name, truncate(value, MAX_PARAM_VALUE));
        }
        return ids;
    }

    static Map<String, String> metadata(JsonNode body) {
        JsonNode node = body.get("metadata");
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw ApiException.badRequest("Field 'metadata' must be an object of string values.");
        }
        if (node.size() > MAX_PARAMS) {
            throw ApiException.badRequest("Field 'metadata' may hold at most " + MAX_PARAMS + " params.");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (!PARAM_KEY.matcher(key).matches()) {
                throw ApiException.badRequest("Metadata key '" + truncate(key, 64)
                        + "' is invalid: use 1-64 characters of a-z, 0-9, '_' or '-'.");
            }
            if (value.isNull()) continue;
            if (!value.isValueNode()) {
                throw ApiException.badRequest("Metadata '" + key + "' must be a string, number or boolean.");
            }
            String text = clean(value.asString());
            if (text.length() > MAX_PARAM_VALUE) {
                throw ApiException.badRequest(
                        "Metadata '" + key + "' must be at most " + MAX_PARAM_VALUE + " characters.");
            }
            params.put(key, text);
        }
        return params;
    }

    private static URI parseUri(String url) {
        if (url == null || url.isBlank()) return null;
        try {
            URI uri = new URI(url.strip());
            return uri.getScheme() == null ? null : uri;
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("Field 'url' is not a valid URL.");
        }
    }

    static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return Map.of();
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.putIfAbsent(
                        URLDecoder.decode(key, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape in someone's URL is not worth losing the event over
            }
        }
        return params;
    }

    /** Removes control characters and bidi controls; null stays null. */
    static String clean(String s) {
        if (s == null) return null;
        return INVISIBLE.matcher(s).find() ? INVISIBLE.matcher(s).replaceAll("") : s;
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
