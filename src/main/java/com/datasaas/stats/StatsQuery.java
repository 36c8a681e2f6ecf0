package com.datasaas.stats;

import com.datasaas.goals.Goal;
import com.datasaas.sql.Sql;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * One question to the stats engine, already validated: which site, which local calendar days (inclusive, in
 * {@code zone}), which metrics, grouped by which dimensions (and time buckets when {@code interval} is set), narrowed
 * by which filters (AND across filters). The site's goals travel with the query because they are applied
 * retroactively at query time. {@code visitors} restricts the query to the visitors each of those queries returns
 * (one {@code visitor_key} column; the {@code funnel_step} filter), ANDed like filters.
 */
public record StatsQuery(
        String siteId,
        LocalDate start,
        LocalDate end,
        ZoneId zone,
        List<Metric> metrics,
        List<Dimension> dimensions,
        List<Filter> filters,
        Interval interval,
        Order order,
        int limit,
        int offset,
        List<Goal> goals,
        List<Sql.Select> visitors) {

    /** Without a visitor restriction (no {@code funnel_step} filter). */
    public StatsQuery(
            String siteId,
            LocalDate start,
            LocalDate end,
            ZoneId zone,
            List<Metric> metrics,
            List<Dimension> dimensions,
            List<Filter> filters,
            Interval interval,
            Order order,
            int limit,
            int offset,
            List<Goal> goals) {
        this(siteId, start, end, zone, metrics, dimensions, filters, interval, order, limit, offset, goals, List.of());
    }

    /** Sort by a metric or by the (first) dimension. */
    public record Order(String by, boolean descending) {
        public static final Order VISITORS_DESC = new Order(Metric.VISITORS.apiName(), true);
    }

    public StatsQuery {
        metrics = List.copyOf(metrics);
        dimensions = List.copyOf(dimensions);
        filters = List.copyOf(filters);
        goals = List.copyOf(goals);
        visitors = List.copyOf(visitors);
        if (end.isBefore(start)) throw new IllegalArgumentException("end before start");
    }

    /** First instant of the range: local midnight of {@code start}. */
    public Instant from() {
        return start.atStartOfDay(zone).toInstant();
    }

    /** First instant after the range: local midnight after {@code end} (23 or 25 hours away on DST days). */
    public Instant until() {
        return end.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** The same question over other days; the visitor restriction, computed for this range, is dropped. */
    public StatsQuery withRange(LocalDate newStart, LocalDate newEnd) {
        return new StatsQuery(
                siteId, newStart, newEnd, zone, metrics, dimensions, filters, interval, order, limit, offset, goals);
    }

    public StatsQuery withVisitors(List<Sql.Select> newVisitors) {
        return new StatsQuery(
                siteId,
                start,
                end,
                zone,
                metrics,
                dimensions,
                filters,
                interval,
                order,
                limit,
                offset,
                goals,
                newVisitors);
    }
}
