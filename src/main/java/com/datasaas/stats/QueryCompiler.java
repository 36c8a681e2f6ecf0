package com.datasaas.stats;

import com.datasaas.goals.Goal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@link StatsQuery} into SQL through a {@link Dialect}. A query that needs nothing below the session
 * (overview; entry page, channel, referrer, UTM dimensions and filters) reads the {@code sessions} table kept at
 * write time (see {@link #writeSessionsOnly}). Every other query has four steps:
 *
 * <ol>
 *   <li>{@code ev}: the site's events in the range;
 *   <li>{@code ses}: one row per session overlapping the range, from the {@code sessions} table, which holds each
 *       session's whole-life numbers (so a session crossing midnight has the same duration, bounce and entry page
 *       on both days) and its session-level dimensions, taken from its first pageview;
 *   <li>{@code hits}: events joined to their session and filtered, which is how a session-level filter keeps or drops
 *       whole sessions;
 *   <li>{@code per_session}, then the outer query: group by the requested dimensions and session, then by the
 *       dimensions, so session metrics are averaged over sessions, not over events.
 * </ol>
 *
 * The outer query returns additive components (visitors, sessions, bounces, duration sum, ...) for every metric; the
 * ratios are computed in Java so rounding is the same for every engine.
 */
final class QueryCompiler {
    /** Events that make a visitor or a session count (design section 5). */
    static final String COUNTED = "event_type IN ('pageview', 'goal')";

    static final String PAGEVIEW = "event_type = 'pageview'";
    static final String LEAVE = "event_type = '_leave'";

    /**
     * No session lasts longer than this (sessions end after 30 minutes of inactivity), so a session crossing an edge
     * of the range has all its in-range events within this distance of that edge.
     */
    static final Duration SESSION_MARGIN = Duration.ofDays(1);

    private final Dialect dialect;

    QueryCompiler(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Group names in the result, in order: {@code bucket} for the timeseries interval, then each dimension. */
    static List<String> groupNames(StatsQuery q) {
        List<String> names = new ArrayList<>();
        if (q.interval() != null) names.add("bucket");
        q.dimensions().forEach(d -> names.add(d.apiName()));
        return names;
    }

    /**
     * Whether the query needs nothing below the session: no time buckets, no event-level dimension or filter. Such
     * queries (the overview, entry pages, sources, channels, campaigns) read the sessions table instead of grouping
     * events.
     */
    static boolean sessionsOnly(StatsQuery q) {
        return q.interval() == null
                && q.dimensions().stream().allMatch(d -> d.level() == Dimension.Level.SESSION)
                && q.filters().stream().allMatch(f -> f.dimension().level() == Dimension.Level.SESSION);
    }

    private void writePerSession(SqlText sql, StatsQuery q) {
        if (sessionsOnly(q)) {
            writeSessionsOnly(sql, q);
        } else {
            writeHitsAndSessions(sql, q);
        }
    }

    CompiledQuery aggregate(StatsQuery q) {
        SqlText sql = new SqlText(dialect);
        int groups = groupNames(q).size();
        writePerSession(sql, q);
        sql.sql("SELECT");
        for (int i = 0; i < groups; i++) sql.sql(" g" + i + ",");
        sql.sql("\n    " + dialect.uniqIf("visitor_key", "counted > 0") + " AS visitors,");
        sql.sql("\n    " + dialect.countIf("counted > 0") + " AS sessions,");
        sql.sql("\n    sum(pageviews) AS pageviews,");
        sql.sql("\n    " + dialect.countIf("counted > 0 AND session_pageviews = 1 AND session_goals = 0")
                + " AS bounces,");
        sql.sql("\n    " + dialect.sumIf("session_duration", "counted > 0") + " AS duration_sum,");
        sql.sql("\n    sum(leave_ms) AS leave_ms_sum,");
        sql.sql("\n    sum(leave_n) AS leave_count,");
        sql.sql("\n    sum(scroll) AS scroll_sum,");
        sql.sql("\n    sum(scroll_n) AS scroll_count,");
        sql.sql("\n    " + dialect.uniqIf("visitor_key", "converted > 0") + " AS converted_visitors");
        sql.sql("\nFROM per_session");
        if (groups > 0) {
            sql.sql("\nGROUP BY " + groupList(groups));
            // A group whose events were all heartbeats or leaves has no visitor; it is not a row of the answer.
            sql.sql("\nHAVING " + dialect.countIf("counted > 0") + " > 0");
            sql.sql("\nORDER BY " + orderBy(q, groups));
            if (q.limit() > 0) {
                sql.sql("\nLIMIT ").value(q.limit()).sql(" OFFSET ").value(q.offset());
            }
        }
        return sql.build();
    }

    /** How many rows {@link #aggregate} would return without limit and offset (the breakdown's meta.total). */
    CompiledQuery groupCount(StatsQuery q) {
        SqlText sql = new SqlText(dialect);
        int groups = groupNames(q).size();
        writePerSession(sql, q);
        sql.sql("SELECT count(*) FROM (SELECT " + groupList(groups) + " FROM per_session GROUP BY " + groupList(groups)
                + " HAVING " + dialect.countIf("counted > 0") + " > 0) AS grouped");
        return sql.build();
    }

    /** Per goal: distinct visitors who completed it and completions; plus all visitors, for the rate. */
    CompiledQuery goals(StatsQuery q) {
        SqlText sql = new SqlText(dialect);
        sql.sql("SELECT " + dialect.uniqIf("visitor_key", COUNTED) + " AS visitors");
        for (int i = 0; i < q.goals().size(); i++) {
            Goal goal = q.goals().get(i);
            sql.sql(",\n    " + dialect.uniqIf("visitor_key", "goal_" + i) + " AS goal_" + i + "_visitors");
            sql.sql(",\n    " + dialect.countIf("goal_" + i) + " AS goal_" + i + "_completions");
        }
        sql.sql("\nFROM (\n    SELECT visitor_key, event_type");
        for (int i = 0; i < q.goals().size(); i++) {
            sql.sql(",\n        ");
            writeGoalMatch(sql, q.goals().get(i));
            sql.sql(" AS goal_" + i);
        }
        sql.sql("\n    FROM events\n    WHERE site_id = ")
                .value(q.siteId())
                .sql(" AND ts >= ")
                .value(q.from())
                .sql(" AND ts < ")
                .value(q.until())
                .sql("\n) AS matched");
        return sql.build();
    }

    /**
     * The sessions-table form. {@code sessions} holds each session's whole-life numbers and entry values, kept at
     * write time. Sessions wholly inside the range use them as they are; the few crossing an edge of the range get
     * their in-range counts from the events within a day of that edge. Conversions always come from events, because
     * goals are defined at query time. Produces the same {@code per_session} columns as {@link
     * #writeHitsAndSessions}, so the outer query is shared.
     */
    private void writeSessionsOnly(SqlText sql, StatsQuery q) {
        Instant from = q.from();
        Instant until = q.until();
        sql.sql("WITH range_sessions AS (\n    SELECT *, started_at < ")
                .value(from)
                .sql(" OR ended_at >= ")
                .value(until)
                .sql(" AS crossing\n    FROM sessions\n    WHERE site_id = ")
                .value(q.siteId())
                .sql(" AND started_at < ")
                .value(until)
                .sql(" AND ended_at >= ")
                .value(from)
                .sql("\n),\n");
        sql.sql("edge AS (\n    SELECT session_key,");
        sql.sql("\n        " + dialect.countIf(COUNTED) + " AS counted,");
        sql.sql(" " + dialect.countIf(PAGEVIEW) + " AS pageviews,");
        sql.sql("\n        " + dialect.sumIf("duration_ms", LEAVE) + " AS leave_ms,");
        sql.sql(" " + dialect.countIf(LEAVE + " AND duration_ms IS NOT NULL") + " AS leave_n,");
        sql.sql("\n        " + dialect.sumIf("scroll_depth", LEAVE) + " AS scroll,");
        sql.sql(" " + dialect.countIf(LEAVE + " AND scroll_depth IS NOT NULL") + " AS scroll_n");
        sql.sql("\n    FROM (");
        // Crossing sessions have their in-range events within a day of an edge; one window when the edges are close.
        List<Instant[]> windows = Duration.between(from, until).compareTo(SESSION_MARGIN.multipliedBy(2)) <= 0
                ? List.<Instant[]>of(new Instant[] {from, until})
                : List.of(
                        new Instant[] {from, from.plus(SESSION_MARGIN)},
                        new Instant[] {until.minus(SESSION_MARGIN), until});
        for (int i = 0; i < windows.size(); i++) {
            if (i > 0) sql.sql("\n        UNION ALL");
            sql.sql("\n        SELECT session_key, event_type, duration_ms, scroll_depth FROM events WHERE site_id = ")
                    .value(q.siteId())
                    .sql(" AND ts >= ")
                    .value(windows.get(i)[0])
                    .sql(" AND ts < ")
                    .value(windows.get(i)[1]);
        }
        sql.sql(
                "\n    ) AS near_edges\n    WHERE session_key IN (SELECT session_key FROM range_sessions WHERE crossing)"
                        + "\n    GROUP BY session_key\n),\n");
        if (!q.goals().isEmpty()) {
            sql.sql("converting AS (\n    SELECT DISTINCT session_key\n    FROM events\n    WHERE site_id = ")
                    .value(q.siteId())
                    .sql(" AND ts >= ")
                    .value(from)
                    .sql(" AND ts < ")
                    .value(until)
                    .sql(" AND ");
            writeConverts(sql, q, "");
            sql.sql(" = 1\n),\n");
        }
        sql.sql("per_session AS (\n    SELECT ");
        for (int i = 0; i < q.dimensions().size(); i++) {
            sql.sql("s." + q.dimensions().get(i).apiName() + " AS g" + i + ", ");
        }
        sql.sql("s.session_key, s.visitor_key,"
                + "\n        CASE WHEN s.crossing THEN coalesce(e.counted, 0) ELSE s.pageviews + s.goals END AS counted,"
                + "\n        CASE WHEN s.crossing THEN coalesce(e.pageviews, 0) ELSE s.pageviews END AS pageviews,"
                + "\n        s.pageviews AS session_pageviews, s.goals AS session_goals, "
                + dialect.secondsBetween("s.started_at", "s.ended_at") + " AS session_duration,"
                + "\n        CASE WHEN s.crossing THEN e.leave_ms ELSE s.leave_ms END AS leave_ms,"
                + " CASE WHEN s.crossing THEN coalesce(e.leave_n, 0) ELSE s.leave_count END AS leave_n,"
                + "\n        CASE WHEN s.crossing THEN e.scroll ELSE s.scroll END AS scroll,"
                + " CASE WHEN s.crossing THEN coalesce(e.scroll_n, 0) ELSE s.scroll_count END AS scroll_n,");
        if (q.goals().isEmpty()) {
            sql.sql(
                    "\n        0 AS converted\n    FROM range_sessions AS s\n    LEFT JOIN edge AS e ON e.session_key = s.session_key");
        } else {
            sql.sql("\n        CASE WHEN c.session_key IS NULL THEN 0 ELSE 1 END AS converted"
                    + "\n    FROM range_sessions AS s\n    LEFT JOIN edge AS e ON e.session_key = s.session_key"
                    + "\n    LEFT JOIN converting AS c ON c.session_key = s.session_key");
        }
        for (int i = 0; i < q.filters().size(); i++) {
            sql.sql(i == 0 ? "\n    WHERE " : "\n        AND ");
            writeFilter(
                    sql,
                    q.filters().get(i),
                    "s." + q.filters().get(i).dimension().apiName());
        }
        sql.sql("\n)\n");
    }

    private void writeHitsAndSessions(SqlText sql, StatsQuery q) {
        Set<Dimension> used = new LinkedHashSet<>(q.dimensions());
        q.filters().forEach(f -> used.add(f.dimension()));

        Set<String> eventColumns = new LinkedHashSet<>(
                List.of("session_key", "visitor_key", "ts", "event_type", "pathname", "duration_ms", "scroll_depth"));
        if (!q.goals().isEmpty()) eventColumns.add("goal_name");
        for (Dimension d : used) {
            if (d.level() == Dimension.Level.EVENT) eventColumns.add(eventColumn(d));
        }

        sql.sql("WITH ev AS (\n    SELECT " + String.join(", ", eventColumns)
                        + "\n    FROM events\n    WHERE site_id = ")
                .value(q.siteId())
                .sql(" AND ts >= ")
                .value(q.from())
                .sql(" AND ts < ")
                .value(q.until())
                .sql("\n),\n");

        // Whole-session numbers and entry values come from the sessions table: the same values a group-by over the
        // session's events gives, without that group-by.
        sql.sql("ses AS (\n    SELECT session_key, pageviews, goals, "
                + dialect.secondsBetween("started_at", "ended_at") + " AS duration");
        for (Dimension d : used) {
            if (d.level() == Dimension.Level.SESSION) sql.sql(", " + d.apiName());
        }
        sql.sql("\n    FROM sessions\n    WHERE site_id = ")
                .value(q.siteId())
                .sql(" AND started_at < ")
                .value(q.until())
                .sql(" AND ended_at >= ")
                .value(q.from())
                .sql("\n),\n");

        sql.sql("hits AS (\n    SELECT ");
        int g = 0;
        if (q.interval() != null) {
            dialect.bucket(sql, q.interval(), "e.ts", q.zone());
            sql.sql(" AS g" + g++ + ", ");
        }
        for (Dimension d : q.dimensions()) {
            sql.sql(groupExpression(d) + " AS g" + g++ + ", ");
        }
        sql.sql("e.session_key, e.visitor_key, e.event_type, e.duration_ms, e.scroll_depth,"
                + "\n        s.pageviews AS session_pageviews, s.goals AS session_goals,"
                + " s.duration AS session_duration,\n        ");
        writeConverts(sql, q, "e.");
        sql.sql(" AS converts\n    FROM ev AS e\n    JOIN ses AS s ON s.session_key = e.session_key");
        List<Runnable> conditions = new ArrayList<>();
        for (Filter f : q.filters()) conditions.add(() -> writeFilter(sql, f));
        // Goal breakdowns list goals, not the pages around them.
        if (q.dimensions().contains(Dimension.GOAL_NAME)) conditions.add(() -> sql.sql("e.event_type = 'goal'"));
        for (int i = 0; i < conditions.size(); i++) {
            sql.sql(i == 0 ? "\n    WHERE " : "\n        AND ");
            conditions.get(i).run();
        }
        sql.sql("\n),\n");

        int groups = g;
        sql.sql("per_session AS (\n    SELECT ");
        for (int i = 0; i < groups; i++) sql.sql("g" + i + ", ");
        sql.sql("session_key, " + dialect.anyValue("visitor_key") + " AS visitor_key,");
        sql.sql("\n        " + dialect.countIf(COUNTED) + " AS counted,");
        sql.sql("\n        " + dialect.countIf(PAGEVIEW) + " AS pageviews,");
        sql.sql("\n        " + dialect.anyValue("session_pageviews") + " AS session_pageviews,");
        sql.sql(" " + dialect.anyValue("session_goals") + " AS session_goals,");
        sql.sql(" " + dialect.anyValue("session_duration") + " AS session_duration,");
        sql.sql("\n        " + dialect.sumIf("duration_ms", LEAVE) + " AS leave_ms,");
        sql.sql(" " + dialect.countIf(LEAVE + " AND duration_ms IS NOT NULL") + " AS leave_n,");
        sql.sql("\n        " + dialect.sumIf("scroll_depth", LEAVE) + " AS scroll,");
        sql.sql(" " + dialect.countIf(LEAVE + " AND scroll_depth IS NOT NULL") + " AS scroll_n,");
        sql.sql("\n        max(converts) AS converted");
        sql.sql("\n    FROM hits\n    GROUP BY " + (groups > 0 ? groupList(groups) + ", " : "") + "session_key\n)\n");
    }

    private static String groupList(int groups) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < groups; i++) names.add("g" + i);
        return String.join(", ", names);
    }

    private static String orderBy(StatsQuery q, int groups) {
        List<String> terms = new ArrayList<>();
        if (q.interval() != null) {
            terms.add("g0");
        } else if (q.order() != null) {
            String by = q.order().by();
            String direction = q.order().descending() ? " DESC" : " ASC";
            boolean byDimension =
                    !q.dimensions().isEmpty() && q.dimensions().get(0).apiName().equals(by);
            terms.add((byDimension ? "g0" : by) + direction);
        }
        // Ties broken by the group values so pages never shuffle between requests.
        for (int i = 0; i < groups; i++) {
            if (!terms.contains("g" + i)) terms.add("g" + i);
        }
        return String.join(", ", terms);
    }

    /** Metrics a result can be sorted by: the counts the outer query returns as they are. */
    static boolean sortable(String metric) {
        return List.of("visitors", "sessions", "pageviews").contains(metric);
    }

    private static String eventColumn(Dimension d) {
        return switch (d) {
            case GOAL_NAME -> "goal_name";
            case SCREEN_SIZE -> "screen_width";
            default -> d.apiName();
        };
    }

    /** The value of a dimension in {@code hits}: session-level ones come from {@code ses}, the rest from events. */
    private static String groupExpression(Dimension d) {
        if (d.level() == Dimension.Level.SESSION) return "s." + d.apiName();
        return switch (d) {
            case GOAL_NAME -> "CASE WHEN e.event_type = 'goal' THEN e.goal_name END";
            case SCREEN_SIZE ->
                "CASE WHEN e.screen_width IS NULL THEN NULL"
                        + " WHEN e.screen_width < " + Dimension.MOBILE_BELOW + " THEN 'mobile'"
                        + " WHEN e.screen_width < " + Dimension.TABLET_BELOW + " THEN 'tablet'"
                        + " WHEN e.screen_width < " + Dimension.LAPTOP_BELOW + " THEN 'laptop'"
                        + " ELSE 'desktop' END";
            default -> "e." + d.apiName();
        };
    }

    private void writeFilter(SqlText sql, Filter f) {
        writeFilter(sql, f, groupExpression(f.dimension()));
    }

    private void writeFilter(SqlText sql, Filter f, String expression) {
        switch (f.operator()) {
            case IS -> sql.sql(expression + " IN (").values(f.values()).sql(")");
            // A missing value is "not X" too: a visit without a referrer is not from Google.
            case IS_NOT ->
                sql.sql("(" + expression + " IS NULL OR " + expression + " NOT IN (")
                        .values(f.values())
                        .sql("))");
            case CONTAINS -> {
                sql.sql("(");
                for (int i = 0; i < f.values().size(); i++) {
                    if (i > 0) sql.sql(" OR ");
                    dialect.contains(sql, expression, f.values().get(i));
                }
                sql.sql(")");
            }
        }
    }

    /** 1 when the event completes any of the query's goals, else 0. */
    private void writeConverts(SqlText sql, StatsQuery q, String alias) {
        if (q.goals().isEmpty()) {
            sql.sql("0");
            return;
        }
        sql.sql("CASE WHEN ");
        for (int i = 0; i < q.goals().size(); i++) {
            if (i > 0) sql.sql(" OR ");
            sql.sql("(");
            writeGoalMatch(sql, q.goals().get(i), alias);
            sql.sql(")");
        }
        sql.sql(" THEN 1 ELSE 0 END");
    }

    private void writeGoalMatch(SqlText sql, Goal goal) {
        writeGoalMatch(sql, goal, "");
    }

    private void writeGoalMatch(SqlText sql, Goal goal, String alias) {
        switch (goal.type()) {
            case CUSTOM ->
                sql.sql(alias + "event_type = 'goal' AND " + alias + "goal_name = ")
                        .value(goal.name());
            case PAGEVIEW -> {
                sql.sql(alias + "event_type = 'pageview' AND ");
                dialect.like(sql, alias + "pathname", likePattern(goal.path()));
            }
        }
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
    CompiledQuery lastPageview(String siteId, long visitorKey) {
        SqlText sql = new SqlText(dialect);
        sql.sql("SELECT ts, visitor_id, session_id, session_key, url, hostname, pathname, referrer, referrer_domain,"
                        + " referrer_source, channel, screen_width, language, device_type, browser, browser_version, os,"
                        + " os_version, country, region, city, latitude, longitude\nFROM events\nWHERE site_id = ")
                .value(siteId)
                .sql(" AND visitor_key = ")
                .value(visitorKey)
                .sql(" AND " + PAGEVIEW + "\nORDER BY ts DESC\nLIMIT 1");
        return sql.build();
    }

    /** The latest details of every visitor with an event since {@code since}, and their current session's start. */
    CompiledQuery activeVisitors(String siteId, Instant since) {
        SqlText sql = new SqlText(dialect);
        String any = "ts IS NOT NULL";
        sql.sql("WITH latest AS (\n    SELECT visitor_key");
        for (String column : List.of(
                "session_key", "country", "region", "city", "latitude", "longitude", "browser", "os", "device_type")) {
            sql.sql(",\n        " + dialect.lastBy(column, "ts", any) + " AS " + column);
        }
        sql.sql(",\n        " + dialect.lastBy("pathname", "ts", PAGEVIEW) + " AS pathname");
        sql.sql(",\n        max(ts) AS last_seen");
        sql.sql("\n    FROM events\n    WHERE site_id = ")
                .value(siteId)
                .sql(" AND ts >= ")
                .value(since)
                .sql("\n    GROUP BY visitor_key\n),\nstarts AS (\n    SELECT session_key, min(ts) AS started_at,");
        sql.sql("\n        " + dialect.firstBy("coalesce(referrer_source, referrer_domain)", "ts", PAGEVIEW)
                + " AS referrer");
        sql.sql("\n    FROM events\n    WHERE site_id = ")
                .value(siteId)
                .sql(" AND ts >= ")
                .value(since.minus(SESSION_MARGIN))
                .sql(" AND session_key IN (SELECT session_key FROM latest)\n    GROUP BY session_key\n)\n");
        sql.sql("SELECT l.visitor_key, l.country, l.region, l.city, l.latitude, l.longitude, l.browser, l.os,"
                + " l.device_type, l.pathname, s.referrer, s.started_at, l.last_seen\nFROM latest AS l"
                + "\nLEFT JOIN starts AS s ON s.session_key = l.session_key\nORDER BY l.last_seen DESC");
        return sql.build();
    }

    /** The newest accepted events, heartbeats left out: they say only that a tab is still open. */
    CompiledQuery recentEvents(String siteId, int limit) {
        SqlText sql = new SqlText(dialect);
        sql.sql("SELECT ts, event_type, goal_name, pathname, country, region, city, device_type, browser, os"
                        + "\nFROM events\nWHERE site_id = ")
                .value(siteId)
                .sql(" AND event_type <> '_heartbeat'\nORDER BY ts DESC\nLIMIT ")
                .value(limit);
        return sql.build();
    }
}
