package com.datasaas.stats;

import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.columns;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.join;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.subquery;
import static com.datasaas.sql.Sql.table;

import com.datasaas.sites.Website;
import com.datasaas.sql.Sql;
import com.datasaas.sql.Sql.Expr;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stats API's date range and filters for other features that list visitors (the visitors API): the same
 * parameters, the same messages for bad ones, and the same filter semantics (session-level dimensions from the
 * session's first pageview, event-level ones per event, {@code is_not} matching a missing value), printed from the
 * same expressions as the stats queries, so a visitors list and a breakdown never disagree about who matches.
 */
public final class VisitorFilters {
    private VisitorFilters() {}

    /** Site, local days (inclusive) in {@code zone}, and the filters of a request. */
    public record Selection(
            String siteId,
            LocalDate start,
            LocalDate end,
            ZoneId zone,
            List<Filter> filters,
            List<Sql.Select> visitors) {
        public Instant from() {
            return start.atStartOfDay(zone).toInstant();
        }

        public Instant until() {
            return end.plusDays(1).atStartOfDay(zone).toInstant();
        }

        StatsQuery query() {
            return new StatsQuery(
                    siteId, start, end, zone, List.of(), List.of(), filters, null, null, 0, 0, List.of(), visitors);
        }
    }

    /** The {@code site_id} (or {@code siteId}) parameter; 400 when missing. */
    public static String siteId(Map<String, String[]> params) {
        return new StatsParameters(params).siteId();
    }

    /**
     * {@code start}, {@code end}, {@code timezone}, the bracket filters and {@code funnel_step} (resolved by
     * {@code funnelSteps}), checked like the stats API's.
     */
    public static Selection read(Map<String, String[]> params, Website site, FunnelSteps funnelSteps) {
        StatsParameters p = new StatsParameters(params);
        LocalDate[] range = p.range();
        List<Filter> filters = p.filters();
        ZoneId zone = p.zone(site);
        List<Sql.Select> visitors = p.funnelStep()
                .map(f -> List.of(funnelSteps.visitorsAt(new StatsScope(site, zone, range[0], range[1], filters), f)))
                .orElse(List.of());
        return new Selection(site.id(), range[0], range[1], zone, filters, visitors);
    }

    /**
     * The visitor's latest pageview on the site (the row {@code ServerEvents.Visit.of} reads), which a server-side
     * goal or identify joins: the same query the stats API's server goals use.
     */
    public static Sql.Query lastPageview(String siteId, long visitorKey) {
        return QueryCompiler.lastPageview(siteId, visitorKey);
    }

    /**
     * The keys of the visitors with at least one pageview or goal in the range that passes every filter (its session's
     * values for session-level dimensions, its own for the others) and is among the {@code funnel_step} filter's
     * visitors; null when there are no filters.
     */
    public static Sql.Query matchingVisitorKeys(Selection s) {
        if (s.filters().isEmpty() && s.visitors().isEmpty()) return null;
        StatsQuery q = s.query();
        Set<String> eventColumns = new LinkedHashSet<>(List.of("session_key", "visitor_key", "event_type"));
        List<String> sessionColumns = new ArrayList<>(List.of("session_key"));
        for (Filter f : s.filters()) {
            if (f.dimension().level() == Dimension.Level.EVENT) {
                eventColumns.add(f.dimension().column());
            } else if (!sessionColumns.contains(f.dimension().column())) {
                sessionColumns.add(f.dimension().column());
            }
        }
        Sql.Select events = select(columns(List.copyOf(eventColumns)))
                .from(table("events"))
                .where(QueryCompiler.inRange(q, q.from(), q.until()), QueryCompiler.counted())
                .build();
        Sql.Select sessions = select(columns(sessionColumns))
                .from(table("sessions"))
                .where(QueryCompiler.overlaps(q))
                .build();
        List<Expr> conditions = new ArrayList<>();
        for (Filter f : s.filters()) {
            conditions.add(QueryCompiler.filter(f, QueryCompiler.groupExpression(f.dimension())));
        }
        conditions.addAll(QueryCompiler.visitorConditions(q, "e"));
        return select(item(col("e", "visitor_key")))
                .distinct()
                .from(join(
                        subquery(events, "e"),
                        subquery(sessions, "s"),
                        eq(col("s", "session_key"), col("e", "session_key"))))
                .where(conditions)
                .build();
    }
}
