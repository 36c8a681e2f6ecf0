package com.datasaas.stats;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.events.EventStore;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.DuckDbDialect;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * A few headline numbers of one site, asked of any event store through the same engine the API uses. The migration
 * to server mode compares them between the embedded store and ClickHouse, so a difference in how either engine
 * answers shows up there, not only a difference in row counts.
 *
 * @param visitors unique visitors over the range
 * @param sessions sessions over the range
 * @param pageviews pageviews over the range
 * @param bounceRate bounce rate in percent, one decimal
 * @param topPage the pathname with the most visitors (ties: the first in name order), or null without pageviews
 * @param topPageVisitors that page's visitors
 */
public record SiteFigures(
        long visitors, long sessions, long pageviews, double bounceRate, String topPage, long topPageVisitors) {

    private static final List<Metric> HEADLINE =
            List.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS, Metric.BOUNCE_RATE);

    /** The figures of {@code siteId} for the local days {@code start..end} in {@code zone}. */
    public static SiteFigures of(EventStore store, String siteId, LocalDate start, LocalDate end, ZoneId zone) {
        StatsEngine engine =
                new StatsEngine(store, List.of(new DuckDbDialect(), new ClickHouseDialect(new ClickHouseSessions())));
        Components totals = engine.totals(
                new StatsQuery(siteId, start, end, zone, HEADLINE, List.of(), List.of(), null, null, 0, 0, List.of()));
        List<StatsRow> pages = engine.aggregate(new StatsQuery(
                siteId,
                start,
                end,
                zone,
                List.of(Metric.VISITORS),
                List.of(Dimension.PATHNAME),
                List.of(),
                null,
                StatsQuery.Order.VISITORS_DESC,
                1,
                0,
                List.of()));
        StatsRow top = pages.isEmpty() ? null : pages.get(0);
        return new SiteFigures(
                totals.visitors(),
                totals.sessions(),
                totals.pageviews(),
                totals.value(Metric.BOUNCE_RATE).doubleValue(),
                top == null || top.groups().get(0) == null
                        ? null
                        : top.groups().get(0).toString(),
                top == null ? 0 : top.components().visitors());
    }
}
