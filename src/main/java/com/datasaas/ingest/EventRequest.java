package com.datasaas.ingest;

import com.datasaas.app.ApiException;
import com.datasaas.events.EventType;
import com.datasaas.sites.DomainNames;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

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
    /**
     * Host names as {@link DomainNames#validHost} returns them, per name as sent: a site's events carry a handful of
     * host names, and the check (IDNA conversion, then a regular expression) was ~4% of request time in JFR. Names
     * that fail it are not kept (a null result is not cached).
     */
    private static final Cache<String, String> VALID_HOSTS =
            Caffeine.newBuilder().maximumSize(10_000).build();

    static final int MAX_TITLE = 500;
    static final int MAX_UTM = 255;
    static final int MAX_PARAMS = 10;
    static final int MAX_PARAM_VALUE = 255;
    static final long MAX_DURATION_MS = 24L * 3600 * 1000;
    static final List<String> CLICK_ID_NAMES = List.of("gclid", "fbclid", "msclkid", "ttclid", "li_fat_id", "twclid");
    /**
     * The goal name the tracker sends an identify under ({@code datasaas("identify", {...})}); such a goal becomes an
     * {@link EventType#IDENTIFY} event. Its metadata holds {@code user_id} (required), optionally {@code name} and
     * {@code email}, and up to {@link #MAX_PARAMS} properties of the visitor.
     */
    static final String IDENTIFY_GOAL = "identify";

    static final String USER_ID = "user_id";
    /** user_id, name and email on top of the properties. */
    static final int MAX_IDENTIFY_PARAMS = MAX_PARAMS + 3;

    private static final Pattern GOAL_NAME = Pattern.compile("^[a-z0-9_:-]{1,64}$");
    private static final Pattern PARAM_KEY = Pattern.compile("^[a-z0-9_-]{1,64}$");
    /** What {@link #clean} removes, as a pattern: the definition its char test is checked against. */
    static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");

    /**
     * A goal the site's own server records for a visitor (POST /api/v1/goals): the goal name and metadata follow
     * exactly the rules of the tracker's goal events; page, hostname and referrer are those of the visitor's latest
     * pageview, so the goal lands in that session.
     */
    static EventRequest serverGoal(JsonNode body, ServerEvents.Visit visit, Instant receivedAt) {
        Fields fields = Fields.of(body);
        String name = serverGoalName(fields);
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
                metadata(fields),
                null,
                null,
                null);
    }

    /**
     * An identify the site's own server sends (POST /api/v1/identify): {@code body} is shaped like the tracker's,
     * {@code {"metadata": {"user_id": ..., "name": ..., "email": ..., ...properties}}}, and checked by the same rules;
     * page and enrichment come from the visitor's latest pageview.
     */
    static EventRequest serverIdentify(JsonNode body, ServerEvents.Visit visit, Instant receivedAt) {
        return new EventRequest(
                receivedAt,
                visit.siteId(),
                visit.visitorId(),
                visit.sessionId(),
                EventType.IDENTIFY,
                null,
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
                identity(Fields.of(body)),
                null,
                null,
                null);
    }

    /** Checks an identify's metadata (see {@link #IDENTIFY_GOAL}): 400 naming the field when it breaks the rules. */
    static Map<String, String> identity(JsonNode body) {
        return identity(Fields.of(body));
    }

    private static Map<String, String> identity(Fields body) {
        Map<String, String> traits = metadata(body, MAX_IDENTIFY_PARAMS);
        String userId = traits.get(USER_ID);
        if (userId == null || userId.isBlank() || userId.length() > MAX_ID) {
            throw ApiException.invalid(
                    "user_id",
                    "An identify needs 'user_id': your own id for the user, a non-empty string of at most " + MAX_ID
                            + " characters, e.g. datasaas(\"identify\", {user_id: \"42\", name: \"Ada\"}).");
        }
        if (traits.size()
                        - traits.keySet().stream()
                                .filter(k -> k.equals(USER_ID) || k.equals("name") || k.equals("email"))
                                .count()
                > MAX_PARAMS) {
            throw ApiException.invalid(
                    "metadata",
                    "An identify may carry at most " + MAX_PARAMS + " properties besides user_id, name and email.");
        }
        return traits;
    }

    /** The goal name of a server-recorded goal, lowercased, under the tracker's goal-name rule. */
    static String serverGoalName(JsonNode body) {
        return serverGoalName(Fields.of(body));
    }

    /** Checks a server goal's metadata by the tracker's rules (400 naming the param when it breaks them). */
    static Map<String, String> metadata(JsonNode body) {
        return metadata(Fields.of(body));
    }

    private static String serverGoalName(Fields body) {
        String name = text(body, "name", 64);
        if (name == null
                || !GOAL_NAME.matcher(name.strip().toLowerCase(Locale.ROOT)).matches()) {
            throw ApiException.invalid(
                    "name",
                    "Field 'name' is required: 1 to 64 characters of a-z, 0-9, '_', ':' or '-' (e.g. \"purchase\").");
        }
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** Parses and validates a body; every refusal is an {@link ApiException} with a 4xx that names the field. */
    static EventRequest parse(ObjectMapper json, byte[] bytes, Instant receivedAt) {
        return parse(Fields.read(json, bytes), receivedAt);
    }

    private static EventRequest parse(Fields body, Instant receivedAt) {
        String websiteId = requiredId(body, "website_id");
        // Checked when present; when absent, the pipeline derives them for a cookieless site and refuses the event
        // for any other (IngestPipeline's derive_cookieless_ids), since only the site says which applies.
        String visitorId = body.get("visitor_id") == null ? null : requiredId(body, "visitor_id");
        String sessionId = body.get("session_id") == null ? null : requiredId(body, "session_id");

        String typeName = text(body, "event_type", 32);
        EventType type = typeName == null
                ? EventType.PAGEVIEW
                : EventType.fromWireName(typeName)
                        .orElseThrow(() -> ApiException.badRequest(
                                "Field 'event_type' must be one of pageview, goal, _heartbeat, _leave, _outbound."));

        String url = text(body, "url", MAX_URL);
        PageUrl page = PageUrl.parse(url);
        // Not cleaned first: a hostname with control or bidi characters is refused, not repaired.
        String hostname = rawText(body, "hostname");
        if (hostname == null && page != null) hostname = page.host();
        if (hostname == null || hostname.isBlank()) {
            throw ApiException.badRequest(
                    "Field 'hostname' is missing and cannot be derived: send 'url' or 'hostname'.");
        }
        String host = VALID_HOSTS.get(hostname, DomainNames::validHost);
        if (host == null) {
            throw ApiException.badRequest("Field 'hostname' must be a host name such as 'www.example.com'"
                    + " (letters, digits, hyphens and dots; no scheme, port, path or spaces).");
        }
        hostname = host;
        String pathname = text(body, "pathname", MAX_URL);
        if (pathname == null && page != null) pathname = clean(page.rawPath());
        if (pathname == null || pathname.isEmpty()) pathname = "/";
        if (!pathname.startsWith("/")) pathname = truncate("/" + pathname, MAX_URL);

        Map<String, String> query = page == null ? Map.of() : queryParameters(page.rawQuery());
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
        Map<String, String> metadata;
        if (IDENTIFY_GOAL.equals(goalName)) {
            type = EventType.IDENTIFY;
            goalName = null;
            metadata = identity(body);
        } else {
            metadata = metadata(body);
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
                metadata,
                duration,
                scrollDepth,
                targetUrl);
    }

    private static String requiredId(Fields body, String field) {
        Object value = body.get(field);
        if (value == null) {
            throw ApiException.badRequest("Field '" + field + "' is required.");
        }
        String id = value instanceof String text ? clean(text) : null;
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            throw ApiException.badRequest(
                    "Field '" + field + "' must be a non-empty string of at most " + MAX_ID + " printable characters.");
        }
        return id;
    }

    private static String rawText(Fields body, String field) {
        Object value = body.get(field);
        if (value == null) return null;
        if (!(value instanceof String raw)) {
            throw ApiException.badRequest("Field '" + field + "' must be a string.");
        }
        return raw;
    }

    /** Free text: wrong type is a 400, too long is truncated. */
    private static String text(Fields body, String field, int max) {
        Object value = body.get(field);
        if (value == null) return null;
        if (!(value instanceof String raw)) {
            throw ApiException.badRequest("Field '" + field + "' must be a string.");
        }
        String text = clean(raw);
        return text.length() > max ? text.substring(0, max) : text;
    }

    private static Long integer(Fields body, String field, long min, long max) {
        Object number = body.get(field);
        if (number == null) return null;
        if (!(number instanceof Double)) {
            throw ApiException.badRequest("Field '" + field + "' must be a number.");
        }
        double value = (Double) number;
        if (value < min || value > max || Double.isNaN(value)) {
            throw ApiException.badRequest("Field '" + field + "' must be between " + min + " and "
                    + (max == Long.MAX_VALUE ? "any" : max) + ".");
        }
        return (long) value;
    }

    private static String utm(Fields body, Map<String, String> query, String field) {
        String value = text(body, field, MAX_UTM);
        if (value == null) value = clean(query.get(field));
        if (value == null || value.isBlank()) return null;
        value = value.strip();
        return value.length() > MAX_UTM ? value.substring(0, MAX_UTM) : value;
    }

    private static Map<String, String> clickIds(Fields body, Map<String, String> query) {
        Map<String, String> ids = new LinkedHashMap<>();
        Object found = body.get("click_ids");
        if (found != null) {
            if (!(found instanceof JsonNode node) || !node.isObject()) {
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

    private static Map<String, String> metadata(Fields body) {
        return metadata(body, MAX_PARAMS);
    }

    private static Map<String, String> metadata(Fields body, int maxParams) {
        Object found = body.get("metadata");
        if (found == null) return Map.of();
        if (!(found instanceof JsonNode node) || !node.isObject()) {
            throw ApiException.badRequest("Field 'metadata' must be an object of string values.");
        }
        if (node.size() > maxParams) {
            throw ApiException.badRequest("Field 'metadata' may hold at most " + maxParams + " params.");
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

    /**
     * Removes control characters (C0, DEL, C1) and bidi controls; null stays null. A scan of the chars, not a regular
     * expression: it runs on every text of every event, and the pattern's character-class predicates were the largest
     * single cost of parsing a body (JFR, docs/benchmarks.md). {@code EventRequestTest} checks it against the pattern.
     */
    static String clean(String s) {
        if (s == null) return null;
        int n = s.length();
        int i = 0;
        while (i < n && !invisible(s.charAt(i))) i++;
        if (i == n) return s;
        StringBuilder out = new StringBuilder(n - 1).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (!invisible(c)) out.append(c);
        }
        return out.toString();
    }

    /** The characters {@link #INVISIBLE} matches: {@code \p{Cc}}, ALM, LRM/RLM, the embeddings and isolates. */
    static boolean invisible(char c) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
        if (c < 0x61c) return false;
        return c == 0x61c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    /**
     * The body's top-level fields, read with Jackson's streaming parser rather than into a tree: an event is a flat
     * object of a dozen short fields, and building a tree of it cost more than validating it. Values are a
     * {@code String}, a {@code Double} (any JSON number), a {@code Boolean}, a {@link JsonNode} for the two fields
     * that are objects ({@code click_ids}, {@code metadata}), or {@link #NESTED} for an object or array elsewhere,
     * which is always a wrong type. JSON {@code null} reads as absent; a repeated field keeps its last value.
     */
    static final class Fields {
        static final Object NESTED = new Object();
        private static final int EXPECTED_FIELDS = 16;

        private final Map<String, Object> values = new HashMap<>(EXPECTED_FIELDS * 2);

        Object get(String field) {
            return values.get(field);
        }

        /** The same fields from a body already parsed as a tree (events recorded from the site's server). */
        static Fields of(JsonNode body) {
            if (body == null || !body.isObject()) {
                throw ApiException.badRequest("The request body must be a JSON object.");
            }
            Fields fields = new Fields();
            for (Map.Entry<String, JsonNode> property : body.properties()) {
                JsonNode node = property.getValue();
                String name = property.getKey();
                Object value;
                if (node.isString()) value = node.stringValue();
                else if (node.isNumber()) value = node.doubleValue();
                else if (node.isBoolean()) value = node.booleanValue();
                else if (node.isNull()) value = null;
                else if (name.equals("click_ids") || name.equals("metadata")) value = node;
                else value = NESTED;
                if (value != null) fields.values.put(name, value);
            }
            return fields;
        }

        static Fields read(ObjectMapper json, byte[] body) {
            if (body == null || body.length == 0) {
                throw ApiException.badRequest("The request body is empty: send a JSON object.");
            }
            Fields fields = new Fields();
            try (JsonParser parser = json.createParser(body)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw ApiException.badRequest("The request body must be a JSON object.");
                }
                for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                    Object value = value(parser, parser.nextToken(), name);
                    if (value == null) {
                        fields.values.remove(name);
                    } else {
                        fields.values.put(name, value);
                    }
                }
                if (parser.nextToken() != null) {
                    throw ApiException.badRequest("The request body is not valid JSON: it goes on after the object.");
                }
            } catch (JacksonException e) {
                throw ApiException.badRequest("The request body is not valid JSON.");
            }
            return fields;
        }

        private static Object value(JsonParser parser, JsonToken token, String name) {
            return switch (token) {
                case VALUE_STRING -> parser.getString();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                case START_OBJECT, START_ARRAY -> {
                    if (name.equals("click_ids") || name.equals("metadata")) {
                        yield parser.readValueAsTree();
                    }
                    parser.skipChildren();
                    yield NESTED;
                }
                default -> NESTED;
            };
        }
    }
}
