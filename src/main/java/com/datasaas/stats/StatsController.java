package com.datasaas.stats;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.events.IdKeys;
import com.datasaas.goals.Goal;
import com.datasaas.goals.Goals;
import com.datasaas.ingest.ServerEvents;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import com.datasaas.sql.Sql;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The v1 stats API. Each endpoint reads its parameters into one {@link StatsQuery} and hands it to the engine; the
 * answer is {@code {"results": ..., "meta": {...}}}.
 */
@RestController
final class StatsController {
    static final List<Metric> HEADLINE = List.of(Metric.values());

    private final StatsEngine engine;
    private final Websites websites;
    private final Goals goals;
    private final ObjectMapper json;
    private final RevenueStats revenue;
    private final ServerEvents serverEvents;
    private final FunnelSteps funnelSteps;

    StatsController(
            StatsEngine engine,
            Websites websites,
            Goals goals,
            ObjectMapper json,
            RevenueStats revenue,
            ServerEvents serverEvents,
            FunnelSteps funnelSteps) {
        this.funnelSteps = funnelSteps;
        this.revenue = revenue;
        this.serverEvents = serverEvents;
        this.engine = engine;
        this.websites = websites;
        this.goals = goals;
        this.json = json;
    }

    /** What every endpoint starts from: the site (404 if out of reach), its zone, the range and the filters. */
    private record Base(
            Website site,
            ZoneId zone,
            LocalDate start,
            LocalDate end,
            List<Filter> filters,
            Optional<FunnelStepFilter> funnelStep,
            List<Sql.Select> visitors) {
        Meta meta() {
            return new Meta(
                    site.id(),
                    start.toString(),
                    end.toString(),
                    zone.getId(),
                    site.currency(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
    }

    private Base base(StatsParameters p) {
        String siteId = p.siteId();
        LocalDate[] range = p.range();
        List<Filter> filters = p.filters();
        Optional<FunnelStepFilter> funnelStep = p.funnelStep();
        Website site = websites.require(Caller.current(), siteId);
        ZoneId zone = p.zone(site);
        return new Base(
                site,
                zone,
                range[0],
                range[1],
                filters,
                funnelStep,
                visitors(site, zone, range[0], range[1], filters, funnelStep));
    }

    /** The visitors a {@code funnel_step} filter keeps over these days and filters; none without it. */
    private List<Sql.Select> visitors(
            Website site,
            ZoneId zone,
            LocalDate start,
            LocalDate end,
            List<Filter> filters,
            Optional<FunnelStepFilter> funnelStep) {
        return funnelStep
                .map(f -> List.of(funnelSteps.visitorsAt(new StatsScope(site, zone, start, end, filters), f)))
                .orElse(List.of());
    }

    /**
     * Revenue metrics read payments, which carry a few session attributes but not the visitor's path through a
     * funnel: with a {@code funnel_step} filter they are refused, not silently unfiltered.
     */
    private static void checkRevenue(RevenueStats.Request asked, Base b, Dimension dimension) {
        RevenueStats.check(asked, b.filters(), dimension);
        if (asked.hasRevenue() && b.funnelStep().isPresent()) {
            throw ApiException.invalid(
                    FunnelStepFilter.NAME + "[is]",
                    "Metric '" + asked.revenue().get(0).apiName() + "' cannot be filtered by funnel_step: payments"
                            + " carry " + RevenueStats.supportedNames() + ". The funnel's own result"
                            + " (GET /api/v1/funnels/{id}) gives the revenue of the visitors who completed it.");
        }
    }

    private StatsQuery query(
            Base b, List<Metric> metrics, List<Dimension> dimensions, Interval interval, StatsQuery.Order order) {
        return query(b, metrics, dimensions, interval, order, 0, 0);
    }

    private StatsQuery query(
            Base b,
            List<Metric> metrics,
            List<Dimension> dimensions,
            Interval interval,
            StatsQuery.Order order,
            int limit,
            int offset) {
        return new StatsQuery(
                b.site().id(),
                b.start(),
                b.end(),
                b.zone(),
                metrics,
                dimensions,
                b.filters(),
                interval,
                order,
                limit,
                offset,
                goals.forSite(b.site().id()),
                b.visitors());
    }

    static final String SITE_ID = "The website id (`siteId` is accepted too).";
    static final String METRICS = "Comma list of metric names (docs/stats.md); revenue metrics too.";
    static final String FILTERS = "Filters are parameters named `<dimension>[is|is_not|contains]`, e.g."
            + " `country[is]=US`; repeat one for several values. `funnel_step[is]=<funnelId>:<step>` keeps the"
            + " visitors who reached that step of the funnel in order (docs/funnels.md). (This entry only documents"
            + " them.)";

    /** What was asked, in the site's zone and currency; the optional parts appear only where they apply. */
    record Meta(
            String siteId,
            String start,
            String end,
            String timezone,
            String currency,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String dimension,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String interval,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            List<String> metrics,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Integer limit,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Integer offset,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Long total,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String orderBy,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String previousStart,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String previousEnd,

            @Schema(
                    description =
                            "Metrics whose values in this answer are estimates, not exact counts: [\"visitors\"]"
                                    + " when visitors over several days came from the day rollup's HLL sketches (about 0.8%"
                                    + " standard error, docs/architecture.md). Absent when every number is exact, which is"
                                    + " always the case for ranges under 10,000 visitors, filtered queries and one-day buckets.")
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Nullable
            List<String> approximate) {
        /** The same meta, saying visitors are estimates when {@code visitorsEstimated}. */
        Meta approximate(boolean visitorsEstimated) {
            return new Meta(
                    siteId,
                    start,
                    end,
                    timezone,
                    currency,
                    dimension,
                    interval,
                    metrics,
                    limit,
                    offset,
                    total,
                    orderBy,
                    previousStart,
                    previousEnd,
                    visitorsEstimated ? List.of(Metric.VISITORS.apiName()) : approximate);
        }

        Meta with(String dimension, String interval, List<String> metrics) {
            return new Meta(
                    siteId,
                    start,
                    end,
                    timezone,
                    currency,
                    dimension,
                    interval,
                    metrics,
                    limit,
                    offset,
                    total,
                    orderBy,
                    previousStart,
                    previousEnd,
                    approximate);
        }

        Meta page(int limit, int offset, long total, String orderBy) {
            return new Meta(
                    siteId,
                    start,
                    end,
                    timezone,
                    currency,
                    dimension,
                    interval,
                    metrics,
                    limit,
                    offset,
                    total,
                    orderBy,
                    previousStart,
                    previousEnd,
                    approximate);
        }

        Meta previous(String previousStart, String previousEnd) {
            return new Meta(
                    siteId,
                    start,
                    end,
                    timezone,
                    currency,
                    dimension,
                    interval,
                    metrics,
                    limit,
                    offset,
                    total,
                    orderBy,
                    previousStart,
                    previousEnd,
                    approximate);
        }
    }

    /** Metric values by metric name ({@code visitors}, {@code bounce_rate}, {@code revenue} ...). */
    @Schema(
            description = "Metric values by metric name, e.g. {\"visitors\": 12, \"bounce_rate\": 41.7}; breakdown"
                    + " rows also hold the dimension's value under the dimension's name, timeseries points a"
                    + " `date`.",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    @JsonIgnoreProperties("empty") // Map#isEmpty is no property of the answer
    static final class Values extends LinkedHashMap<String, Object> {}

    record Overview(
            Values results,

            @Schema(description = "With compare=previous_period: the same metrics for the days just before.")
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Nullable
            Values previous,

            Meta meta) {}

    record Rows(List<Values> results, Meta meta) {}

    record GoalRow(
            String goalName,
            String displayName,

            @Schema(allowableValues = {"custom", "pageview"})
            String goalType,

            long uniqueVisitors,
            long completionCount,
            double conversionRate) {}

    record GoalRows(List<GoalRow> results, Meta meta) {}

    /** The body of POST /api/v1/goals. */
    /**
     * The body of POST /api/v1/goals. Bound and size-checked here; the goal name and metadata are then checked by the
     * tracker's own rules (ServerEvents), so server and browser goals cannot drift apart.
     */
    record GoalCompletion(
            @Schema(
                    description = "The goal name, lowercased; 1 to 64 of a-z, 0-9, '_', ':', '-'.",
                    example = "purchase")
            String name,

            @Schema(description = "The visitor id the tracker sent (window.datasaas visitor id).")
            @NotBlank(message = "is required: the visitor id the tracker sent (window.datasaas visitor id)")
            @Size(max = 128, message = "must be at most 128 characters")
            String visitorId,

            @Schema(description = "Up to 10 params; keys [a-z0-9_-]{1,64}, values string/number/boolean.") @Nullable
            Map<String, Object> metadata) {}

    record RecordedGoal(String name, String visitorId, String sessionId, Instant timestamp) {}

    @GetMapping("/api/v1/overview")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @Parameter(name = "start", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "end", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "timezone", in = ParameterIn.QUERY, description = "IANA zone overriding the site's.")
    @Parameter(name = "metrics", in = ParameterIn.QUERY, description = METRICS)
    @Parameter(name = "filters", in = ParameterIn.QUERY, description = FILTERS, schema = @Schema(hidden = true))
    @Parameter(name = "compare", in = ParameterIn.QUERY, description = "previous_period")
    Overview overview(@Parameter(hidden = true) HttpServletRequest request) {
        StatsParameters p = new StatsParameters(request.getParameterMap());
        Base b = base(p);
        RevenueStats.Request asked = RevenueStats.parse(p, HEADLINE);
        checkRevenue(asked, b, null);
        List<Metric> metrics = asked.metrics();
        String compare = p.single("compare");
        if (compare != null && !compare.isBlank() && !compare.equals("previous_period")) {
            throw ApiException.badRequest("Parameter 'compare' supports only previous_period.");
        }
        StatsQuery q = query(b, asked.engineMetrics(), List.of(), null, null);
        Meta meta = b.meta().with(null, null, asked.names());
        Values previous = null;
        if (compare != null && !compare.isBlank()) {
            // The same number of days right before the range.
            long days = ChronoUnit.DAYS.between(b.start(), b.end()) + 1;
            LocalDate previousStart = b.start().minusDays(days);
            LocalDate previousEnd = b.start().minusDays(1);
            // A funnel_step filter is evaluated again over the previous days: who reached the step then.
            StatsQuery before = q.withRange(previousStart, previousEnd)
                    .withVisitors(
                            visitors(b.site(), b.zone(), previousStart, previousEnd, b.filters(), b.funnelStep()));
            StatsEngine.Answer then = engine.answer(before);
            previous = totals(b, before, then, asked);
            meta = meta.previous(previousStart.toString(), previousEnd.toString())
                    .approximate(then.visitorsEstimated());
        }
        StatsEngine.Answer now = engine.answer(q);
        Values totals = totals(b, q, now, asked);
        return new Overview(totals, previous, meta.approximate(now.visitorsEstimated()));
    }

    @GetMapping("/api/v1/timeseries")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @Parameter(name = "start", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "end", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "timezone", in = ParameterIn.QUERY, description = "IANA zone overriding the site's.")
    @Parameter(name = "metrics", in = ParameterIn.QUERY, description = METRICS)
    @Parameter(name = "filters", in = ParameterIn.QUERY, description = FILTERS, schema = @Schema(hidden = true))
    @Parameter(name = "interval", in = ParameterIn.QUERY, description = "hour, day, week or month.")
    Rows timeseries(@Parameter(hidden = true) HttpServletRequest request) {
        StatsParameters p = new StatsParameters(request.getParameterMap());
        Base b = base(p);
        Interval interval = p.interval(b.start(), b.end());
        RevenueStats.Request asked = RevenueStats.parse(p, List.of(Metric.VISITORS, Metric.PAGEVIEWS));
        checkRevenue(asked, b, null);
        List<Metric> metrics = asked.metrics();
        StatsQuery q = query(b, asked.engineMetrics(), List.of(), interval, null);
        Map<LocalDateTime, RevenueStats.Sum> paid =
                asked.hasRevenue() ? revenue.byBucket(b.site(), q, interval) : Map.of();
        Map<LocalDateTime, Components> found = new HashMap<>();
        StatsEngine.Answer answer = engine.answer(q);
        for (StatsRow row : answer.rows()) {
            found.put((LocalDateTime) row.groups().get(0), row.components());
        }
        List<Values> results = new ArrayList<>();
        for (LocalDateTime bucket : interval.buckets(b.start(), b.end())) {
            Values point = new Values();
            point.put(
                    "date",
                    interval == Interval.HOUR
                            ? bucket.toString()
                            : bucket.toLocalDate().toString());
            Components c = found.getOrDefault(bucket, Components.ZERO);
            point.putAll(values(c, metrics));
            if (asked.hasRevenue()) {
                point.putAll(paid.getOrDefault(bucket, new RevenueStats.Sum())
                        .values(asked.revenue(), c.visitors(), b.site().currency()));
            }
            results.add(point);
        }
        return new Rows(
                results,
                b.meta().with(null, interval.apiName(), asked.names()).approximate(answer.visitorsEstimated()));
    }

    @GetMapping("/api/v1/breakdown")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @Parameter(name = "start", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "end", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "timezone", in = ParameterIn.QUERY, description = "IANA zone overriding the site's.")
    @Parameter(name = "metrics", in = ParameterIn.QUERY, description = METRICS)
    @Parameter(name = "filters", in = ParameterIn.QUERY, description = FILTERS, schema = @Schema(hidden = true))
    @Parameter(name = "dimension", in = ParameterIn.QUERY, required = true, description = "e.g. pathname, country.")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "1 to 1000, default 100.")
    @Parameter(name = "offset", in = ParameterIn.QUERY, description = "Default 0.")
    @Parameter(name = "order_by", in = ParameterIn.QUERY, description = "<metric or dimension>[:asc|:desc]")
    Rows breakdown(@Parameter(hidden = true) HttpServletRequest request) {
        StatsParameters p = new StatsParameters(request.getParameterMap());
        Dimension dimension = StatsParameters.dimension(p.single("dimension"), "dimension");
        Base b = base(p);
        RevenueStats.Request asked = RevenueStats.parse(p, List.of(Metric.VISITORS));
        checkRevenue(asked, b, dimension);
        List<Metric> metrics = asked.metrics();
        int limit = p.integer("limit", StatsParameters.DEFAULT_LIMIT, 1, StatsParameters.MAX_LIMIT);
        int offset = p.integer("offset", 0, 0, 1_000_000);
        if (asked.hasRevenue()) return revenueBreakdown(p, b, dimension, asked, limit, offset);
        StatsQuery q = query(b, metrics, List.of(dimension), null, p.order(dimension), limit, offset);
        List<Values> results = new ArrayList<>();
        StatsEngine.Answer answer = engine.answer(q);
        List<StatsRow> rows = answer.rows();
        for (StatsRow row : rows) {
            Values out = new Values();
            out.put(dimension.apiName(), row.groups().get(0));
            out.putAll(values(row.components(), metrics));
            results.add(out);
        }
        // A short first page is the whole answer; only count separately when there may be more.
        long total = offset == 0 && rows.size() < limit
                ? rows.size()
                : answer.groups().getAsLong();
        Meta meta = b.meta()
                .with(
                        dimension.apiName(),
                        null,
                        metrics.stream().map(Metric::apiName).toList())
                .page(limit, offset, total, null)
                .approximate(answer.visitorsEstimated());
        return new Rows(results, meta);
    }

    /** Totals of the event metrics and revenue metrics asked for. */
    private Values totals(Base b, StatsQuery q, StatsEngine.Answer answer, RevenueStats.Request asked) {
        Components c = StatsEngine.totals(answer);
        Values out = values(c, asked.metrics());
        if (asked.hasRevenue()) {
            out.putAll(revenue.total(b.site(), q)
                    .values(asked.revenue(), c.visitors(), b.site().currency()));
        }
        return out;
    }

    /**
     * A breakdown with revenue metrics: the engine's groups (up to {@link StatsParameters#MAX_LIMIT}) merged with the
     * payments' groups, so groups with revenue but no visitors in the range (such as "Unknown") are listed too; then
     * sorted and paged here.
     */
    private Rows revenueBreakdown(
            StatsParameters p, Base b, Dimension dimension, RevenueStats.Request asked, int limit, int offset) {
        String orderParam = p.single("order_by");
        StatsQuery.Order order;
        String orderBy = orderParam == null ? "" : orderParam.split(":", 2)[0].strip();
        if (RevenueMetric.fromApiName(orderBy).isPresent()) {
            order = new StatsQuery.Order(orderBy, !orderParam.strip().endsWith(":asc"));
        } else if (orderParam == null || orderParam.isBlank()) {
            // Ordered by the first metric asked for: metrics=revenue lists the best earners first.
            order = new StatsQuery.Order(asked.names().get(0), true);
        } else {
            order = p.order(dimension);
        }
        String currency = b.site().currency();
        StatsQuery q = query(
                b,
                asked.engineMetrics(),
                List.of(dimension),
                null,
                StatsQuery.Order.VISITORS_DESC,
                StatsParameters.MAX_LIMIT,
                0);
        Map<String, RevenueStats.Sum> paid = new HashMap<>(revenue.byGroup(b.site(), q, dimension));
        List<RevenueStats.Row> rows = new ArrayList<>();
        StatsEngine.Answer answer = engine.answer(q);
        for (StatsRow row : answer.rows()) {
            String value = (String) row.groups().get(0);
            RevenueStats.Sum sum = paid.remove(value);
            rows.add(new RevenueStats.Row(
                    value,
                    values(row.components(), asked.engineMetrics()),
                    sum == null ? new RevenueStats.Sum() : sum,
                    row.components().visitors()));
        }
        for (Map.Entry<String, RevenueStats.Sum> e : paid.entrySet()) {
            rows.add(new RevenueStats.Row(e.getKey(), values(Components.ZERO, asked.engineMetrics()), e.getValue(), 0));
        }
        rows.sort(RevenueStats.order(order, dimension, currency));
        List<Values> results = new ArrayList<>();
        for (RevenueStats.Row row :
                rows.subList(Math.min(offset, rows.size()), Math.min(offset + limit, rows.size()))) {
            Values out = new Values();
            out.put(dimension.apiName(), row.value());
            for (Metric m : asked.metrics()) out.put(m.apiName(), row.metrics().get(m.apiName()));
            out.putAll(row.sum().values(asked.revenue(), row.visitors(), currency));
            results.add(out);
        }
        Meta meta = b.meta()
                .with(dimension.apiName(), null, asked.names())
                .page(limit, offset, rows.size(), order.by() + (order.descending() ? ":desc" : ":asc"))
                .approximate(answer.visitorsEstimated());
        return new Rows(results, meta);
    }

    @GetMapping("/api/v1/goals")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @Parameter(name = "start", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "end", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "timezone", in = ParameterIn.QUERY, description = "IANA zone overriding the site's.")
    @Parameter(name = "filters", in = ParameterIn.QUERY, description = FILTERS, schema = @Schema(hidden = true))
    GoalRows goals(@Parameter(hidden = true) HttpServletRequest request) {
        StatsParameters p = new StatsParameters(request.getParameterMap());
        Base b = base(p);
        StatsQuery q = query(b, List.of(Metric.CONVERSIONS), List.of(), null, null);
        List<GoalRow> results = new ArrayList<>();
        if (!q.goals().isEmpty()) {
            StatsEngine.GoalCounts counts = engine.goals(q);
            for (int i = 0; i < q.goals().size(); i++) {
                Goal goal = q.goals().get(i);
                StatsEngine.GoalCount count = counts.goals().get(i);
                results.add(new GoalRow(
                        goal.name(),
                        goal.displayName(),
                        goal.type().apiName(),
                        count.visitors(),
                        count.completions(),
                        Components.percent(count.visitors(), counts.visitors())));
            }
        }
        return new GoalRows(results, b.meta());
    }

    /** A goal completed outside the browser (e.g. a payment webhook), attached to the visitor's latest session. */
    @PostMapping("/api/v1/goals")
    @ResponseStatus(HttpStatus.CREATED)
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = SITE_ID)
    @ApiResponse(responseCode = "404", description = "Unknown website, or a visitor the tracker has not seen.")
    RecordedGoal recordGoal(
            @Parameter(hidden = true) HttpServletRequest request, @Valid @RequestBody GoalCompletion completion) {
        Caller caller = Caller.current();
        if (caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
        }
        StatsParameters p = new StatsParameters(request.getParameterMap());
        Website site = websites.require(caller, p.siteId());
        // The ingest rules read JSON fields, as they do for the tracker's events.
        JsonNode body = json.valueToTree(completion);
        String name = ServerEvents.checkGoal(body);
        String visitorId = completion.visitorId();
        List<Map<String, Object>> last = engine.lastPageview(site.id(), IdKeys.of(site.id(), visitorId));
        if (last.isEmpty()) {
            throw ApiException.notFound("Visitor '" + visitorId + "' has no pageview on website " + site.id()
                    + "; goals can only be recorded for visitors the tracker has seen.");
        }
        ServerEvents.Visit visit = ServerEvents.Visit.of(site.id(), last.get(0));
        // Through the ingest pipeline like the tracker's goals: same rules, buffer, metrics and presence.
        Instant now = serverEvents.recordGoal(body, visit);
        String sessionId = visit.sessionId();
        return new RecordedGoal(name, visitorId, sessionId, now);
    }

    static Values values(Components c, List<Metric> metrics) {
        Values out = new Values();
        for (Metric m : metrics) out.put(m.apiName(), c.value(m));
        return out;
    }
}
