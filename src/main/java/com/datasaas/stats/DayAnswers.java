package com.datasaas.stats;

import com.datasaas.events.DayRow;
import com.datasaas.events.DayRows;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

/**
 * The {@code DAYS} plan: merges day rows (stored and live) into the answer's groups, with the exact plans'
 * definitions. Counts and sums add up over days; a session counted on consecutive days is counted once by subtracting
 * the rows' previous-day links for every day after the group's first; visitors of a group made of one row are that
 * row's exact count, of several rows the estimate of the union of their HLL sketches (the answer says so). A site
 * with fewer than {@link #EXACT_BELOW} visitors in the range always gets the exact plans instead.
 */
final class DayAnswers {
    /** Below this many visitors in the range (estimated) the exact plans answer: small sites get exact numbers. */
    static final long EXACT_BELOW = 10_000;

    private DayAnswers() {}

    /** Every group of the answer (limit and offset not applied), in the answer's order, and whether visitors are estimated. */
    record Answer(List<StatsRow> rows, boolean visitorsEstimated) {}

    /** The rollup column the query's dimension is kept under. */
    static String dimension(StatsQuery q) {
        return q.dimensions().isEmpty() ? "total" : q.dimensions().get(0).column();
    }

    /**
     * The answer from {@code days}, or empty when visitors would be estimated and the range has fewer than {@code
     * exactBelow} visitors (a small site gets the exact plans).
     */
    static Optional<Answer> answer(StatsQuery q, DayRows days, long exactBelow) {
        Dimension dimension = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
        boolean daily = q.interval() == Interval.DAY;
        Map<List<Object>, Group> groups = new LinkedHashMap<>();
        for (DayRow row : days.rows()) {
            List<Object> key = new ArrayList<>(2);
            if (daily) key.add(row.day().atStartOfDay());
            if (dimension != null) key.add(groupValue(dimension, row.value()));
            groups.computeIfAbsent(key, k -> new Group()).add(row, daily ? row.day() : q.start());
        }
        if (groups.isEmpty() && !daily && dimension == null) groups.put(List.of(), new Group());
        boolean estimated = groups.values().stream().anyMatch(g -> g.rows.size() > 1);
        if (estimated) {
            // Every counted session has one value of the dimension (Unknown included), so all rows together are the
            // range's visitors: no second read for the check.
            // A row's exact count is a lower bound of the range's visitors: when one row reaches the threshold the
            // range does too, and the union of every row (as many sketch merges again as the answer's own groups) is
            // not needed. Only when no row does is the range's estimate asked.
            long atLeast =
                    days.rows().stream().mapToLong(DayRow::visitors).max().orElse(0);
            if (atLeast < exactBelow) {
                long total = dimension == null && !daily
                        ? groups.values().iterator().next().visitors()
                        : estimate(days.rows());
                if (total < exactBelow) return Optional.empty();
            }
        }
        if (estimated && groups.size() > 1) {
            // The sketch unions are most of a breakdown's CPU at 10M events (a union of up to 30 days per group, 300
            // groups for pages): the groups are independent, so they are merged on every core. Each union still takes
            // its group's rows in the same order, so the estimates are those of a union in one thread.
            groups.values().parallelStream().forEach(Group::visitors);
        }
        List<StatsRow> rows = new ArrayList<>();
        groups.forEach((key, g) -> {
            // A group whose rows hold no session (only leaves) is not a row of the answer, as in the exact plans.
            if (key.isEmpty() || g.sessions() > 0) rows.add(new StatsRow(nullable(key), g.components()));
        });
        rows.sort(order(q));
        return Optional.of(new Answer(rows, estimated));
    }

    private static List<Object> nullable(List<Object> key) {
        return java.util.Collections.unmodifiableList(new ArrayList<>(key));
    }

    private static long estimate(List<DayRow> rows) {
        Group g = new Group();
        rows.forEach(r -> g.add(r, null));
        return g.visitors();
    }

    private static Object groupValue(Dimension d, String value) {
        if (d != Dimension.SCREEN_SIZE || value == null) return value;
        int width = Integer.parseInt(value);
        if (width < Dimension.MOBILE_BELOW) return "mobile";
        if (width < Dimension.TABLET_BELOW) return "tablet";
        if (width < Dimension.LAPTOP_BELOW) return "laptop";
        return "desktop";
    }

    /** The exact plans' ORDER BY: bucket, or the sort metric or dimension, then the group values; NULLs last. */
    private static Comparator<StatsRow> order(StatsQuery q) {
        Comparator<StatsRow> byGroups = (a, b) -> {
            for (int i = 0; i < a.groups().size(); i++) {
                int c = compareValues(a.groups().get(i), b.groups().get(i), false);
                if (c != 0) return c;
            }
            return 0;
        };
        if (q.interval() != null || q.order() == null) return byGroups;
        String by = q.order().by();
        boolean descending = q.order().descending();
        boolean byDimension =
                !q.dimensions().isEmpty() && q.dimensions().get(0).apiName().equals(by);
        Comparator<StatsRow> first = byDimension
                ? (a, b) -> compareValues(a.groups().get(0), b.groups().get(0), descending)
                : (a, b) -> {
                    int c = Long.compare(metric(a, by), metric(b, by));
                    return descending ? -c : c;
                };
        return first.thenComparing(byGroups);
    }

    private static long metric(StatsRow row, String by) {
        Components c = row.components();
        return switch (by) {
            case "visitors" -> c.visitors();
            case "sessions" -> c.sessions();
            case "pageviews" -> c.pageviews();
            default -> throw new IllegalArgumentException("not a sortable metric: " + by);
        };
    }

    /** Values as DuckDB orders them: NULLs last either way, text by code point (UTF-8 byte order). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b, boolean descending) {
        if (Objects.equals(a, b)) return 0;
        if (a == null) return 1;
        if (b == null) return -1;
        int c = a instanceof String sa && b instanceof String sb
                ? java.util.Arrays.compare(
                        sa.codePoints().toArray(), sb.codePoints().toArray())
                : ((Comparable) a).compareTo(b);
        return descending ? -c : c;
    }

    /** One group of the answer: its rows' sums, and their visitors. */
    private static final class Group {
        final List<DayRow> rows = new ArrayList<>();
        long sessions;
        long pageviews;
        long bounces;
        double durationSum;
        double leaveMsSum;
        long leaveCount;
        double scrollSum;
        long scrollCount;

        void add(DayRow row, LocalDate first) {
            rows.add(row);
            visitors = null;
            boolean later = first != null && row.day().isAfter(first);
            sessions += row.sessions() - (later ? row.continuedSessions() : 0);
            pageviews += row.pageviews();
            bounces += row.bounces();
            durationSum += row.durationSum() - (later ? row.continuedDuration() : 0);
            leaveMsSum += row.leaveMsSum();
            leaveCount += row.leaveCount();
            scrollSum += row.scrollSum();
            scrollCount += row.scrollCount();
        }

        long sessions() {
            return sessions;
        }

        /** The union's estimate, once per group (the overview's check for small sites asks it too). */
        private Long visitors;

        long visitors() {
            if (visitors == null) visitors = unionVisitors();
            return visitors;
        }

        private long unionVisitors() {
            if (rows.isEmpty()) return 0;
            if (rows.size() == 1) return rows.get(0).visitors();
            Union union = new Union(DayRows.SKETCH_LG_K);
            for (DayRow r : rows) {
                if (r.sketch() != null) {
                    union.update(HllSketch.wrap(Memory.wrap(r.sketch())));
                } else {
                    HllSketch live = new HllSketch(DayRows.SKETCH_LG_K);
                    for (long k : r.visitorKeys()) live.update(k);
                    union.update(live);
                }
            }
            return Math.round(union.getEstimate());
        }

        Components components() {
            return new Components(
                    visitors(),
                    sessions,
                    pageviews,
                    bounces,
                    durationSum,
                    leaveMsSum,
                    leaveCount,
                    scrollSum,
                    scrollCount,
                    0);
        }
    }
}
