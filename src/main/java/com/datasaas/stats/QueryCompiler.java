package com.datasaas.stats;

import static com.datasaas.sql.Sql.and;
import static com.datasaas.sql.Sql.any;
import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.asc;
import static com.datasaas.sql.Sql.caseWhen;
import static com.datasaas.sql.Sql.coalesce;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.columns;
import static com.datasaas.sql.Sql.constant;
import static com.datasaas.sql.Sql.contains;
import static com.datasaas.sql.Sql.count;
import static com.datasaas.sql.Sql.countDistinctIf;
import static com.datasaas.sql.Sql.countIf;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.ge;
import static com.datasaas.sql.Sql.gt;
import static com.datasaas.sql.Sql.in;
import static com.datasaas.sql.Sql.isNotNull;
import static com.datasaas.sql.Sql.isNull;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.join;
import static com.datasaas.sql.Sql.leftJoin;
import static com.datasaas.sql.Sql.like;
import static com.datasaas.sql.Sql.lt;
import static com.datasaas.sql.Sql.max;
import static com.datasaas.sql.Sql.notIn;
import static com.datasaas.sql.Sql.or;
import static com.datasaas.sql.Sql.plus;
import static com.datasaas.sql.Sql.secondsBetween;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.subquery;
import static com.datasaas.sql.Sql.sum;
import static com.datasaas.sql.Sql.sumIf;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;
import static com.datasaas.sql.Sql.values;
import static com.datasaas.sql.Sql.when;

import com.datasaas.events.EventType;
import com.datasaas.events.RollupCoverage;
import com.datasaas.goals.Goal;
import com.datasaas.sql.Sql;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.Item;
import com.datasaas.sql.Sql.OrderTerm;
import com.datasaas.sql.Sql.Query;
import com.datasaas.sql.Sql.Relation;
import com.datasaas.sql.Sql.Select;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@link StatsQuery} into a {@link Sql} tree, which the event store's dialect prints. A query that needs
 * nothing below the session (overview; entry page, channel, referrer, UTM, location, device, browser, OS, screen and
 * language dimensions and filters: {@link com.datasaas.events.SessionAttribute}) reads the {@code sessions} table kept at write time (see {@link #sessionsOnlyPerSession}). Every other query nests four
 * steps:
 *
 * <ol>
 *   <li>{@code e}: the site's events in the range;
 *   <li>{@code s}: one row per session overlapping the range, from the {@code sessions} table, which holds each
 *       session's whole-life numbers (so a session crossing midnight has the same duration, bounce and entry page
 *       on both days) and its session-level dimensions, taken from its first pageview;
 *   <li>{@code hits}: events joined to their session and filtered, which is how a session-level filter keeps or drops
 *       whole sessions;
 *   <li>{@code per_session}, then the outer query: group by the requested dimensions and session, then by the
 *       dimensions, so session metrics are averaged over sessions, not over events.
 * </ol>
 *
 * The outer query returns additive components (visitors, sessions, bounces, duration sum, ...) for every metric,
 * named as {@link Components} reads them; the ratios are computed in Java so rounding is the same for every engine.
 */
final class QueryCompiler {
    /**
     * No session lasts longer than this (sessions end after 30 minutes of inactivity), so a session crossing an edge
     * of the range has all its in-range events within this distance of that edge.
     */
    static final Duration SESSION_MARGIN = Duration.ofDays(1);

    private QueryCompiler() {}

    /** Group names in the result, in order: {@code bucket} for the timeseries interval, then each dimension. */
    static List<String> groupNames(StatsQuery q) {
        List<String> names = new ArrayList<>();
        if (q.interval() != null) names.add("bucket");
        q.dimensions().forEach(d -> names.add(d.apiName()));
        return names;
    }

    /**
     * Whether the query needs nothing below the session: no time buckets, no event-level dimension or filter. Such
     * queries (the overview, entry pages, sources, channels, campaigns, countries, devices ...) read the sessions
     * table instead of grouping events; pathname, hostname and goal still need the events.
     */
    static boolean sessionsOnly(StatsQuery q) {
        return q.interval() == null
                && q.dimensions().stream().allMatch(d -> d.level() == Dimension.Level.SESSION)
                && q.filters().stream().allMatch(f -> f.dimension().level() == Dimension.Level.SESSION);
    }

    // ---------------------------------------------------------------- event conditions

    private static Expr type(String table, EventType type) {
        return eq(col(table, "event_type"), constant(type.wireName()));
    }

    private static Expr type(EventType type) {
        return type(null, type);
    }

    /** Events that make a visitor or a session count (design section 5). */
    static Expr counted() {
        return in(
                col("event_type"),
                List.of(constant(EventType.PAGEVIEW.wireName()), constant(EventType.GOAL.wireName())));
    }

    private static Expr positive(String column) {
        return gt(col(column), constant(0));
    }

    // ---------------------------------------------------------------- aggregate and group count

    static Query aggregate(StatsQuery q) {
        return aggregate(q, Optional.empty());
    }

    static Query aggregate(StatsQuery q, Optional<RollupCoverage> coverage) {
        List<Expr> groups = groupColumns(q);
        List<Item> items = new ArrayList<>();
        groups.forEach(g -> items.add(item(g)));
        items.addAll(components());
        Sql.SelectBuilder select = select(items).from(subquery(perSession(q, coverage), "per_session"));
        if (!groups.isEmpty()) {
            // A group whose events were all heartbeats or leaves has no visitor; it is not a row of the answer.
            select.groupBy(groups)
                    .having(gt(countIf(positive("counted")), constant(0)))
                    .orderBy(orderBy(q, groups.size()));
            if (q.limit() > 0) select.limit(value(q.limit()), value(q.offset()));
        }
        return select.build();
    }

    /** The additive numbers of {@link Components}, by the names {@link Components#read} looks them up with. */
    private static List<Item> components() {
        return List.of(
                as(countDistinctIf(col("visitor_key"), positive("counted")), "visitors"),
                as(countIf(positive("counted")), "sessions"),
                as(sum(col("pageviews")), "pageviews"),
                as(
                        countIf(and(
                                positive("counted"),
                                eq(col("session_pageviews"), constant(1)),
                                eq(col("session_goals"), constant(0)))),
                        "bounces"),
                as(sumIf(col("session_duration"), positive("counted")), "duration_sum"),
                as(sum(col("leave_ms")), "leave_ms_sum"),
                as(sum(col("leave_n")), "leave_count"),
                as(sum(col("scroll")), "scroll_sum"),
                as(sum(col("scroll_n")), "scroll_count"),
                as(countDistinctIf(col("visitor_key"), positive("converted")), "converted_visitors"));
    }

    /** How many rows {@link #aggregate} would return without limit and offset (the breakdown's meta.total). */
    static Query groupCount(StatsQuery q) {
        return groupCount(q, Optional.empty());
    }

    static Query groupCount(StatsQuery q, Optional<RollupCoverage> coverage) {
        List<Expr> groups = groupColumns(q);
        Select grouped = select(groups.stream().map(Sql::item).toList())
                .from(subquery(perSession(q, coverage), "per_session"))
                .groupBy(groups)
                .having(gt(countIf(positive("counted")), constant(0)))
                .build();
        return select(item(count())).from(subquery(grouped, "grouped")).build();
    }

    private static List<Expr> groupColumns(StatsQuery q) {
        List<Expr> out = new ArrayList<>();
        for (int i = 0; i < groupNames(q).size(); i++) out.add(col("g" + i));
        return out;
    }

    private static List<OrderTerm> orderBy(StatsQuery q, int groups) {
        List<OrderTerm> terms = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        if (q.interval() != null) {
            terms.add(asc(col("g0")));
            used.add(0);
        } else if (q.order() != null) {
            String by = q.order().by();
            boolean byDimension =
                    !q.dimensions().isEmpty() && q.dimensions().get(0).apiName().equals(by);
            if (byDimension) used.add(0);
            // Only sortable metrics reach here (StatsParameters), and they are output names of the components.
            terms.add(new OrderTerm(col(byDimension ? "g0" : by), q.order().descending()));
        }
        // Ties broken by the group values so pages never shuffle between requests.
        for (int i = 0; i < groups; i++) {
            if (!used.contains(i)) terms.add(asc(col("g" + i)));
        }
        return terms;
    }

    /** Metrics a result can be sorted by: the counts the outer query returns as they are. */
    static boolean sortable(String metric) {
        return List.of("visitors", "sessions", "pageviews").contains(metric);
    }

    private static Query perSession(StatsQuery q, Optional<RollupCoverage> coverage) {
        return switch (plan(q, coverage)) {
            case SESSIONS -> sessionsOnlyPerSession(q);
            case ROLLUP -> rollupPerSession(q, coverage.orElseThrow());
            case EVENTS -> hitsPerSession(q);
            case DAYS -> throw new IllegalStateException("the day rollup is read by StatsEngine, not compiled");
        };
    }

    // ---------------------------------------------------------------- the planner

    /** Which data answers a query; every plan gives the same numbers (PlannerOracleTest, StatsNumbersTest). */
    enum Plan {
        /** The {@code sessions} table, plus events near the range's edges: nothing below the session is asked. */
        SESSIONS,
        /** The hourly rollup for its closed, clean hours and raw events for the rest of the range. */
        ROLLUP,
        /** Raw events joined to their sessions. */
        EVENTS,
        /**
         * The day rollup for the closed days of the range and the same day rows computed live for the others, merged
         * in Java ({@link DayAnswers}); visitors over more than one day come from a sketch union (an estimate).
         */
        DAYS
    }

    /**
     * Whether the day rollup holds what the query asks: whole site-local days (every query's range is), the total or
     * daily buckets, at most one dimension that the rollup keeps (session-level or pathname), no filters, no visitor
     * restriction and no goals (conversions are matched at query time, the rollup keeps no goal names).
     */
    static boolean daysAnswer(StatsQuery q) {
        return (q.interval() == null || q.interval() == Interval.DAY)
                && q.dimensions().size() <= 1
                && q.dimensions().stream().allMatch(QueryCompiler::inRollup)
                && q.filters().isEmpty()
                && q.visitors().isEmpty()
                && q.goals().isEmpty();
    }

    /** Above this many dirty hours in a range, reading the range raw is simpler and no slower. */
    static final int MAX_DIRTY_HOURS = 48;

    static Plan plan(StatsQuery q, Optional<RollupCoverage> coverage) {
        if (sessionsOnly(q)) return Plan.SESSIONS;
        if (coverage.isEmpty() || !rollupAnswers(q)) return Plan.EVENTS;
        RollupCoverage c = coverage.get();
        if (!c.watermark().isAfter(q.from())) return Plan.EVENTS; // nothing of the range is rolled up yet
        long dirty = c.dirty().stream()
                .filter(h -> !h.isBefore(q.from()) && h.isBefore(q.until()))
                .count();
        return dirty > MAX_DIRTY_HOURS ? Plan.EVENTS : Plan.ROLLUP;
    }

    /**
     * Whether the rollup holds what the query asks: dimensions and filters on the session row or on the pathname (the
     * rollup's only event-level column besides goal names, which goal matching uses), and a zone whose offsets within
     * the range are whole hours, so every UTC hour of the rollup lies in one local day and the range's edges are
     * whole UTC hours. Hostname and goal breakdowns, and zones such as India's or Nepal's, read raw events.
     */
    static boolean rollupAnswers(StatsQuery q) {
        boolean columns = q.dimensions().stream().allMatch(QueryCompiler::inRollup)
                && q.filters().stream().allMatch(f -> inRollup(f.dimension()));
        return columns && wholeHourOffsets(q.zone(), q.from(), q.until());
    }

    private static boolean inRollup(Dimension d) {
        return d.level() == Dimension.Level.SESSION || d == Dimension.PATHNAME;
    }

    static boolean wholeHourOffsets(ZoneId zone, Instant from, Instant until) {
        return RollupCoverage.wholeHourOffsets(zone, from, until)
                && from.getEpochSecond() % 3600 == 0
                && until.getEpochSecond() % 3600 == 0;
    }

    // ---------------------------------------------------------------- the rollup form

    /**
     * The rollup form: {@code hitsPerSession} with the events replaced by rollup rows (one per site, UTC hour,
     * session, pathname and goal name, with the counts of its events) for the closed, clean hours of the range, and
     * by the raw events, each as a row of the same columns, for the hours after the watermark and the dirty ones.
     * Per-session sums of those rows are exactly the events form's per-session counts, so the outer query is shared.
     */
    private static Select rollupPerSession(StatsQuery q, RollupCoverage coverage) {
        Instant rolledUntil = coverage.watermark().isBefore(q.until()) ? coverage.watermark() : q.until();
        List<Expr> dirty = new ArrayList<>();
        List<Expr> rawRanges = new ArrayList<>();
        for (Instant hour : coverage.dirty()) {
            if (hour.isBefore(q.from()) || !hour.isBefore(rolledUntil)) continue;
            dirty.add(value(hour));
            rawRanges.add(inRange(q, hour, hour.plus(Duration.ofHours(1))));
        }
        if (rolledUntil.isBefore(q.until())) rawRanges.add(inRange(q, rolledUntil, q.until()));

        List<String> rowColumns = List.of(
                "session_key",
                "visitor_key",
                "pathname",
                "goal_name",
                "counted",
                "pageviews",
                "goals",
                "leave_ms",
                "leave_n",
                "scroll",
                "scroll_n");
        List<Item> rolledItems = new ArrayList<>();
        rolledItems.add(as(col("hour"), "ts"));
        rolledItems.addAll(columns(rowColumns));
        List<Expr> rolledWhere = new ArrayList<>(List.of(
                eq(col("site_id"), value(q.siteId())),
                ge(col("hour"), value(q.from())),
                lt(col("hour"), value(rolledUntil))));
        if (!dirty.isEmpty()) rolledWhere.add(notIn(col("hour"), dirty));
        List<Select> parts = new ArrayList<>();
        parts.add(select(rolledItems)
                .from(table("hourly_rollup"))
                .where(rolledWhere)
                .build());
        if (!rawRanges.isEmpty()) {
            Expr leave = type(EventType.LEAVE);
            Expr one = constant(1);
            Expr zero = constant(0);
            List<Item> rawItems =
                    new ArrayList<>(columns(List.of("ts", "session_key", "visitor_key", "pathname", "goal_name")));
            rawItems.add(as(caseWhen(counted(), one, zero), "counted"));
            rawItems.add(as(caseWhen(type(EventType.PAGEVIEW), one, zero), "pageviews"));
            rawItems.add(as(caseWhen(type(EventType.GOAL), one, zero), "goals"));
            rawItems.add(as(caseWhen(leave, col("duration_ms"), null), "leave_ms"));
            rawItems.add(as(caseWhen(and(leave, isNotNull(col("duration_ms"))), one, zero), "leave_n"));
            rawItems.add(as(caseWhen(leave, col("scroll_depth"), null), "scroll"));
            rawItems.add(as(caseWhen(and(leave, isNotNull(col("scroll_depth"))), one, zero), "scroll_n"));
            parts.add(
                    select(rawItems).from(table("events")).where(or(rawRanges)).build());
        }
        Query rows = parts.size() == 1 ? parts.get(0) : new Sql.UnionAll(parts);

        // Per session first, on the rollup rows alone: the bucket, the event-level group columns (pathname) and the
        // session; event-level filters narrow the rows. Only then the much smaller result meets the sessions table,
        // one row per (group, session) instead of one per rollup row (half the time of joining first).
        List<Expr> innerGroups = new ArrayList<>();
        List<Item> innerItems = new ArrayList<>();
        if (q.interval() != null) {
            Expr bucket = new Sql.TimeBucket(bucketSize(q.interval()), col("e", "ts"), q.zone(), q.from(), q.until());
            innerItems.add(as(bucket, "bucket"));
            innerGroups.add(bucket);
        }
        Set<Dimension> eventLevel = new LinkedHashSet<>();
        q.dimensions().stream().filter(d -> d.level() == Dimension.Level.EVENT).forEach(eventLevel::add);
        for (Dimension d : eventLevel) {
            innerItems.add(as(groupExpression(d), d.column()));
            innerGroups.add(groupExpression(d));
        }
        for (String c : List.of("session_key", "visitor_key")) {
            innerItems.add(item(col("e", c)));
            innerGroups.add(col("e", c));
        }
        for (String c : List.of("counted", "pageviews", "leave_ms", "leave_n", "scroll", "scroll_n")) {
            innerItems.add(as(sum(col("e", c)), c));
        }
        innerItems.add(as(max(rowConverts(q)), "converted"));
        List<Expr> eventFilters = new ArrayList<>();
        List<Expr> sessionFilters = new ArrayList<>();
        for (Filter f : q.filters()) {
            (f.dimension().level() == Dimension.Level.SESSION ? sessionFilters : eventFilters)
                    .add(filter(f, groupExpression(f.dimension())));
        }
        eventFilters.addAll(visitorConditions(q, "e")); // funnel_step: the rows of the step's visitors only
        Select perSessionRows = select(innerItems)
                .from(subquery(rows, "e"))
                .where(eventFilters)
                .groupBy(innerGroups)
                .build();

        Set<Dimension> sessionLevel = new LinkedHashSet<>();
        q.dimensions().stream()
                .filter(d -> d.level() == Dimension.Level.SESSION)
                .forEach(sessionLevel::add);
        q.filters().stream()
                .map(Filter::dimension)
                .filter(d -> d.level() == Dimension.Level.SESSION)
                .forEach(sessionLevel::add);
        List<Item> sessionItems = new ArrayList<>(columns(List.of("session_key", "pageviews", "goals")));
        sessionItems.add(as(secondsBetween(col("started_at"), col("ended_at")), "duration"));
        for (Dimension d : sessionLevel) sessionItems.add(item(col(d.column())));
        Select sessions =
                select(sessionItems).from(table("sessions")).where(overlaps(q)).build();

        List<Item> items = new ArrayList<>();
        int g = 0;
        if (q.interval() != null) items.add(as(col("e", "bucket"), "g" + g++));
        // Event-level dimensions are columns of e now, named as on the event; session-level ones come from s.
        for (Dimension d : q.dimensions()) {
            Expr value = d.level() == Dimension.Level.SESSION ? groupExpression(d) : col("e", d.column());
            items.add(as(value, "g" + g++));
        }
        items.add(item(col("e", "session_key")));
        items.add(item(col("e", "visitor_key")));
        items.add(item(col("e", "counted")));
        items.add(item(col("e", "pageviews")));
        items.add(as(col("s", "pageviews"), "session_pageviews"));
        items.add(as(col("s", "goals"), "session_goals"));
        items.add(as(col("s", "duration"), "session_duration"));
        for (String c : List.of("leave_ms", "leave_n", "scroll", "scroll_n", "converted")) {
            items.add(item(col("e", c)));
        }
        return select(items)
                .from(join(
                        subquery(perSessionRows, "e"),
                        subquery(sessions, "s"),
                        eq(col("s", "session_key"), col("e", "session_key"))))
                .where(sessionFilters)
                .build();
    }

    /**
     * 1 when a rollup row holds an event completing any of the query's goals: a custom goal's events are the row's
     * goal events under its goal name, a page goal's the row's pageviews on a matching pathname. Goals are matched
     * here, at query time, so a goal added today counts past rows too.
     */
    private static Expr rowConverts(StatsQuery q) {
        if (q.goals().isEmpty()) return constant(0);
        List<Expr> any = new ArrayList<>();
        for (Goal goal : q.goals()) {
            any.add(
                    switch (goal.type()) {
                        case CUSTOM ->
                            and(gt(col("e", "goals"), constant(0)), eq(col("e", "goal_name"), value(goal.name())));
                        case PAGEVIEW ->
                            and(
                                    gt(col("e", "pageviews"), constant(0)),
                                    like(col("e", "pathname"), value(likePattern(goal.path()))));
                    });
        }
        return caseWhen(or(any), constant(1), constant(0));
    }

    // ---------------------------------------------------------------- the sessions-table form

    /**
     * The sessions-table form. {@code sessions} holds each session's whole-life numbers and entry values, kept at
     * write time. Sessions wholly inside the range use them as they are; the few crossing an edge of the range get
     * their in-range counts from the events within a day of that edge. Conversions always come from events, because
     * goals are defined at query time. Produces the same {@code per_session} columns as {@link #hitsPerSession}, so
     * the outer query is shared.
     */
    private static Select sessionsOnlyPerSession(StatsQuery q) {
        Set<String> dimensionColumns = new LinkedHashSet<>();
        q.dimensions().forEach(d -> dimensionColumns.add(d.column()));
        q.filters().forEach(f -> dimensionColumns.add(f.dimension().column()));

        List<Item> rangeItems = new ArrayList<>(columns(List.of(
                "session_key",
                "visitor_key",
                "pageviews",
                "goals",
                "leave_ms",
                "leave_count",
                "scroll",
                "scroll_count")));
        // The duration here, next to the table, as in the events form: dialects without sub-second timestamps
        // (ClickHouse 18.16) compute it from columns only the sessions table has.
        rangeItems.add(as(secondsBetween(col("started_at"), col("ended_at")), "duration"));
        rangeItems.addAll(columns(List.copyOf(dimensionColumns)));
        rangeItems.add(as(crossing(q), "crossing"));
        Select rangeSessions =
                select(rangeItems).from(table("sessions")).where(overlaps(q)).build();

        Relation from = leftJoin(
                subquery(rangeSessions, "s"),
                subquery(edgeCounts(q), "e"),
                eq(col("e", "session_key"), col("s", "session_key")));
        // Converting sessions as an IN list rather than a second join: ClickHouse 18.16 allows one JOIN per SELECT.
        Expr converted = constant(0);
        if (!q.goals().isEmpty()) {
            Select converting = select(item(col("session_key")))
                    .from(table("events"))
                    .where(inRange(q, q.from(), q.until()), converts(q, null))
                    .build();
            converted = caseWhen(in(col("s", "session_key"), converting), constant(1), constant(0));
        }

        Expr crossing = col("s", "crossing");
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < q.dimensions().size(); i++) {
            items.add(as(groupExpression(q.dimensions().get(i)), "g" + i));
        }
        items.add(item(col("s", "session_key")));
        items.add(item(col("s", "visitor_key")));
        items.add(as(
                caseWhen(
                        crossing,
                        coalesce(col("e", "counted"), constant(0)),
                        plus(col("s", "pageviews"), col("s", "goals"))),
                "counted"));
        items.add(as(
                caseWhen(crossing, coalesce(col("e", "pageviews"), constant(0)), col("s", "pageviews")), "pageviews"));
        items.add(as(col("s", "pageviews"), "session_pageviews"));
        items.add(as(col("s", "goals"), "session_goals"));
        items.add(as(col("s", "duration"), "session_duration"));
        items.add(as(caseWhen(crossing, col("e", "leave_ms"), col("s", "leave_ms")), "leave_ms"));
        items.add(as(
                caseWhen(crossing, coalesce(col("e", "leave_n"), constant(0)), col("s", "leave_count")), "leave_n"));
        items.add(as(caseWhen(crossing, col("e", "scroll"), col("s", "scroll")), "scroll"));
        items.add(as(
                caseWhen(crossing, coalesce(col("e", "scroll_n"), constant(0)), col("s", "scroll_count")), "scroll_n"));
        items.add(as(converted, "converted"));
        List<Expr> filters = new ArrayList<>();
        for (Filter f : q.filters()) filters.add(filter(f, groupExpression(f.dimension())));
        filters.addAll(visitorConditions(q, "s"));
        return select(items).from(from).where(filters).build();
    }

    /** Sessions of the site overlapping the range. */
    static Expr overlaps(StatsQuery q) {
        return and(
                eq(col("site_id"), value(q.siteId())),
                lt(col("started_at"), value(q.until())),
                ge(col("ended_at"), value(q.from())));
    }

    /** A session that started before the range or ended after it: its whole-life numbers are not the range's. */
    private static Expr crossing(StatsQuery q) {
        return or(lt(col("started_at"), value(q.from())), ge(col("ended_at"), value(q.until())));
    }

    static Expr inRange(StatsQuery q, Instant from, Instant until) {
        return and(eq(col("site_id"), value(q.siteId())), ge(col("ts"), value(from)), lt(col("ts"), value(until)));
    }

    /** In-range counts of the sessions crossing an edge, from their events near the edges. */
    private static Select edgeCounts(StatsQuery q) {
        Instant from = q.from();
        Instant until = q.until();
        // Crossing sessions have their in-range events within a day of an edge; one window when the edges are close.
        List<Instant[]> windows = Duration.between(from, until).compareTo(SESSION_MARGIN.multipliedBy(2)) <= 0
                ? List.<Instant[]>of(new Instant[] {from, until})
                : List.of(
                        new Instant[] {from, from.plus(SESSION_MARGIN)},
                        new Instant[] {until.minus(SESSION_MARGIN), until});
        List<Select> parts = new ArrayList<>();
        for (Instant[] w : windows) {
            parts.add(select(columns(List.of("session_key", "event_type", "duration_ms", "scroll_depth")))
                    .from(table("events"))
                    .where(inRange(q, w[0], w[1]))
                    .build());
        }
        Select crossingSessions = select(item(col("session_key")))
                .from(table("sessions"))
                .where(overlaps(q), crossing(q))
                .build();
        List<Item> items = new ArrayList<>();
        items.add(item(col("session_key")));
        items.addAll(eventCounts());
        return select(items)
                .from(subquery(parts.size() == 1 ? parts.get(0) : new Sql.UnionAll(parts), "near_edges"))
                .where(in(col("session_key"), crossingSessions))
                .groupBy(List.of(col("session_key")))
                .build();
    }

    /** Per-session counts over events: the columns both forms of {@code per_session} provide. */
    private static List<Item> eventCounts() {
        Expr leave = type(EventType.LEAVE);
        return List.of(
                as(countIf(counted()), "counted"),
                as(countIf(type(EventType.PAGEVIEW)), "pageviews"),
                as(sumIf(col("duration_ms"), leave), "leave_ms"),
                as(countIf(and(leave, isNotNull(col("duration_ms")))), "leave_n"),
                as(sumIf(col("scroll_depth"), leave), "scroll"),
                as(countIf(and(leave, isNotNull(col("scroll_depth")))), "scroll_n"));
    }

    // ---------------------------------------------------------------- the events form

    private static Select hitsPerSession(StatsQuery q) {
        Set<Dimension> used = new LinkedHashSet<>(q.dimensions());
        q.filters().forEach(f -> used.add(f.dimension()));

        Set<String> eventColumns = new LinkedHashSet<>(
                List.of("session_key", "visitor_key", "ts", "event_type", "pathname", "duration_ms", "scroll_depth"));
        if (!q.goals().isEmpty()) eventColumns.add("goal_name");
        List<Item> sessionItems = new ArrayList<>(columns(List.of("session_key", "pageviews", "goals")));
        sessionItems.add(as(secondsBetween(col("started_at"), col("ended_at")), "duration"));
        for (Dimension d : used) {
            if (d.level() == Dimension.Level.EVENT) {
                eventColumns.add(d.column());
            } else {
                sessionItems.add(item(col(d.column())));
            }
        }
        Select events = select(columns(List.copyOf(eventColumns)))
                .from(table("events"))
                .where(inRange(q, q.from(), q.until()))
                .build();
        // Whole-session numbers and entry values come from the sessions table: the same values a group-by over the
        // session's events gives, without that group-by.
        Select sessions =
                select(sessionItems).from(table("sessions")).where(overlaps(q)).build();

        List<Item> hitItems = new ArrayList<>();
        int g = 0;
        if (q.interval() != null) {
            hitItems.add(as(
                    new Sql.TimeBucket(bucketSize(q.interval()), col("e", "ts"), q.zone(), q.from(), q.until()),
                    "g" + g++));
        }
        for (Dimension d : q.dimensions()) hitItems.add(as(groupExpression(d), "g" + g++));
        for (String c : List.of("session_key", "visitor_key", "event_type", "duration_ms", "scroll_depth")) {
            hitItems.add(item(col("e", c)));
        }
        hitItems.add(as(col("s", "pageviews"), "session_pageviews"));
        hitItems.add(as(col("s", "goals"), "session_goals"));
        hitItems.add(as(col("s", "duration"), "session_duration"));
        hitItems.add(as(converts(q, "e"), "converts"));
        List<Expr> conditions = new ArrayList<>();
        for (Filter f : q.filters()) conditions.add(filter(f, groupExpression(f.dimension())));
        conditions.addAll(visitorConditions(q, "e"));
        // Goal breakdowns list goals, not the pages around them.
        if (q.dimensions().contains(Dimension.GOAL_NAME)) conditions.add(type("e", EventType.GOAL));
        Select hits = select(hitItems)
                .from(join(
                        subquery(events, "e"),
                        subquery(sessions, "s"),
                        eq(col("s", "session_key"), col("e", "session_key"))))
                .where(conditions)
                .build();

        int groups = g;
        List<Expr> groupBy = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            groupBy.add(col("g" + i));
            items.add(item(col("g" + i)));
        }
        groupBy.add(col("session_key"));
        items.add(item(col("session_key")));
        items.add(as(any(col("visitor_key")), "visitor_key"));
        List<Item> counts = eventCounts();
        items.add(counts.get(0));
        items.add(counts.get(1));
        items.add(as(any(col("session_pageviews")), "session_pageviews"));
        items.add(as(any(col("session_goals")), "session_goals"));
        items.add(as(any(col("session_duration")), "session_duration"));
        items.addAll(counts.subList(2, counts.size()));
        items.add(as(max(col("converts")), "converted"));
        return select(items).from(subquery(hits, "hits")).groupBy(groupBy).build();
    }

    private static Sql.BucketSize bucketSize(Interval interval) {
        return switch (interval) {
            case HOUR -> Sql.BucketSize.HOUR;
            case DAY -> Sql.BucketSize.DAY;
            case WEEK -> Sql.BucketSize.WEEK;
            case MONTH -> Sql.BucketSize.MONTH;
        };
    }

    /**
     * The value of a dimension in {@code hits} or in the sessions form: session-level ones come from the session row
     * {@code s}, the rest from the event {@code e}.
     */
    static Expr groupExpression(Dimension d) {
        Expr column = col(d.level() == Dimension.Level.SESSION ? "s" : "e", d.column());
        return switch (d) {
            case GOAL_NAME -> caseWhen(type("e", EventType.GOAL), column, null);
            case SCREEN_SIZE ->
                caseWhen(
                        List.of(
                                when(isNull(column), null),
                                when(lt(column, constant(Dimension.MOBILE_BELOW)), constant("mobile")),
                                when(lt(column, constant(Dimension.TABLET_BELOW)), constant("tablet")),
                                when(lt(column, constant(Dimension.LAPTOP_BELOW)), constant("laptop"))),
                        constant("desktop"));
            default -> column;
        };
    }

    /**
     * The query's visitor restrictions ({@code funnel_step}) on {@code table.visitor_key}: a visitor outside one of
     * them has none of their sessions counted, so every number is about those visitors only.
     */
    static List<Expr> visitorConditions(StatsQuery q, String table) {
        return q.visitors().stream()
                .<Expr>map(visitors -> in(col(table, "visitor_key"), visitors))
                .toList();
    }

    static Expr filter(Filter f, Expr expression) {
        return switch (f.operator()) {
            case IS -> in(expression, values(f.values()));
            // A missing value is "not X" too: a visit without a referrer is not from Google.
            case IS_NOT -> or(isNull(expression), notIn(expression, values(f.values())));
            case CONTAINS ->
                or(f.values().stream().map(v -> contains(expression, value(v))).toList());
        };
    }

    // ---------------------------------------------------------------- goals

    /** 1 when the event completes any of the query's goals, else 0; {@code table} qualifies the event columns. */
    private static Expr converts(StatsQuery q, String table) {
        if (q.goals().isEmpty()) return table == null ? null : constant(0);
        Expr any = or(q.goals().stream().map(goal -> goalMatch(goal, table)).toList());
        // The sessions form only keeps matching events; the events form needs a number to take max() of.
        return table == null ? any : caseWhen(any, constant(1), constant(0));
    }

    private static Expr goalMatch(Goal goal, String table) {
        return switch (goal.type()) {
            case CUSTOM -> and(type(table, EventType.GOAL), eq(col(table, "goal_name"), value(goal.name())));
            case PAGEVIEW ->
                and(type(table, EventType.PAGEVIEW), like(col(table, "pathname"), value(likePattern(goal.path()))));
        };
    }

    /** Per goal: distinct visitors who completed it and completions; plus all visitors, for the rate. */
    static Query goals(StatsQuery q) {
        List<Item> inner = new ArrayList<>(columns(List.of("visitor_key", "event_type")));
        List<Item> outer = new ArrayList<>();
        outer.add(as(countDistinctIf(col("visitor_key"), counted()), "visitors"));
        for (int i = 0; i < q.goals().size(); i++) {
            String name = "goal_" + i;
            inner.add(as(goalMatch(q.goals().get(i), null), name));
            outer.add(as(countDistinctIf(col("visitor_key"), col(name)), name + "_visitors"));
            outer.add(as(countIf(col(name)), name + "_completions"));
        }
        List<Expr> where = new ArrayList<>();
        where.add(inRange(q, q.from(), q.until()));
        where.addAll(visitorConditions(q, null));
        Select matched = select(inner).from(table("events")).where(where).build();
        return select(outer).from(subquery(matched, "matched")).build();
    }

    /** A goal's path pattern as LIKE: {@code *} is any run of characters; LIKE's own wildcards are taken literally. */
    static String likePattern(String path) {
        StringBuilder out = new StringBuilder();
        for (char c : path.toCharArray()) {
            switch (c) {
                case '*' -> out.append('%');
                case '%', '_', '\\' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The visitor's latest pageview on the site, to hang a server-side goal on the right session. */
    static Query lastPageview(String siteId, long visitorKey) {
        return select(columns(List.of(
                        "ts",
                        "visitor_id",
                        "session_id",
                        "session_key",
                        "url",
                        "hostname",
                        "pathname",
                        "referrer",
                        "referrer_domain",
                        "referrer_source",
                        "channel",
                        "screen_width",
                        "language",
                        "device_type",
                        "browser",
                        "browser_version",
                        "os",
                        "os_version",
                        "country",
                        "region",
                        "city",
                        "latitude",
                        "longitude")))
                .from(table("events"))
                .where(
                        eq(col("site_id"), value(siteId)),
                        eq(col("visitor_key"), value(visitorKey)),
                        type(EventType.PAGEVIEW))
                .orderBy(Sql.desc(col("ts")))
                .limit(constant(1))
                .build();
    }
}
