package com.datasaas.events;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The day rollup of the embedded store: per site, site-local day (in the zone the site had when the day was rolled),
 * dimension and value, the additive numbers the stats sum, with no session in the key, so a 30-day dashboard reads a
 * few thousand rows instead of millions. Visitors are kept twice: the exact distinct count of the row (a one-day
 * bucket stays exact) and a mergeable HLL sketch of the row's visitor keys (a union over days is an estimate).
 *
 * <p>Definitions are those of the exact plans, per group and session: a session counts on a day (under a value) when
 * it has a pageview or goal there; its bounce and duration are whole-life numbers from its {@code sessions} row. A
 * session counted on two consecutive days is counted on both, so each row also keeps {@code continued_*}: the
 * sessions of the row also counted under the same value on the previous day. Summing the days of a range and
 * subtracting the continued sessions of every day but the first gives the exact plans' sessions and duration. (A
 * session counted on two days with a whole day between them would be counted twice; the engine assumes no session
 * lasts a day, {@code SESSION_MARGIN}.)
 *
 * <p>Derived from the hourly rollup (events for half-hour zones and for hours the hourly rollup does not answer), kept
 * with the same watermark: a day is rolled once it ended before the hourly watermark, and every hour the hourly roll
 * rebuilds (newly closed hours, late events, deletions, verification) drops, in the same transaction, the days its
 * sessions were counted on and the day after each ({@link #invalidate}), which the next day roll builds again. The
 * stats read live, with the same query, the days that are not rolled up (today), the days near dirty hours, and the
 * days of sessions that have events after the watermark (still running, so their whole-life numbers moved).
 */
final class DayRollup {
    private DayRollup() {}

    /** HLL precision: 2^14 buckets, relative standard error about 0.8% (DataSketches' bound for HLL). */
    static final int LG_K = DayRows.SKETCH_LG_K;

    /** The dimension name of the rows without a dimension (the overview and the timeseries). */
    static final String TOTAL = "total";

    static final String PATHNAME = "pathname";

    /** A day with more days than this to read live is answered by the exact plans instead. */
    static final int MAX_LIVE_SPAN_DAYS = 4;

    private static final Duration SESSION_MARGIN = Duration.ofDays(1);

    /** Most events one roll query folds, unless a single day holds more (measured: 23M did not fit in 1 GB). */
    static final long WINDOW_EVENTS = 2_000_000;

    /** Schema migration 6. */
    static final String CREATE = """
            CREATE TABLE day_rollup (
                site_id            VARCHAR NOT NULL,
                zone               VARCHAR NOT NULL,
                day                DATE    NOT NULL,
                dimension          VARCHAR NOT NULL,
                value              VARCHAR,
                visitors           BIGINT  NOT NULL,
                sessions           BIGINT  NOT NULL,
                pageviews          BIGINT  NOT NULL,
                bounces            BIGINT  NOT NULL,
                duration_sum       DOUBLE  NOT NULL,
                leave_ms_sum       DOUBLE  NOT NULL,
                leave_count        BIGINT  NOT NULL,
                scroll_sum         DOUBLE  NOT NULL,
                scroll_count       BIGINT  NOT NULL,
                continued_sessions BIGINT  NOT NULL,
                continued_duration DOUBLE  NOT NULL,
                visitor_sketch     BLOB    NOT NULL
            );
            CREATE TABLE day_rollup_days (
                site_id   VARCHAR     NOT NULL,
                zone      VARCHAR     NOT NULL,
                day       DATE        NOT NULL,
                day_start TIMESTAMPTZ NOT NULL,
                day_end   TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (site_id, zone, day)
            );
            """;

    /**
     * Schema migration 7: a partial day is a {@code day_rollup_days} row with {@code closed_before} set (NULL is a whole
     * day): its {@code day_rollup} rows hold only the day's sessions whose latest event was before it, and {@code
     * day_rollup_partial_sessions} lists those sessions, so a read can tell when one of them came back.
     */
    static final String CREATE_PARTIAL = """
            ALTER TABLE day_rollup_days ADD COLUMN closed_before TIMESTAMPTZ;
            CREATE TABLE day_rollup_partial_sessions (
                site_id     VARCHAR NOT NULL,
                zone        VARCHAR NOT NULL,
                day         DATE    NOT NULL,
                session_key BIGINT  NOT NULL
            );
            """;

    /**
     * How long a session must have been quiet, at the hourly watermark, to go into a partial day: the visit timeout
     * (the tracker's session cookie lives 30 minutes after the last event, and {@code CookielessVisitors.SESSION_TIMEOUT}
     * is the same for cookieless sites), so such a session is over unless a tab resumes late or an id is reused. Those
     * cases are caught at read time ({@link #partialValid}), so the value only decides how often a partial is read
     * live, never a number.
     */
    static final Duration CLOSED_AFTER = Duration.ofMinutes(30);

    /** The dimensions rolled up: the total, every session attribute (from the descriptor) and the pathname. */
    static List<String> dimensions() {
        List<String> out = new ArrayList<>();
        out.add(TOTAL);
        for (SessionAttribute a : SessionAttribute.values()) out.add(a.column());
        out.add(PATHNAME);
        return out;
    }

    static boolean rolledUp(String dimension) {
        return dimensions().contains(dimension);
    }

    /**
     * Statements for {@link HourlyRollup#roll}, after {@code rollup_todo} holds the hours it rebuilds: drops the day
     * rows within a day of any of them (their sessions' whole-life numbers or the previous-day links may change).
     */
    static List<String> invalidate() {
        // The sessions with events in the rebuilt hours: their whole-life numbers (bounce, duration, exit page) count
        // on
        // every day they were counted, and their counted days link to the next day. Deleted visitors' sessions are
        // gone, but every hour of their events is rebuilt, so the days of those hours are dropped too.
        String touched = "SELECT DISTINCT e.site_id, e.session_key FROM events e SEMI JOIN rollup_todo t"
                + " ON e.site_id = t.site_id AND " + HourlyRollup.hourOf("e.ts") + " = t.hour"
                + " WHERE e.ts >= (SELECT min(hour) FROM rollup_todo)"
                + " AND e.ts < (SELECT max(hour) FROM rollup_todo) + INTERVAL 1 HOUR";
        String spans = "SELECT s.site_id, s.started_at AS span_start, s.ended_at AS span_end FROM sessions s"
                + " SEMI JOIN (" + touched + ") x ON s.site_id = x.site_id AND s.session_key = x.session_key"
                + " UNION ALL SELECT site_id, hour, hour + INTERVAL 1 HOUR FROM rollup_todo";
        String stale = "CREATE OR REPLACE TEMP TABLE day_rollup_stale AS SELECT DISTINCT d.site_id, d.zone, d.day"
                + " FROM day_rollup_days d JOIN (" + spans + ") x ON d.site_id = x.site_id AND d.closed_before IS NULL"
                + " AND x.span_start < d.day_end AND x.span_end + INTERVAL 1 DAY >= d.day_start";
        String match = " WHERE EXISTS (SELECT 1 FROM day_rollup_stale s WHERE s.site_id = r.site_id"
                + " AND s.zone = r.zone AND s.day = r.day)";
        return List.of(
                stale,
                "DELETE FROM day_rollup r" + match,
                "DELETE FROM day_rollup_days r" + match,
                "DROP TABLE day_rollup_stale");
    }

    static void deleteSite(Connection c, String siteId) throws SQLException {
        for (String table : List.of("day_rollup", "day_rollup_days", "day_rollup_partial_sessions")) {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM " + table + " WHERE site_id = ?")) {
                st.setString(1, siteId);
                st.executeUpdate();
            }
        }
    }

    /**
     * Statements that drop the partial days matching {@code where} (a condition on {@code day_rollup_days d}): their
     * rows, their session lists and their day records, in the caller's transaction.
     */
    static List<String> dropPartials(String where) {
        String match = " WHERE EXISTS (SELECT 1 FROM day_rollup_partial_drop p WHERE p.site_id = r.site_id"
                + " AND p.zone = r.zone AND p.day = r.day)";
        return List.of(
                "CREATE OR REPLACE TEMP TABLE day_rollup_partial_drop AS SELECT DISTINCT d.site_id, d.zone, d.day"
                        + " FROM day_rollup_days d WHERE d.closed_before IS NOT NULL AND (" + where + ")",
                "DELETE FROM day_rollup r" + match,
                "DELETE FROM day_rollup_partial_sessions r" + match,
                "DELETE FROM day_rollup_days r" + match + " AND r.closed_before IS NOT NULL",
                "DROP TABLE day_rollup_partial_drop");
    }

    /**
     * For {@link HourlyRollup#roll}, after it raised the watermark and while {@code rollup_todo} holds the hours it
     * rebuilt: drops every partial day built for another watermark, and those of the sites with rebuilt hours (a late
     * event may have added a session to a closed hour; its dirty mark, which kept the day live, is gone now).
     */
    static List<String> dropOutdatedPartials() {
        return dropPartials("d.closed_before <> (SELECT max(hour) FROM rollup_watermark) - INTERVAL "
                + CLOSED_AFTER.toMinutes() + " MINUTE OR d.site_id IN (SELECT site_id FROM rollup_todo)");
    }

    /** Drops the site's partial days (a deletion of visitors; a benchmark's run without them). */
    static List<String> dropPartialsOf(String siteId) {
        return dropPartials("d.site_id = " + quote(siteId));
    }

    // ---------------------------------------------------------------- rolling

    /**
     * Rolls, in the caller's open transaction, every day of the site in {@code zone} that is closed for good (ended a
     * day before the hourly watermark) and not rolled up yet, skipping days near dirty hours; drops the site's days
     * rolled in another zone first (the site's zone changed). Returns how many days were rolled.
     */
    static long roll(Connection c, HourlyRollup.Steps steps, String siteId, ZoneId zone) throws SQLException {
        RollupCoverage coverage = HourlyRollup.coverage(c, siteId);
        // The partial days the watermark allows: each kept when it is already stored and valid, else dropped (another
        // line's, one a session came back to) and built again below; those of another zone or of a day that needs
        // none any more go.
        List<Partial> partials = partialDays(coverage, zone, running(c, siteId, coverage));
        for (String sql : dropPartials(
                "d.site_id = " + quote(siteId) + " AND (d.zone <> " + quote(zone.getId()) + notIn(partials) + ")")) {
            steps.run("day_rollup_partial_drop", sql);
        }
        List<Partial> toBuild = new ArrayList<>();
        for (Partial p : partials) {
            if (partialValid(c, siteId, zone, p)) continue;
            for (String sql : dropPartials("d.site_id = " + quote(siteId) + " AND d.day = " + literal(p.day()))) {
                steps.run("day_rollup_partial_drop", sql);
            }
            toBuild.add(p);
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM day_rollup WHERE site_id = ? AND zone <> ?")) {
            st.setString(1, siteId);
            st.setString(2, zone.getId());
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM day_rollup_days WHERE site_id = ? AND zone <> ?")) {
            st.setString(1, siteId);
            st.setString(2, zone.getId());
            st.executeUpdate();
        }
        List<LocalDate> todo = todo(c, siteId, zone, coverage, days(partials));
        // Events per local day, from the hourly roll's bookkeeping (an hour straddling two days in half-hour zones
        // counts on both).
        Map<LocalDate, Long> eventsPerDay = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT hour, events FROM rollup_hours WHERE site_id = ?")) {
            st.setString(1, siteId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant hour = rs.getObject(1, OffsetDateTime.class).toInstant();
                    long events = rs.getLong(2);
                    eventsPerDay.merge(hour.atZone(zone).toLocalDate(), events, Long::sum);
                    LocalDate straddled = hour.plusSeconds(3599).atZone(zone).toLocalDate(); // half-hour zones
                    if (!straddled.equals(hour.atZone(zone).toLocalDate())) {
                        eventsPerDay.merge(straddled, events, Long::sum);
                    }
                }
            }
        }
        // Days with events in contiguous runs per query: at most a week and at most WINDOW_EVENTS events each (one
        // day at least), so a query's memory stays bounded however busy the site is (a week of a 100M-event month
        // did not fit DuckDB's 1 GB). Days without events are only recorded as rolled (they have no rows).
        List<LocalDate> withEvents =
                todo.stream().filter(eventsPerDay::containsKey).toList();
        int i = 0;
        while (i < withEvents.size()) {
            int j = i;
            long events = eventsPerDay.get(withEvents.get(i));
            while (j + 1 < withEvents.size()
                    && withEvents.get(j + 1).equals(withEvents.get(j).plusDays(1))
                    && j + 1 - i < 7
                    && events + eventsPerDay.get(withEvents.get(j + 1)) <= WINDOW_EVENTS) {
                j++;
                events += eventsPerDay.get(withEvents.get(j));
            }
            String sql = build(
                    siteId,
                    zone,
                    withEvents.get(i),
                    withEvents.get(j),
                    dimensions(),
                    coverage,
                    crossing(c, siteId, zone, withEvents.get(i)));
            List<Object[]> rows = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    DayRow row = read(rs);
                    rows.add(new Object[] {row, rs.getString("dimension")});
                }
            }
            steps.run("day_rollup_insert", "SELECT 1");
            insert(c, siteId, zone, rows);
            i = j + 1;
        }
        for (int from = 0; from < todo.size(); from += ROWS_PER_INSERT) {
            List<LocalDate> part = todo.subList(from, Math.min(todo.size(), from + ROWS_PER_INSERT));
            String values = String.join(", ", java.util.Collections.nCopies(part.size(), "(?, ?, ?, ?, ?)"));
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO day_rollup_days (site_id, zone, day, day_start, day_end) VALUES " + values)) {
                int k = 1;
                for (LocalDate d : part) {
                    st.setString(k++, siteId);
                    st.setString(k++, zone.getId());
                    st.setObject(k++, d);
                    st.setObject(k++, OffsetDateTime.ofInstant(start(d, zone), java.time.ZoneOffset.UTC));
                    st.setObject(k++, OffsetDateTime.ofInstant(end(d, zone), java.time.ZoneOffset.UTC));
                }
                st.execute();
            }
        }
        for (Partial p : toBuild) buildPartial(c, steps, siteId, zone, coverage, p);
        return todo.size() + toBuild.size();
    }

    private static Set<LocalDate> days(List<Partial> partials) {
        return partials.stream().map(Partial::day).collect(Collectors.toSet());
    }

    /** " OR d.day NOT IN (the partials' days)", or " OR true" when there are none (every partial day goes). */
    private static String notIn(List<Partial> partials) {
        if (partials.isEmpty()) return " OR true";
        return " OR d.day NOT IN ("
                + partials.stream().map(p -> literal(p.day())).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The site's days in {@code zone} that are closed for good (ended before the hourly watermark), not rolled up
     * not near a dirty hour and not a partial day (running sessions overlap it; {@code partials}): what {@link #roll}
     * rolls.
     */
    private static List<LocalDate> todo(
            Connection c, String siteId, ZoneId zone, RollupCoverage coverage, Set<LocalDate> partials)
            throws SQLException {
        Instant firstHour;
        try (PreparedStatement st = c.prepareStatement("SELECT min(hour) FROM rollup_hours WHERE site_id = ?")) {
            st.setString(1, siteId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                if (t == null) return List.of();
                firstHour = t.toInstant();
            }
        }
        LocalDate first = firstHour.atZone(zone).toLocalDate();
        LocalDate last = coverage.watermark().atZone(zone).toLocalDate();
        while (!last.isBefore(first) && end(last, zone).isAfter(coverage.watermark())) {
            last = last.minusDays(1);
        }
        Set<LocalDate> built = builtDays(c, siteId, zone, first, last);
        Set<LocalDate> stale = staleDays(coverage, zone);
        List<LocalDate> todo = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            if (!built.contains(d) && !stale.contains(d) && !partials.contains(d)) todo.add(d);
        }
        return todo;
    }

    /**
     * Whether {@link #roll} would change anything for the site: a closed day to roll, or rows of another zone to
     * drop. Read-only, so the schedule asks it on a reader connection before taking the writer's lock.
     */
    static boolean pending(Connection c, String siteId, ZoneId zone) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM day_rollup_days WHERE site_id = ?"
                + " AND zone <> ?) OR EXISTS (SELECT 1 FROM day_rollup WHERE site_id = ? AND zone <> ?)")) {
            st.setString(1, siteId);
            st.setString(2, zone.getId());
            st.setString(3, siteId);
            st.setString(4, zone.getId());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) return true;
            }
        }
        RollupCoverage coverage = HourlyRollup.coverage(c, siteId);
        List<Partial> partials = partialDays(coverage, zone, running(c, siteId, coverage));
        for (Partial p : partials) {
            if (!partialValid(c, siteId, zone, p)) return true;
        }
        // A stored partial of a day that needs none any more (its sessions were deleted): dropped, the day rolled.
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM day_rollup_days d WHERE d.site_id = "
                        + quote(siteId) + " AND d.closed_before IS NOT NULL AND (false" + notIn(partials) + "))")) {
            rs.next();
            if (rs.getBoolean(1)) return true;
        }
        return !todo(c, siteId, zone, coverage, days(partials)).isEmpty();
    }

    // ---------------------------------------------------------------- partial days

    /**
     * A partial day: the sessions counted on {@code day} (any event there) whose latest event was before {@code
     * closedBefore}, the watermark less {@link #CLOSED_AFTER} when it was built. Every event of those sessions lies in
     * a closed hour; the rest of the day's sessions (latest event at or after the line) are the live part. For a day
     * before the watermark's, the closed sessions include those that went on into the next days and ended before the
     * line (they are over, so their whole-life numbers are final).
     */
    record Partial(LocalDate day, Instant closedBefore) {
        /**
         * The partial's sessions, as a condition on {@code sessions}: started before the day's end, latest event on
         * the day or later, before the line.
         */
        String closed(ZoneId zone) {
            return "started_at < " + literal(end(day, zone)) + " AND ended_at >= " + literal(start(day, zone))
                    + " AND ended_at < " + literal(closedBefore);
        }

        /** The live part's sessions: latest event at or after the line (the day's other sessions are the partial's). */
        String live() {
            return "ended_at >= " + literal(closedBefore);
        }
    }

    /**
     * The partial days the hourly watermark allows in {@code zone}, all closed up to the watermark less {@link
     * #CLOSED_AFTER}: the day holding the watermark, and every earlier day that sessions still running overlap (from
     * the day {@code running}, the earliest start of a session with events after the watermark, began; a read computes
     * such a day whole live otherwise, because those sessions' whole-life numbers move: after midnight, yesterday for
     * the sessions that crossed it; a tab kept open, the day it opened). None for a day whose line is not inside it or
     * with a dirty hour within a day of it (the day is read live then anyway). In day order.
     */
    static List<Partial> partialDays(RollupCoverage coverage, ZoneId zone, Optional<Instant> running) {
        Instant watermark = coverage.watermark();
        LocalDate today = watermark.atZone(zone).toLocalDate();
        Instant closedBefore = watermark.minus(CLOSED_AFTER);
        Set<LocalDate> stale = staleDays(coverage, zone);
        LocalDate first = running.map(t -> t.atZone(zone).toLocalDate()).orElse(today);
        List<Partial> out = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            if (closedBefore.isAfter(start(d, zone)) && !stale.contains(d)) out.add(new Partial(d, closedBefore));
        }
        return out;
    }

    /**
     * The earliest start of the site's sessions still running (an event after the hourly watermark), or empty: every
     * day from then on has whole-life numbers still moving. Such a session ended (its latest event) at or after the
     * watermark: that bound changes no answer and lets DuckDB skip the row groups of older sessions instead of probing
     * every session of the site (a fifth of the plan's time at 10M events before).
     */
    static Optional<Instant> running(Connection c, String siteId, RollupCoverage coverage) throws SQLException {
        OffsetDateTime watermark = OffsetDateTime.ofInstant(coverage.watermark(), java.time.ZoneOffset.UTC);
        try (PreparedStatement st = c.prepareStatement("SELECT min(started_at) FROM sessions WHERE site_id = ?"
                + " AND ended_at >= ?"
                + " AND session_key IN (SELECT session_key FROM events WHERE site_id = ? AND ts >= ?)")) {
            st.setString(1, siteId);
            st.setObject(2, watermark);
            st.setString(3, siteId);
            st.setObject(4, watermark);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getObject(1, OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant);
            }
        }
    }

    /**
     * Whether the site's stored partial for {@code p} can be read: it was built for this line, and none of its
     * sessions has an event at or after the line since (a tab resumed after the timeout, a reused session id, a late
     * event), which the live part would count a second time. The check joins the small live set with the stored keys.
     */
    static boolean partialValid(Connection c, String siteId, ZoneId zone, Partial p) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM day_rollup_days WHERE site_id = ?"
                + " AND zone = ? AND day = ? AND closed_before = ?) AND NOT EXISTS (SELECT 1"
                + " FROM day_rollup_partial_sessions p WHERE p.site_id = ? AND p.zone = ? AND p.day = ?"
                + " AND p.session_key IN (SELECT session_key FROM sessions WHERE site_id = ? AND " + p.live() + "))")) {
            OffsetDateTime line = OffsetDateTime.ofInstant(p.closedBefore(), java.time.ZoneOffset.UTC);
            st.setString(1, siteId);
            st.setString(2, zone.getId());
            st.setObject(3, p.day());
            st.setObject(4, line);
            st.setString(5, siteId);
            st.setString(6, zone.getId());
            st.setObject(7, p.day());
            st.setString(8, siteId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Builds and stores, in the caller's transaction, the partial {@code p}: the rows of its sessions with the same
     * query as a whole day (whole-life numbers, previous-day links), the list of its sessions, and its day record. One
     * day's rows at most, as the whole-day roll folds one day at least.
     */
    private static void buildPartial(
            Connection c, HourlyRollup.Steps steps, String siteId, ZoneId zone, RollupCoverage coverage, Partial p)
            throws SQLException {
        // A day before the watermark's may have been rolled whole before a session that overlaps it went on: its
        // partial replaces those rows (the read would not use them; one row per day in day_rollup_days), and the
        // day is rolled whole again once no running session overlaps it.
        for (String table : List.of("day_rollup", "day_rollup_days")) {
            steps.run(
                    "day_rollup_partial_replace",
                    "DELETE FROM " + table + " WHERE site_id = " + quote(siteId) + " AND zone = " + quote(zone.getId())
                            + " AND day = " + literal(p.day()));
        }
        String closed = p.closed(zone);
        // Every event of the partial's sessions is before the line, so nothing after the watermark is read.
        String sql = build(
                siteId,
                zone,
                p.day(),
                p.day(),
                dimensions(),
                coverage,
                crossing(c, siteId, zone, p.day(), closed),
                new Part(closed, null, coverage.watermark(), false));
        List<Object[]> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) rows.add(new Object[] {read(rs), rs.getString("dimension")});
        }
        steps.run("day_rollup_partial_insert", "SELECT 1");
        insert(c, siteId, zone, rows);
        steps.run(
                "day_rollup_partial_sessions",
                "INSERT INTO day_rollup_partial_sessions SELECT site_id, " + quote(zone.getId()) + ", "
                        + literal(p.day()) + ", session_key FROM sessions WHERE site_id = " + quote(siteId) + " AND "
                        + closed);
        steps.run(
                "day_rollup_partial_day",
                "INSERT INTO day_rollup_days (site_id, zone, day, day_start, day_end, closed_before) VALUES ("
                        + quote(siteId) + ", " + quote(zone.getId()) + ", " + literal(p.day()) + ", "
                        + literal(start(p.day(), zone)) + ", " + literal(end(p.day(), zone)) + ", "
                        + literal(p.closedBefore()) + ")");
    }

    /**
     * Inserts the rows in statements of up to {@link #ROWS_PER_INSERT} rows: the driver's executeBatch would open a
     * transaction of its own, and this runs inside the roll's.
     */
    private static void insert(Connection c, String siteId, ZoneId zone, List<Object[]> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            String values = String.join(
                    ", ",
                    java.util.Collections.nCopies(part.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            try (PreparedStatement st = c.prepareStatement("INSERT INTO day_rollup VALUES " + values)) {
                int k = 1;
                for (Object[] r : part) {
                    DayRow row = (DayRow) r[0];
                    st.setString(k++, siteId);
                    st.setString(k++, zone.getId());
                    st.setObject(k++, row.day());
                    st.setString(k++, (String) r[1]);
                    st.setString(k++, row.value());
                    st.setLong(k++, row.visitors());
                    st.setLong(k++, row.sessions());
                    st.setLong(k++, row.pageviews());
                    st.setLong(k++, row.bounces());
                    st.setDouble(k++, row.durationSum());
                    st.setDouble(k++, row.leaveMsSum());
                    st.setLong(k++, row.leaveCount());
                    st.setDouble(k++, row.scrollSum());
                    st.setLong(k++, row.scrollCount());
                    st.setLong(k++, row.continuedSessions());
                    st.setDouble(k++, row.continuedDuration());
                    st.setBytes(k++, sketch(row.visitorKeys()));
                }
                st.execute();
            }
        }
    }

    private static final int ROWS_PER_INSERT = 200;

    static byte[] sketch(long[] keys) {
        return DayRows.sketch(keys);
    }

    private static Set<LocalDate> builtDays(Connection c, String siteId, ZoneId zone, LocalDate from, LocalDate to)
            throws SQLException {
        Set<LocalDate> out = new HashSet<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT day FROM day_rollup_days WHERE site_id = ? AND zone = ? AND closed_before IS NULL"
                        + " AND day BETWEEN ? AND ?")) {
            st.setString(1, siteId);
            st.setString(2, zone.getId());
            st.setObject(3, from);
            st.setObject(4, to);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) out.add(rs.getObject(1, LocalDate.class));
            }
        }
        return out;
    }

    /** Days within a day of a dirty hour: their stored rows may be stale until the hourly roll drops them. */
    private static Set<LocalDate> staleDays(RollupCoverage coverage, ZoneId zone) {
        Set<LocalDate> out = new HashSet<>();
        for (Instant hour : coverage.dirty()) {
            LocalDate d = hour.minus(SESSION_MARGIN).atZone(zone).toLocalDate().minusDays(1);
            LocalDate to = hour.plus(SESSION_MARGIN).atZone(zone).toLocalDate().plusDays(1);
            for (; !d.isAfter(to); d = d.plusDays(1)) out.add(d);
        }
        return out;
    }

    static Instant start(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant();
    }

    static Instant end(LocalDate day, ZoneId zone) {
        return day.plusDays(1).atStartOfDay(zone).toInstant();
    }

    // ---------------------------------------------------------------- reading

    /**
     * The rows of one dimension over {@code [start, end]}: stored rows for rolled-up clean days, rows computed live
     * (the same query over the hourly rollup and raw events) for the rest; empty when the rest spans more than {@link
     * #MAX_LIVE_SPAN_DAYS} days or nothing of the range is rolled up (the exact plans answer then).
     */
    static Optional<DayRows> read(
            Connection c, String siteId, ZoneId zone, String dimension, LocalDate start, LocalDate end)
            throws SQLException {
        RollupCoverage coverage = HourlyRollup.coverage(c, siteId);
        Set<LocalDate> clean = builtDays(c, siteId, zone, start, end);
        clean.removeAll(staleDays(coverage, zone));
        // Sessions with events after the watermark are still running: their whole-life numbers have changed since
        // the days they were counted on were rolled, so those days (and the next) are read live (from their partials,
        // when valid) until the hourly roll drops and the day roll rebuilds them.
        Optional<Instant> running = running(c, siteId, coverage);
        running.ifPresent(since -> clean.removeIf(d -> end(d, zone).isAfter(since)));
        if (clean.isEmpty()) return Optional.empty();
        TreeSet<LocalDate> live = new TreeSet<>();
        for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
            if (!clean.contains(d)) live.add(d);
        }
        // The days with a valid partial (today, and yesterday after midnight while sessions that crossed it run): their
        // closed sessions' stored rows, and only their other sessions computed live. A day is read whole live when
        // its partial is not valid, or when whole live days lie on both sides of it (one live query for those would
        // fold the day again).
        List<Partial> partials = new ArrayList<>();
        for (Partial p : partialDays(coverage, zone, running)) {
            if (live.contains(p.day()) && partialValid(c, siteId, zone, p)) partials.add(p);
        }
        TreeSet<LocalDate> whole = new TreeSet<>(live);
        whole.removeAll(days(partials));
        if (!whole.isEmpty()) {
            LocalDate first = whole.first();
            LocalDate last = whole.last();
            if (partials.removeIf(p -> p.day().isAfter(first) && p.day().isBefore(last))) {
                whole = new TreeSet<>(live);
                whole.removeAll(days(partials));
            }
        }
        if (!whole.isEmpty() && whole.first().plusDays(MAX_LIVE_SPAN_DAYS).isBefore(whole.last())) {
            return Optional.empty();
        }
        Set<LocalDate> partialDays = days(partials);
        List<DayRow> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT day, value, visitors, sessions, pageviews, bounces,"
                + " duration_sum, leave_ms_sum, leave_count, scroll_sum, scroll_count, continued_sessions,"
                + " continued_duration, visitor_sketch FROM day_rollup WHERE site_id = ? AND zone = ?"
                + " AND dimension = ? AND day BETWEEN ? AND ?")) {
            st.setString(1, siteId);
            st.setString(2, zone.getId());
            st.setString(3, dimension);
            st.setObject(4, start);
            st.setObject(5, end);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    DayRow row = read(rs);
                    if (clean.contains(row.day()) || partialDays.contains(row.day())) rows.add(row);
                }
            }
        }
        if (!whole.isEmpty()) {
            String sql = build(
                    siteId,
                    zone,
                    whole.first(),
                    whole.last(),
                    List.of(dimension),
                    coverage,
                    crossing(c, siteId, zone, whole.first()));
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    DayRow row = read(rs);
                    if (whole.contains(row.day())) rows.add(row);
                }
            }
        }
        for (Partial p : partials) rows.addAll(livePart(c, siteId, zone, dimension, coverage, p));
        return Optional.of(new DayRows(rows, live));
    }

    /**
     * The rows of a partial day's live part: the sessions with an event at or after the partial's line, from the hour
     * the earliest of them started (their rows of the day before only for the previous-day links), filtered by
     * session key before grouping, so the cost follows the sessions still running, not the day's traffic.
     */
    private static List<DayRow> livePart(
            Connection c, String siteId, ZoneId zone, String dimension, RollupCoverage coverage, Partial p)
            throws SQLException {
        String live = p.live();
        Instant firstStart;
        try (PreparedStatement st = c.prepareStatement(
                "SELECT min(started_at) FROM sessions WHERE site_id = ? AND started_at < ? AND " + live)) {
            st.setString(1, siteId);
            st.setObject(2, OffsetDateTime.ofInstant(end(p.day(), zone), java.time.ZoneOffset.UTC));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                if (t == null) return List.of();
                firstStart = t.toInstant();
            }
        }
        String sql = build(
                siteId,
                zone,
                p.day(),
                p.day(),
                List.of(dimension),
                coverage,
                crossing(c, siteId, zone, p.day(), live),
                new Part(live, firstStart, null, true));
        List<DayRow> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) rows.add(read(rs));
        }
        return rows;
    }

    private static DayRow read(ResultSet rs) throws SQLException {
        long[] keys = null;
        byte[] sketch = null;
        if (hasColumn(rs, "visitor_keys")) {
            Array array = rs.getArray("visitor_keys");
            Object[] values = array == null ? new Object[0] : (Object[]) array.getArray();
            keys = new long[values.length];
            for (int i = 0; i < values.length; i++) keys[i] = ((Number) values[i]).longValue();
        } else {
            java.sql.Blob blob = rs.getBlob("visitor_sketch");
            sketch = blob.getBytes(1, (int) blob.length());
        }
        return row(rs, rs.getObject("day", LocalDate.class), sketch, keys);
    }

    /**
     * The day row of the current result row, whose figures carry the rollup's column names (both stores' day queries
     * and tables): visitors are the keys' count when the keys are given, else the stored count.
     */
    static DayRow row(ResultSet rs, LocalDate day, byte[] sketch, long[] keys) throws SQLException {
        return new DayRow(
                day,
                rs.getString("value"),
                keys != null ? keys.length : rs.getLong("visitors"),
                rs.getLong("sessions"),
                rs.getLong("pageviews"),
                rs.getLong("bounces"),
                rs.getDouble("duration_sum"),
                rs.getDouble("leave_ms_sum"),
                rs.getLong("leave_count"),
                rs.getDouble("scroll_sum"),
                rs.getLong("scroll_count"),
                rs.getLong("continued_sessions"),
                rs.getDouble("continued_duration"),
                sketch,
                keys);
    }

    private static boolean hasColumn(ResultSet rs, String name) throws SQLException {
        var meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnName(i).equalsIgnoreCase(name)) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- the day query

    /**
     * The day rows of {@code [first, last]} for the given dimensions, with each row's distinct visitor keys. Reads, of the
     * day before {@code first}, the rows of the sessions alive at {@code first}'s start for the previous-day links
     * ({@code crossing}: the earliest start of those sessions, from {@link #crossing}; empty when there are none).
     */
    static String build(
            String siteId,
            ZoneId zone,
            LocalDate first,
            LocalDate last,
            List<String> dims,
            RollupCoverage coverage,
            Optional<Instant> crossing) {
        return build(siteId, zone, first, last, dims, coverage, crossing, Part.WHOLE);
    }

    /**
     * Which sessions a day query folds: {@code sessions}, a condition on the {@code sessions} table ({@code true} for
     * all); the rows read from {@code rowsFrom} (truncated to its hour) and before {@code rowsUntil} when those lie
     * inside the days (null: the days' bounds), which is correct when the sessions have no rows outside them; with
     * {@code semiJoin} the rows are filtered by session key before they are grouped (worth it for a small set).
     */
    record Part(String sessions, Instant rowsFrom, Instant rowsUntil, boolean semiJoin) {
        static final Part WHOLE = new Part("true", null, null, false);
    }

    /** {@link #build} restricted to the sessions of {@code part} (a partial day, or its live rest). */
    static String build(
            String siteId,
            ZoneId zone,
            LocalDate first,
            LocalDate last,
            List<String> dims,
            RollupCoverage coverage,
            Optional<Instant> crossing,
            Part part) {
        Instant from = start(first, zone);
        Instant until = end(last, zone);
        String site = quote(siteId);
        String z = quote(zone.getId());
        boolean pathname = dims.contains(PATHNAME);
        List<String> sessionDims = dims.stream()
                .filter(d -> !d.equals(PATHNAME) && !d.equals(TOTAL))
                .toList();
        // The day before the range is read only for the previous-day links, and only a session alive at the range's
        // start (started before it, its latest event at or after it) can have one: its rows of that day are all the
        // links need, read from the hour the earliest such session started. Every other session of the previous day
        // would be grouped and dropped (at 10M events that day was most of a live day's cost).
        Instant rowsFrom = from;
        if (part.rowsFrom() != null) {
            Instant hour = part.rowsFrom().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            if (hour.isAfter(from)) rowsFrom = hour;
        }
        Instant rowsUntil = part.rowsUntil() != null && part.rowsUntil().isBefore(until) ? part.rowsUntil() : until;
        String partSessions = "SELECT session_key FROM sessions WHERE site_id = " + site + " AND " + part.sessions();
        StringBuilder r = new StringBuilder(rows(site, zone, rowsFrom, rowsUntil, coverage));
        if (part.semiJoin()) {
            r.insert(0, "SELECT * FROM (")
                    .append(") WHERE session_key IN (")
                    .append(partSessions)
                    .append(")");
        }
        if (crossing.isPresent()) {
            Instant previousStart = start(first.minusDays(1), zone);
            Instant since = crossing.get().isAfter(previousStart)
                    ? crossing.get().truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    : previousStart;
            r.append("\n UNION ALL SELECT * FROM (")
                    .append(rows(site, zone, since, from, coverage))
                    .append(") WHERE session_key IN (")
                    .append(crossingSessions(site, from, part.sessions()))
                    .append(")");
        }
        StringBuilder sql = new StringBuilder("WITH r AS (")
                .append(r)
                .append("),\n sp AS (SELECT CAST(timezone(")
                .append(z)
                .append(", ts) AS DATE) AS day, session_key, pathname, any_value(visitor_key) AS visitor_key,"
                        + " sum(counted) AS counted, sum(pageviews) AS pageviews, sum(leave_ms) AS leave_ms,"
                        + " sum(leave_n) AS leave_n, sum(scroll) AS scroll, sum(scroll_n) AS scroll_n"
                        + " FROM r GROUP BY ALL),\n")
                .append(" sd AS (SELECT day, session_key, any_value(visitor_key) AS visitor_key,"
                        + " sum(counted) AS counted, sum(pageviews) AS pageviews, sum(leave_ms) AS leave_ms,"
                        + " sum(leave_n) AS leave_n, sum(scroll) AS scroll, sum(scroll_n) AS scroll_n"
                        + " FROM sp GROUP BY day, session_key),\n")
                .append(" s AS (SELECT session_key, pageviews AS s_pageviews, goals AS s_goals,"
                        + " (epoch_ms(ended_at) - epoch_ms(started_at)) / 1000.0 AS duration");
        for (String d : sessionDims) sql.append(", ").append(d);
        sql.append(" FROM sessions WHERE site_id = ")
                .append(site)
                .append(" AND started_at < ")
                .append(literal(until))
                .append(" AND ended_at >= ")
                .append(literal(from))
                .append(and(part.sessions()))
                .append("),\n");
        sql.append(" j AS (SELECT x.*, s.* EXCLUDE (session_key), ")
                .append(continued("session_key"))
                .append(" FROM sd x JOIN s USING (session_key))");
        if (pathname) {
            sql.append(",\n jp AS (SELECT x.*, s.s_pageviews, s.s_goals, s.duration, ")
                    .append(continued("session_key, pathname"))
                    .append(" FROM sp x JOIN s USING (session_key))");
        }
        String numbers = ", visitor_key, counted, pageviews, leave_ms, leave_n, scroll, scroll_n, s_pageviews,"
                + " s_goals, duration, continued";
        List<String> parts = new ArrayList<>();
        for (String d : dims) {
            if (d.equals(TOTAL)) {
                parts.add("SELECT day, 'total' AS dimension, NULL::VARCHAR AS value" + numbers + " FROM j");
            } else if (d.equals(PATHNAME)) {
                parts.add("SELECT day, 'pathname' AS dimension, pathname AS value" + numbers + " FROM jp");
            } else {
                parts.add("SELECT day, " + quote(d) + " AS dimension, CAST(" + d + " AS VARCHAR) AS value" + numbers
                        + " FROM j");
            }
        }
        sql.append(",\n per_value AS (")
                .append(String.join("\n UNION ALL ", parts))
                .append(")\n")
                .append("SELECT day, dimension, value,"
                        + " count(*) FILTER (WHERE counted > 0) AS sessions,"
                        + " coalesce(sum(pageviews), 0) AS pageviews,"
                        + " count(*) FILTER (WHERE counted > 0 AND s_pageviews = 1 AND s_goals = 0) AS bounces,"
                        + " coalesce(sum(duration) FILTER (WHERE counted > 0), 0) AS duration_sum,"
                        + " coalesce(sum(leave_ms), 0) AS leave_ms_sum, coalesce(sum(leave_n), 0) AS leave_count,"
                        + " coalesce(sum(scroll), 0) AS scroll_sum, coalesce(sum(scroll_n), 0) AS scroll_count,"
                        + " count(*) FILTER (WHERE continued) AS continued_sessions,"
                        + " coalesce(sum(duration) FILTER (WHERE continued), 0) AS continued_duration,"
                        + " list(DISTINCT visitor_key) FILTER (WHERE counted > 0) AS visitor_keys"
                        + " FROM per_value WHERE day BETWEEN ")
                .append(literal(first))
                .append(" AND ")
                .append(literal(last))
                .append(" GROUP BY ALL");
        return sql.toString();
    }

    /** The sessions of the site alive at {@code at}: started before it, their latest event at or after it. */
    private static String crossingSessions(String site, Instant at, String sessions) {
        return "SELECT session_key FROM sessions WHERE site_id = " + site + " AND started_at < " + literal(at)
                + " AND ended_at >= " + literal(at) + and(sessions);
    }

    /** " AND condition", or nothing for the condition of every session (so the whole-day SQL stays as it was). */
    private static String and(String condition) {
        return condition.equals(Part.WHOLE.sessions()) ? "" : " AND " + condition;
    }

    /**
     * The earliest start of the site's sessions alive at the start of {@code first} (see {@link #crossingSessions}),
     * or empty when none is: the day query then reads nothing of the previous day.
     */
    static Optional<Instant> crossing(Connection c, String siteId, ZoneId zone, LocalDate first) throws SQLException {
        return crossing(c, siteId, zone, first, Part.WHOLE.sessions());
    }

    /** {@link #crossing} among the sessions matching {@code sessions} (a condition on {@code sessions}). */
    static Optional<Instant> crossing(Connection c, String siteId, ZoneId zone, LocalDate first, String sessions)
            throws SQLException {
        String sql = crossingSessions(quote(siteId), start(first, zone), sessions)
                .replace("SELECT session_key", "SELECT min(started_at)");
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
            return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
        }
    }

    /**
     * True for a counted row whose session was also counted, under the same partition, on the previous local day.
     */
    private static String continued(String partition) {
        return "coalesce(x.counted > 0 AND max(CASE WHEN x.counted > 0 THEN x.day END) OVER (PARTITION BY "
                + partition.replace("session_key", "x.session_key").replace("pathname", "x.pathname")
                + " ORDER BY x.day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) = x.day - 1, false)"
                + " AS continued";
    }

    /**
     * The rows the day query folds, one column set for both sources: hourly rollup rows for the clean closed hours
     * (in zones whose offsets are whole hours, where an hour lies in one local day), raw events (one row each) for the
     * hours after the watermark, the dirty ones and every hour in other zones.
     */
    private static String rows(String site, ZoneId zone, Instant from, Instant until, RollupCoverage coverage) {
        String raw = "SELECT ts, session_key, visitor_key, pathname,"
                + " CASE WHEN event_type IN ('pageview', 'goal') THEN 1 ELSE 0 END AS counted,"
                + " CASE WHEN event_type = 'pageview' THEN 1 ELSE 0 END AS pageviews,"
                + " CASE WHEN event_type = '_leave' THEN duration_ms END AS leave_ms,"
                + " CASE WHEN event_type = '_leave' AND duration_ms IS NOT NULL THEN 1 ELSE 0 END AS leave_n,"
                + " CASE WHEN event_type = '_leave' THEN scroll_depth END AS scroll,"
                + " CASE WHEN event_type = '_leave' AND scroll_depth IS NOT NULL THEN 1 ELSE 0 END AS scroll_n"
                + " FROM events WHERE site_id = " + site + " AND ";
        if (!RollupCoverage.wholeHourOffsets(zone, from, until)
                || !coverage.watermark().isAfter(from)) {
            return raw + "ts >= " + literal(from) + " AND ts < " + literal(until);
        }
        Instant rolledUntil = coverage.watermark().isBefore(until) ? coverage.watermark() : until;
        List<Instant> dirty = coverage.dirty().stream()
                .filter(h -> !h.isBefore(from) && h.isBefore(rolledUntil))
                .toList();
        StringBuilder out = new StringBuilder("SELECT hour AS ts, session_key, visitor_key, pathname, counted,"
                        + " pageviews, leave_ms, leave_n, scroll, scroll_n FROM hourly_rollup WHERE site_id = ")
                .append(site)
                .append(" AND hour >= ")
                .append(literal(from))
                .append(" AND hour < ")
                .append(literal(rolledUntil));
        if (!dirty.isEmpty()) {
            out.append(" AND hour NOT IN (")
                    .append(dirty.stream().map(DayRollup::literal).collect(Collectors.joining(", ")))
                    .append(")");
        }
        List<String> rawRanges = new ArrayList<>();
        for (Instant h : dirty) {
            rawRanges.add("(ts >= " + literal(h) + " AND ts < " + literal(h.plus(Duration.ofHours(1))) + ")");
        }
        if (rolledUntil.isBefore(until)) {
            rawRanges.add("(ts >= " + literal(rolledUntil) + " AND ts < " + literal(until) + ")");
        }
        if (!rawRanges.isEmpty()) {
            out.append(" UNION ALL ")
                    .append(raw)
                    .append("(")
                    .append(String.join(" OR ", rawRanges))
                    .append(")");
        }
        return out.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String literal(Instant t) {
        return "'" + t + "'::TIMESTAMPTZ";
    }

    private static String literal(LocalDate d) {
        return "DATE '" + d + "'";
    }
}
