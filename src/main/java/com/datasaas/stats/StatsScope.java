package com.datasaas.stats;

import static com.datasaas.sql.Sql.and;
import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.constant;
import static com.datasaas.sql.Sql.countIf;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.ge;
import static com.datasaas.sql.Sql.gt;
import static com.datasaas.sql.Sql.in;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.like;
import static com.datasaas.sql.Sql.lt;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.subquery;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;

import com.datasaas.accounts.Caller;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import com.datasaas.sql.Sql;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.Item;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every stats request starts from, for features built on the stats API (funnels): the site the caller may see
 * (404 otherwise), its zone (or the {@code timezone} override), the inclusive local days {@code start}..{@code end}
 * and the usual bracket filters, read with the same rules and messages as {@code /api/v1/*}.
 *
 * <p>{@link #sessionCondition} turns the filters into a condition on an events scan that keeps whole sessions: a
 * session-level filter (country, source, entry page ...) by the session's own value, as the stats API does; an
 * event-level filter (pathname, hostname, goal_name) keeps the sessions with at least one event in the range that
 * matches it ({@code is}, {@code contains}) or with none ({@code is_not}). Features that follow a visitor through
 * several pages need the second reading: filtering the events themselves by page would remove the other steps.
 * {@code visitors} narrows to the visitors those queries return ({@code funnel_step}, {@link FunnelStepFilter}).
 */
public record StatsScope(
        Website site, ZoneId zone, LocalDate start, LocalDate end, List<Filter> filters, List<Sql.Select> visitors) {

    public StatsScope {
        filters = List.copyOf(filters);
        visitors = List.copyOf(visitors);
    }

    /** Without a visitor restriction (no {@code funnel_step} filter). */
    public StatsScope(Website site, ZoneId zone, LocalDate start, LocalDate end, List<Filter> filters) {
        this(site, zone, start, end, filters, List.of());
    }

    /**
     * Reads {@code site_id}, {@code start}, {@code end}, {@code timezone}, the filters and the {@code funnel_step}
     * filter (resolved by {@code funnelSteps} over the same range and filters); 400 or 404 as the API.
     */
    public static StatsScope read(
            Map<String, String[]> parameters, Websites websites, Caller caller, FunnelSteps funnelSteps) {
        StatsParameters p = new StatsParameters(parameters);
        String siteId = p.siteId();
        LocalDate[] range = p.range();
        List<Filter> filters = p.filters();
        Optional<FunnelStepFilter> step = p.funnelStep();
        Website site = websites.require(caller, siteId);
        StatsScope scope = new StatsScope(site, p.zone(site), range[0], range[1], filters);
        return step.isEmpty() ? scope : scope.withVisitors(List.of(funnelSteps.visitorsAt(scope, step.get())));
    }

    public StatsScope withVisitors(List<Sql.Select> newVisitors) {
        return new StatsScope(site, zone, start, end, filters, newVisitors);
    }

    /** First instant of the range: local midnight of {@code start}. */
    public Instant from() {
        return start.atStartOfDay(zone).toInstant();
    }

    /** First instant after the range: local midnight after {@code end}. */
    public Instant until() {
        return end.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /**
     * A page path pattern as the stats engine matches pageview goals: {@code *} is any run of characters, everything
     * else literal.
     */
    public static Expr pathMatches(Expr pathname, String pattern) {
        return like(pathname, value(QueryCompiler.likePattern(pattern)));
    }

    /** The site's events with {@code from <= ts < until}, on unqualified columns. */
    public Expr inRange() {
        return and(eq(col("site_id"), value(site.id())), ge(col("ts"), value(from())), lt(col("ts"), value(until())));
    }

    /**
     * A condition on {@code table.session_key} keeping the events of sessions that pass every filter (see the class
     * comment), and on {@code table.visitor_key} keeping only the {@link #visitors} (a {@code funnel_step} filter);
     * null when there is no filter.
     */
    public Expr sessionCondition(String table) {
        List<Expr> sessionFilters = new ArrayList<>();
        List<Filter> eventFilters = new ArrayList<>();
        for (Filter f : filters) {
            if (f.dimension().level() == Dimension.Level.SESSION) {
                sessionFilters.add(QueryCompiler.filter(f, QueryCompiler.groupExpression(f.dimension())));
            } else {
                eventFilters.add(f);
            }
        }
        List<Expr> conditions = new ArrayList<>();
        Expr key = col(table, "session_key");
        if (!sessionFilters.isEmpty()) {
            List<Expr> where = new ArrayList<>();
            where.add(eq(col("s", "site_id"), value(site.id())));
            where.add(lt(col("s", "started_at"), value(until())));
            where.add(ge(col("s", "ended_at"), value(from())));
            where.addAll(sessionFilters);
            conditions.add(in(
                    key,
                    select(List.of(item(col("s", "session_key"))))
                            .from(table("sessions", "s"))
                            .where(where)
                            .build()));
        }
        if (!eventFilters.isEmpty()) {
            // Per session, how many in-range events match each filter (the positive form: is_not wants none).
            List<Item> counts = new ArrayList<>();
            counts.add(item(col("e", "session_key")));
            List<Expr> keep = new ArrayList<>();
            for (int i = 0; i < eventFilters.size(); i++) {
                Filter f = eventFilters.get(i);
                Filter positive = f.operator() == Filter.Operator.IS_NOT
                        ? new Filter(f.dimension(), Filter.Operator.IS, f.values())
                        : f;
                counts.add(as(
                        countIf(QueryCompiler.filter(positive, QueryCompiler.groupExpression(f.dimension()))),
                        "f" + i));
                keep.add(
                        f.operator() == Filter.Operator.IS_NOT
                                ? eq(col("f" + i), constant(0))
                                : gt(col("f" + i), constant(0)));
            }
            Sql.Select perSession = select(counts)
                    .from(table("events", "e"))
                    .where(
                            eq(col("e", "site_id"), value(site.id())),
                            ge(col("e", "ts"), value(from())),
                            lt(col("e", "ts"), value(until())))
                    .groupBy(List.of(col("e", "session_key")))
                    .build();
            conditions.add(in(
                    key,
                    select(List.of(item(col("session_key"))))
                            .from(subquery(perSession, "matched"))
                            .where(keep)
                            .build()));
        }
        for (Sql.Select keys : visitors) conditions.add(in(col(table, "visitor_key"), keys));
        return and(conditions);
    }
}
