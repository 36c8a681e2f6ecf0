package com.datasaas.events;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A partial day's live rows on ClickHouse, folded here from two flat reads instead of computed by the day query's
 * nested shape ({@link ClickHouseDayRollup#build}): the live sessions' events per local day and session ({@link
 * ClickHouseDayRollup#sessionDays}, the query's own first step) and their whole-life numbers ({@link
 * ClickHouseDayRollup#sessionTotals}, its join's other side). On 18.16 that shape costs about 32 ms of server CPU per
 * read whatever the number of live sessions (a few hundred events); the two flat reads cost a few ms each
 * (docs/benchmarks-stats.md, 2026-12-06 night).
 *
 * <p>What is folded here is the rest of that query, step for step: the session's rows joined with its totals (a session
 * without a session row adds nothing, as the inner join), "counted on the previous day too" from the session's counted
 * (day, pathname) pairs, and the group-by per day and value. {@code ClickHouseLiveSessionDaysTest} compares the fold
 * with the query it replaces on every rolled-up dimension.
 */
final class LiveSessionDays {
    private LiveSessionDays() {}

    /**
     * One row of {@link ClickHouseDayRollup#sessionDays}: a session's events of one local day (and pathname, as {@code
     * ''} for NULL or the value after {@code '='}; {@code null} when not grouped by it).
     */
    record SessionDay(
            LocalDate day,
            long sessionKey,
            String path,
            long visitorKey,
            long counted,
            long pageviews,
            long leaveMs,
            long leaveCount,
            long scroll,
            long scrollCount) {}

    /**
     * One row of {@link ClickHouseDayRollup#sessionTotals}: a session's whole-life numbers and the attribute read
     * ({@code ''} for NULL or the value after {@code '='}; {@code ''} when none).
     */
    record SessionTotals(long pageviews, long goals, long durationMs, String value) {}

    /**
     * The day rows of {@code [first, last]} for one dimension: by pathname ({@code pathname}), else by the totals'
     * value. As the day query: a row per day and value that any session's day row reaches, visitors from the sessions
     * counted on it.
     */
    static List<DayRow> fold(
            List<SessionDay> days,
            Map<Long, SessionTotals> sessions,
            boolean pathname,
            LocalDate first,
            LocalDate last) {
        // Per session: its visitor (the first row's, as any()) and the (day, pathname) pairs it was counted on.
        Map<Long, Long> visitor = new HashMap<>();
        Map<Long, Set<Counted>> counted = new HashMap<>();
        for (SessionDay d : days) {
            visitor.putIfAbsent(d.sessionKey(), d.visitorKey());
            if (d.counted() > 0) {
                counted.computeIfAbsent(d.sessionKey(), k -> new HashSet<>()).add(new Counted(d.day(), d.path()));
            }
        }
        Map<Group, Sums> groups = new LinkedHashMap<>();
        for (SessionDay d : days) {
            SessionTotals s = sessions.get(d.sessionKey());
            if (s == null) continue; // the inner join
            if (d.day().isBefore(first) || d.day().isAfter(last)) continue;
            String v = pathname ? d.path() : s.value();
            Sums g = groups.computeIfAbsent(new Group(d.day(), v), k -> new Sums());
            boolean isCounted = d.counted() > 0;
            boolean continued = isCounted
                    && counted.getOrDefault(d.sessionKey(), Set.of())
                            .contains(new Counted(d.day().minusDays(1), d.path()));
            if (isCounted) {
                g.sessions++;
                if (s.pageviews() == 1 && s.goals() == 0) g.bounces++;
                g.durationMs += s.durationMs();
                g.visitors.add(visitor.get(d.sessionKey()));
            }
            g.pageviews += d.pageviews();
            g.leaveMs += d.leaveMs();
            g.leaveCount += d.leaveCount();
            g.scroll += d.scroll();
            g.scrollCount += d.scrollCount();
            if (continued) {
                g.continued++;
                g.continuedMs += s.durationMs();
            }
        }
        List<DayRow> rows = new ArrayList<>(groups.size());
        groups.forEach((k, g) -> {
            long[] keys = g.visitors.stream().mapToLong(Long::longValue).toArray();
            rows.add(new DayRow(
                    k.day(),
                    k.value().isEmpty() ? null : k.value().substring(1),
                    keys.length,
                    g.sessions,
                    g.pageviews,
                    g.bounces,
                    g.durationMs / 1000.0,
                    (double) g.leaveMs,
                    g.leaveCount,
                    (double) g.scroll,
                    g.scrollCount,
                    g.continued,
                    g.continuedMs / 1000.0,
                    null,
                    keys));
        });
        return rows;
    }

    /** A (day, pathname) a session was counted on; the pathname {@code null} when not grouped by it. */
    private record Counted(LocalDate day, String path) {
        Counted {
            Objects.requireNonNull(day);
        }
    }

    private record Group(LocalDate day, String value) {}

    /** The sums of one group, as the day query's aggregates (integers summed, then divided, as there). */
    private static final class Sums {
        long sessions;
        long pageviews;
        long bounces;
        long durationMs;
        long leaveMs;
        long leaveCount;
        long scroll;
        long scrollCount;
        long continued;
        long continuedMs;
        final Set<Long> visitors = new LinkedHashSet<>();
    }
}
