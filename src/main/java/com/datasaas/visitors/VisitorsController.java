package com.datasaas.visitors;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.RandomIds;
import com.datasaas.events.EventStore;
import com.datasaas.events.EventType;
import com.datasaas.events.IdKeys;
import com.datasaas.ingest.ServerEvents;
import com.datasaas.revenue.Money;
import com.datasaas.revenue.PaymentFacts.PaymentFact;
import com.datasaas.revenue.VisitorPayments;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import com.datasaas.sql.ColumnMaps;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.Sql;
import com.datasaas.stats.FunnelSteps;
import com.datasaas.stats.VisitorFilters;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The visitors API: who visited (one row per person: the visitors identified as one user are merged), one visitor's
 * profile and journey, identify from the site's server, and deletion of everything kept about a visitor
 * (docs/visitors.md).
 */
@RestController
final class VisitorsController {
    static final int MAX_LIMIT = 250;
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_OFFSET = 1_000_000;
    static final int MAX_ID = 128;
    /** Sessions end after this long without an event, as the tracker's session cookie does. */
    static final java.time.Duration SESSION_IDLE = java.time.Duration.ofMinutes(30);

    private final Websites websites;
    private final EventStore store;
    private final Dialect dialect;
    private final VisitorProfiles profiles;
    private final VisitorPayments payments;
    private final ServerEvents serverEvents;
    private final ObjectMapper json;
    private final Clock clock;
    private final FunnelSteps funnelSteps;

    VisitorsController(
            Websites websites,
            EventStore store,
            List<Dialect> dialects,
            VisitorProfiles profiles,
            VisitorPayments payments,
            ServerEvents serverEvents,
            ObjectMapper json,
            Clock clock,
            FunnelSteps funnelSteps) {
        this.funnelSteps = funnelSteps;
        this.clock = clock;
        this.websites = websites;
        this.store = store;
        this.dialect = Dialect.named(store.dialect(), dialects);
        this.profiles = profiles;
        this.payments = payments;
        this.serverEvents = serverEvents;
        this.json = json;
    }

    // ---------------------------------------------------------------- answers

    /** One person: a visitor, or every visitor identified as the same user, merged. */
    record Visitor(
            @Schema(
                    description =
                            "The raw visitor id (the tracker's cookie); of the most recently seen device when merged.")
            String visitorId,

            @Schema(description = "Every visitor id merged into this row (one per device of an identified user).")
            List<String> visitorIds,

            @Nullable String country,
            @Nullable String city,
            @Nullable String browser,
            @Nullable String os,
            @Nullable String deviceType,

            @Schema(description = "Source (search engine, social network or domain) of the first pageview.") @Nullable
            String referrer,

            Instant firstSeen,
            Instant lastSeen,
            long pageviewCount,
            long goalCount,

            @Schema(description = "Net revenue of the visitor's payments, in the site's currency units.")
            BigDecimal revenue,

            @Schema(description = "Set by identify only.") @Nullable
            String userId,

            @Schema(description = "Set by identify only.") @Nullable
            String displayName,

            @Schema(description = "Set by identify only.") @Nullable
            String email,

            @Schema(description = "Properties sent with identify (string values); empty otherwise.")
            Map<String, String> customProperties) {}

    record VisitorListMeta(
            String siteId,
            String start,
            String end,
            String timezone,
            String currency,
            int limit,
            int offset,

            @Schema(description = "Rows without limit and offset.")
            long total) {}

    record VisitorList(List<Visitor> results, VisitorListMeta meta) {}

    /** One thing that happened in a session, in time order. */
    record JourneyStep(
            @Schema(allowableValues = {"pageview", "goal", "outbound", "identify", "payment"})
            String type,

            Instant timestamp,
            @Nullable String pathname,
            @Nullable String title,
            @Nullable String goalName,

            @Schema(
                    description = "Pageviews: seconds until the next pageview of the session, or until the session's"
                            + " last event for its last page.")
            @Nullable
            Double durationSeconds,

            @Schema(description = "Pageviews: visible time on the page reported by the tracker, seconds.") @Nullable
            Double engagedSeconds,

            @Nullable Integer scrollDepth,
            @Nullable String targetUrl,

            @Schema(description = "Payments: net amount in the site's currency units.") @Nullable
            BigDecimal amount) {}

    record JourneySession(
            @Nullable String sessionId,
            @Nullable String visitorId,
            Instant startedAt,
            Instant endedAt,
            double durationSeconds,
            long pageviews,
            long goals,
            @Nullable String channel,
            @Nullable String referrer,
            @Nullable String utmSource,
            @Nullable String utmMedium,
            @Nullable String utmCampaign,
            @Nullable String entryPage,
            @Nullable String exitPage,
            @Nullable String country,
            @Nullable String city,
            @Nullable String deviceType,
            @Nullable String browser,
            @Nullable String os,
            List<JourneyStep> steps) {}

    record VisitorPayment(
            Instant paidAt,
            @Nullable BigDecimal amount,
            String currency,
            @Nullable String sessionId,
            @Nullable String visitorId,
            boolean renewal) {}

    record VisitorPage(
            @Schema(description = "All-time profile: counts and revenue over every event and payment of the visitor.")
            Visitor visitor,

            @Schema(description = "The newest sessions (at most 50), newest first, each with its steps in order.")
            List<JourneySession> sessions,

            @Schema(description = "Every payment linked to the visitor, oldest first.")
            List<VisitorPayment> payments,

            String currency) {}

    /** The body of POST /api/v1/identify. */
    record IdentifyRequest(
            @Schema(description = "The visitor id the tracker sent (the datasaas_visitor_id cookie).")
            @NotBlank(message = "is required: the visitor id the tracker sent (the datasaas_visitor_id cookie)")
            @Size(max = MAX_ID, message = "must be at most 128 characters")
            String visitorId,

            @Schema(description = "Your own id for the user.")
            @NotBlank(message = "is required: your own id for the user, e.g. \"42\"")
            @Size(max = MAX_ID, message = "must be at most 128 characters")
            String userId,

            @Nullable @Size(max = 255, message = "must be at most 255 characters")
            String name,

            @Nullable @Size(max = 255, message = "must be at most 255 characters")
            String email,

            @Schema(
                    description = "Up to 10 properties; keys [a-z0-9_-]{1,64}, values string/number/boolean up to 255."
                            + " They may also be sent as fields of their own beside user_id, as the page's identify"
                            + " sends them.")
            @Nullable
            Map<String, Object> properties,

            // {visitor_id, user_id, plan: "pro"}: the flat form of the page's identify, so no property is dropped.
            @JsonAnySetter @Schema(hidden = true) @Nullable Map<String, Object> flatProperties) {}

    /** The profile an identify left, every device of the user merged. */
    record Identified(
            String visitorId,

            @Schema(description = "Every visitor id identified as this user.")
            List<String> visitorIds,

            String userId,
            @Nullable String displayName,
            @Nullable String email,
            Map<String, String> customProperties,

            @Schema(description = "When the user was first identified.")
            Instant identifiedAt) {}

    record VisitorDeleted(
            @Schema(description = "The visitor ids whose data was deleted (every device of an identified user).")
            List<String> visitorIds,

            long eventsDeleted,
            int profilesDeleted,
            int paymentsUnlinked) {}

    // ---------------------------------------------------------------- routes

    static final String SITE_ID = "The website id (`siteId` is accepted too).";
    static final String FILTERS = "Stats filters, `<dimension>[is|is_not|contains]`, e.g. `country[is]=US`: a visitor"
            + " is listed when one of its pageviews or goals in the range passes them all;"
            + " `funnel_step[is]=<funnelId>:<step>` lists only the visitors who reached that step of a funnel.";

    @GetMapping("/api/v1/visitors")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @Parameter(name = "start", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "end", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "timezone", in = ParameterIn.QUERY, description = "IANA zone overriding the site's.")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "1 to 250, default 50.")
    @Parameter(name = "offset", in = ParameterIn.QUERY, description = "Default 0.")
    @Parameter(name = "filters", in = ParameterIn.QUERY, description = FILTERS, schema = @Schema(hidden = true))
    @ApiResponse(
            responseCode = "200",
            description = "A page of the visitors seen in the range, newest last-seen first.")
    @ApiResponse(responseCode = "400", description = "A bad date, limit, offset or filter; the message says which.")
    @ApiResponse(responseCode = "404", description = "Unknown website, or another account's.")
    VisitorList list(@Parameter(hidden = true) HttpServletRequest request) {
        Map<String, String[]> params = request.getParameterMap();
        String siteId = VisitorFilters.siteId(params);
        int limit = integer(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = integer(params, "offset", 0, 0, MAX_OFFSET);
        Website site = websites.require(Caller.current(), siteId);
        VisitorFilters.Selection s = VisitorFilters.read(params, site, funnelSteps);
        Sql.Select perVisitor = VisitorQueries.perVisitor(
                site.id(), s.from(), s.until(), VisitorQueries.visitorKeyIn(VisitorFilters.matchingVisitorKeys(s)));
        List<Map<String, Object>> rows = run(VisitorQueries.profiles(site.id(), perVisitor, limit, offset));
        long total = offset == 0 && rows.size() < limit
                ? rows.size()
                : ((Number) run(VisitorQueries.profileCount(site.id(), perVisitor))
                                .get(0)
                                .values()
                                .iterator()
                                .next())
                        .longValue();
        List<Visitor> results = visitors(site, rows, s.from(), s.until());
        return new VisitorList(
                results,
                new VisitorListMeta(
                        site.id(),
                        s.start().toString(),
                        s.end().toString(),
                        s.zone().getId(),
                        site.currency(),
                        limit,
                        offset,
                        total));
    }

    @GetMapping("/api/v1/visitors/{visitor_id}")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @ApiResponse(responseCode = "200", description = "The visitor's all-time profile and its newest sessions.")
    @ApiResponse(responseCode = "400", description = "A visitor id longer than 128 characters, or no site_id.")
    @ApiResponse(
            responseCode = "404",
            description = "Unknown website (or another account's), or a visitor with no pageview or goal there.")
    VisitorPage visitor(
            @Parameter(hidden = true) HttpServletRequest request,
            @PathVariable("visitor_id") @Parameter(description = "The raw visitor id.") String visitorId) {
        Website site = site(request, visitorId, false);
        List<String> ids = visitorIds(site, visitorId);
        List<Long> keys = ids.stream().map(id -> IdKeys.of(site.id(), id)).toList();
        List<Map<String, Object>> rows = run(VisitorQueries.profiles(
                site.id(), VisitorQueries.perVisitor(site.id(), null, null, VisitorQueries.visitorKeyIn(keys)), 0, 0));
        if (rows.isEmpty()) throw unknownVisitor(site, visitorId);
        // One user may still show as two rows here if the event store's identity and the profile disagree for a
        // moment (an identify on its way through the spool): the newest row is the profile.
        List<PaymentFact> paid = payments.of(site.id(), site.currency(), ids);
        Visitor visitor = visitors(site, rows.subList(0, 1), null, null).get(0);
        if (rows.size() > 1) visitor = merged(site, rows, paid);
        return new VisitorPage(visitor, journey(site, keys, paid), paymentViews(site, paid), site.currency());
    }

    @PostMapping("/api/v1/identify")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @ApiResponse(responseCode = "200", description = "Identified: the visitor's profile (counts are on its page).")
    @ApiResponse(responseCode = "400", description = "A missing or bad field; the message and `field` name it.")
    @ApiResponse(responseCode = "403", description = "A read-only API key.")
    @ApiResponse(
            responseCode = "404",
            description = "Unknown website (or another account's), or a visitor with no pageview there.")
    @ApiResponse(responseCode = "409", description = "The website runs in cookieless mode, which has no identify.")
    Identified identify(
            @Parameter(hidden = true) HttpServletRequest request, @Valid @RequestBody IdentifyRequest body) {
        Caller caller = Caller.current();
        if (caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
        }
        Website site = websites.require(caller, VisitorFilters.siteId(request.getParameterMap()));
        if (site.cookieless()) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "Website " + site.id() + " runs in cookieless mode, which keeps no visitor across days, so it has"
                            + " no identify. Turn cookieless mode off in the website's settings to identify visitors.");
        }
        // The tracker's identify body, so the same rules check both (docs/visitors.md).
        ObjectNode traits = json.createObjectNode();
        if (body.properties() != null) traits.setAll(json.<ObjectNode>valueToTree(body.properties()));
        if (body.flatProperties() != null) {
            for (Map.Entry<String, Object> flat : body.flatProperties().entrySet()) {
                if (traits.has(flat.getKey())) {
                    throw ApiException.invalid(
                            "properties",
                            "'" + flat.getKey() + "' is sent twice, in properties and as a field; send it once.");
                }
                traits.set(flat.getKey(), json.valueToTree(flat.getValue()));
            }
        }
        for (String reserved : List.of(VisitorProfiles.USER_ID, VisitorProfiles.NAME, VisitorProfiles.EMAIL)) {
            if (traits.has(reserved)) {
                throw ApiException.invalid(
                        "properties", "Send '" + reserved + "' as a field of its own, not among the properties.");
            }
        }
        traits.put(VisitorProfiles.USER_ID, body.userId());
        if (body.name() != null) traits.put(VisitorProfiles.NAME, body.name());
        if (body.email() != null) traits.put(VisitorProfiles.EMAIL, body.email());
        ObjectNode identify = json.createObjectNode();
        identify.set("metadata", traits);
        ServerEvents.checkIdentify(identify);
        List<Map<String, Object>> last =
                run(VisitorFilters.lastPageview(site.id(), IdKeys.of(site.id(), body.visitorId())));
        if (last.isEmpty()) {
            throw ApiException.notFound("Visitor '" + body.visitorId() + "' has no pageview on website " + site.id()
                    + "; identify a visitor id the tracker has sent (the datasaas_visitor_id cookie).");
        }
        Map<String, Object> visit = new HashMap<>(last.get(0));
        if (((Instant) visit.get("ts")).isBefore(clock.instant().minus(SESSION_IDLE))) {
            // The visitor's last session is over: an identify in it would stretch it over days (and its duration in
            // every stats answer). It gets a session of its own, which has no pageview and so counts as no visit.
            visit.put("session_id", "identify-" + RandomIds.base62(16));
        }
        // Through the ingest pipeline like the tracker's identify: same rules, profile step, buffer and metrics.
        serverEvents.identify(identify, ServerEvents.Visit.of(site.id(), visit));
        VisitorProfiles.Profile profile =
                profiles.ofVisitor(site.id(), body.visitorId()).orElseThrow();
        return new Identified(
                body.visitorId(),
                profile.visitorIds(),
                profile.userId(),
                profile.displayName(),
                profile.email(),
                profile.properties(),
                profile.identifiedAt());
    }

    @DeleteMapping("/api/v1/visitors/{visitor_id}")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @ApiResponse(responseCode = "200", description = "VisitorDeleted: what was removed.")
    @ApiResponse(responseCode = "400", description = "A visitor id longer than 128 characters, or no site_id.")
    @ApiResponse(responseCode = "403", description = "A read-only API key.")
    @ApiResponse(
            responseCode = "404",
            description = "Unknown website (or another account's), or a visitor of which nothing is stored.")
    VisitorDeleted delete(
            @Parameter(hidden = true) HttpServletRequest request,
            @PathVariable("visitor_id") @Parameter(description = "The raw visitor id.") String visitorId) {
        Website site = site(request, visitorId, true);
        List<String> ids = visitorIds(site, visitorId);
        long events = store.deleteVisitors(site.id(), ids);
        int deletedProfiles = profiles.delete(site.id(), ids);
        int unlinked = payments.unlink(site.id(), ids);
        if (events == 0 && deletedProfiles == 0 && unlinked == 0) throw unknownVisitor(site, visitorId);
        return new VisitorDeleted(ids, events, deletedProfiles, unlinked);
    }

    // ---------------------------------------------------------------- parts

    private Website site(HttpServletRequest request, String visitorId, boolean mutation) {
        Caller caller = Caller.current();
        if (mutation && caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
        }
        String siteId = VisitorFilters.siteId(request.getParameterMap());
        if (visitorId.isBlank() || visitorId.length() > MAX_ID) {
            throw ApiException.invalid(
                    "visitor_id",
                    "A visitor id is 1 to " + MAX_ID + " characters: the datasaas_visitor_id cookie the tracker set,"
                            + " as listed by GET /api/v1/visitors.");
        }
        return websites.require(caller, siteId);
    }

    /** The visitor, and every other visitor identified as the same user. */
    private List<String> visitorIds(Website site, String visitorId) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        ids.add(visitorId);
        profiles.ofVisitor(site.id(), visitorId).ifPresent(p -> ids.addAll(p.visitorIds()));
        return List.copyOf(ids);
    }

    private static ApiException unknownVisitor(Website site, String visitorId) {
        return ApiException.notFound("No visitor '" + visitorId + "' on website " + site.id()
                + ". Visitor ids are listed by GET /api/v1/visitors?site_id=" + site.id() + "&start=...&end=....");
    }

    private List<Map<String, Object>> run(Sql.Query query) {
        CompiledQuery sql = dialect.print(query);
        return store.query(sql.sql(), sql.parameters(), ColumnMaps.INSTANCE);
    }

    static int integer(Map<String, String[]> params, String name, int defaultValue, int min, int max) {
        String[] values = params.get(name);
        String value = values == null || values.length == 0 ? null : values[0];
        if (value == null || value.isBlank()) return defaultValue;
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw ApiException.invalid(
                name,
                "Parameter '" + name + "' must be a whole number from " + min + " to " + max + ", not '" + value + "'."
                        + (name.equals("limit") ? " Page through longer lists with offset." : ""));
    }

    /**
     * Rows of {@link VisitorQueries#profiles} as answers, with their profiles and their revenue from payments in
     * {@code [from, until)} (all time when null): one profile read and one payments read for the whole page.
     */
    private List<Visitor> visitors(Website site, List<Map<String, Object>> rows, Instant from, Instant until) {
        List<String> userIds = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (row.get("user_id") != null) userIds.add((String) row.get("user_id"));
        }
        Map<String, VisitorProfiles.Profile> byUser = profiles.ofUsers(site.id(), userIds);
        Map<Map<String, Object>, List<String>> idsOf = new HashMap<>();
        List<String> allIds = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            VisitorProfiles.Profile p = byUser.get((String) row.get("user_id"));
            LinkedHashSet<String> ids = new LinkedHashSet<>();
            ids.add((String) row.get("visitor_id"));
            if (p != null) ids.addAll(p.visitorIds());
            idsOf.put(row, List.copyOf(ids));
            allIds.addAll(ids);
        }
        Map<String, Long> revenueByVisitor = new HashMap<>();
        for (PaymentFact f : payments.of(site.id(), site.currency(), allIds)) {
            if (f.revenueMinor() == null) continue;
            if (from != null && f.paidAt().isBefore(from)) continue;
            if (until != null && !f.paidAt().isBefore(until)) continue;
            revenueByVisitor.merge(f.visitorId(), f.revenueMinor(), Long::sum);
        }
        List<Visitor> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<String> ids = idsOf.get(row);
            long revenue = ids.stream()
                    .mapToLong(id -> revenueByVisitor.getOrDefault(id, 0L))
                    .sum();
            out.add(visitor(row, ids, byUser.get((String) row.get("user_id")), revenue, site.currency()));
        }
        return out;
    }

    private static Visitor visitor(
            Map<String, Object> row, List<String> ids, VisitorProfiles.Profile p, long revenueMinor, String currency) {
        return new Visitor(
                (String) row.get("visitor_id"),
                ids,
                (String) row.get("country"),
                (String) row.get("city"),
                (String) row.get("browser"),
                (String) row.get("os"),
                (String) row.get("device_type"),
                (String) row.get("referrer"),
                (Instant) row.get("first_seen"),
                (Instant) row.get("last_seen"),
                ((Number) row.get("pageviews")).longValue(),
                ((Number) row.get("goals")).longValue(),
                Money.units(revenueMinor, currency),
                p == null ? (String) row.get("user_id") : p.userId(),
                p == null ? null : p.displayName(),
                p == null ? null : p.email(),
                p == null ? Map.of() : p.properties());
    }

    /** Several rows of one person (see {@link #visitor}): sums, newest location, earliest referrer. */
    private Visitor merged(Website site, List<Map<String, Object>> rows, List<PaymentFact> paid) {
        List<Visitor> parts = visitors(site, rows, null, null);
        Visitor newest = parts.get(0);
        Visitor earliest = parts.stream()
                .min((a, b) -> a.firstSeen().compareTo(b.firstSeen()))
                .orElseThrow();
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        parts.forEach(v -> ids.addAll(v.visitorIds()));
        long revenue = paid.stream()
                .filter(f -> f.revenueMinor() != null)
                .mapToLong(PaymentFact::revenueMinor)
                .sum();
        Visitor identified =
                parts.stream().filter(v -> v.userId() != null).findFirst().orElse(newest);
        return new Visitor(
                newest.visitorId(),
                List.copyOf(ids),
                newest.country(),
                newest.city(),
                newest.browser(),
                newest.os(),
                newest.deviceType(),
                earliest.referrer(),
                earliest.firstSeen(),
                newest.lastSeen(),
                parts.stream().mapToLong(Visitor::pageviewCount).sum(),
                parts.stream().mapToLong(Visitor::goalCount).sum(),
                Money.units(revenue, site.currency()),
                identified.userId(),
                identified.displayName(),
                identified.email(),
                identified.customProperties());
    }

    private List<VisitorPayment> paymentViews(Website site, List<PaymentFact> paid) {
        return paid.stream()
                .map(f -> new VisitorPayment(
                        f.paidAt(),
                        f.revenueMinor() == null ? null : Money.units(f.revenueMinor(), site.currency()),
                        site.currency(),
                        f.sessionId(),
                        f.visitorId(),
                        f.renewal()))
                .toList();
    }

    /**
     * The newest sessions with their steps: pageviews (with time to the next page and the engaged time and scroll of
     * their {@code _leave}), goals, outbound clicks, identifies, and payments placed in the session they are credited
     * to, else in the last session that started before them.
     */
    private List<JourneySession> journey(Website site, List<Long> visitorKeys, List<PaymentFact> paid) {
        List<Map<String, Object>> sessionRows = run(VisitorQueries.sessions(site.id(), visitorKeys));
        if (sessionRows.isEmpty()) return List.of();
        List<Long> sessionKeys = sessionRows.stream()
                .map(r -> ((Number) r.get("session_key")).longValue())
                .toList();
        Map<Long, List<Map<String, Object>>> eventsOf = new LinkedHashMap<>();
        for (Map<String, Object> e : run(VisitorQueries.journeyEvents(site.id(), sessionKeys))) {
            eventsOf.computeIfAbsent(((Number) e.get("session_key")).longValue(), k -> new ArrayList<>())
                    .add(e);
        }
        Map<Long, List<PaymentFact>> paymentsOf = placePayments(site, sessionRows, paid);
        List<JourneySession> out = new ArrayList<>();
        for (Map<String, Object> s : sessionRows) {
            long key = ((Number) s.get("session_key")).longValue();
            List<Map<String, Object>> events = eventsOf.getOrDefault(key, List.of());
            Instant started = (Instant) s.get("started_at");
            Instant ended = (Instant) s.get("ended_at");
            List<JourneyStep> steps = steps(events, ended, paymentsOf.getOrDefault(key, List.of()), site.currency());
            Map<String, Object> first = events.isEmpty() ? Map.of() : events.get(0);
            out.add(new JourneySession(
                    (String) first.get("session_id"),
                    (String) first.get("visitor_id"),
                    started,
                    ended,
                    seconds(started, ended),
                    ((Number) s.get("pageviews")).longValue(),
                    ((Number) s.get("goals")).longValue(),
                    (String) s.get("channel"),
                    (String) s.get("referrer"),
                    (String) s.get("utm_source"),
                    (String) s.get("utm_medium"),
                    (String) s.get("utm_campaign"),
                    (String) s.get("entry_page"),
                    (String) s.get("exit_page"),
                    (String) s.get("country"),
                    (String) s.get("city"),
                    (String) s.get("device_type"),
                    (String) s.get("browser"),
                    (String) s.get("os"),
                    steps));
        }
        return out;
    }

    private static Map<Long, List<PaymentFact>> placePayments(
            Website site, List<Map<String, Object>> sessionRows, List<PaymentFact> paid) {
        Map<Long, List<PaymentFact>> out = new HashMap<>();
        for (PaymentFact f : paid) {
            Long key = null;
            if (f.sessionId() != null) {
                long named = IdKeys.of(site.id(), f.sessionId());
                if (sessionRows.stream().anyMatch(r -> ((Number) r.get("session_key")).longValue() == named)) {
                    key = named;
                }
            }
            if (key == null) {
                // Sessions are newest first: the first one started at or before the payment.
                Optional<Map<String, Object>> before = sessionRows.stream()
                        .filter(r -> !((Instant) r.get("started_at")).isAfter(f.paidAt()))
                        .findFirst();
                if (before.isPresent()) key = ((Number) before.get().get("session_key")).longValue();
            }
            if (key != null) out.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        return out;
    }

    private static List<JourneyStep> steps(
            List<Map<String, Object>> events, Instant sessionEnd, List<PaymentFact> paid, String currency) {
        List<JourneyStep> steps = new ArrayList<>();
        // Index of each pageview's step, to give it the time until the next one and its _leave's numbers.
        int lastPageview = -1;
        Instant lastPageviewAt = null;
        for (Map<String, Object> e : events) {
            String type = (String) e.get("event_type");
            Instant at = (Instant) e.get("ts");
            if (EventType.PAGEVIEW.wireName().equals(type)) {
                if (lastPageview >= 0)
                    steps.set(lastPageview, withDuration(steps.get(lastPageview), lastPageviewAt, at));
                steps.add(new JourneyStep(
                        "pageview",
                        at,
                        (String) e.get("pathname"),
                        (String) e.get("title"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));
                lastPageview = steps.size() - 1;
                lastPageviewAt = at;
            } else if (EventType.LEAVE.wireName().equals(type) && lastPageview >= 0) {
                JourneyStep page = steps.get(lastPageview);
                Number ms = (Number) e.get("duration_ms");
                Number scroll = (Number) e.get("scroll_depth");
                // Each _leave of a page view carries its total so far: the latest one wins.
                steps.set(
                        lastPageview,
                        new JourneyStep(
                                page.type(),
                                page.timestamp(),
                                page.pathname(),
                                page.title(),
                                null,
                                page.durationSeconds(),
                                ms == null ? page.engagedSeconds() : ms.longValue() / 1000.0,
                                scroll == null ? page.scrollDepth() : scroll.intValue(),
                                null,
                                null));
            } else if (EventType.GOAL.wireName().equals(type)) {
                steps.add(new JourneyStep(
                        "goal",
                        at,
                        (String) e.get("pathname"),
                        null,
                        (String) e.get("goal_name"),
                        null,
                        null,
                        null,
                        null,
                        null));
            } else if (EventType.OUTBOUND.wireName().equals(type)) {
                steps.add(new JourneyStep(
                        "outbound",
                        at,
                        (String) e.get("pathname"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        (String) e.get("target_url"),
                        null));
            } else if (EventType.IDENTIFY.wireName().equals(type)) {
                steps.add(new JourneyStep(
                        "identify", at, (String) e.get("pathname"), null, null, null, null, null, null, null));
            }
        }
        if (lastPageview >= 0)
            steps.set(lastPageview, withDuration(steps.get(lastPageview), lastPageviewAt, sessionEnd));
        for (PaymentFact f : paid) {
            steps.add(new JourneyStep(
                    "payment",
                    f.paidAt(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    f.revenueMinor() == null ? null : Money.units(f.revenueMinor(), currency)));
        }
        // Payments are stored to the second (PaymentLedger), events to the microsecond: a payment goes after the events
        // of its second, else a purchase made just after a pageview lists before it. Stable: events keep store order.
        steps.sort(Comparator.comparing((JourneyStep step) -> step.timestamp().truncatedTo(ChronoUnit.SECONDS))
                .thenComparing(step -> "payment".equals(step.type()))
                .thenComparing(JourneyStep::timestamp));
        return steps;
    }

    private static JourneyStep withDuration(JourneyStep page, Instant from, Instant to) {
        return new JourneyStep(
                page.type(),
                page.timestamp(),
                page.pathname(),
                page.title(),
                null,
                seconds(from, to),
                page.engagedSeconds(),
                page.scrollDepth(),
                null,
                null);
    }

    private static double seconds(Instant from, Instant to) {
        return java.time.Duration.between(from, to).toMillis() / 1000.0;
    }
}
