package com.datasaas.events;

import com.datasaas.sql.ClickHouseDialect;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The day rollup of the ClickHouse store: the embedded store's rows ({@link DayRollup}: per site, site-local day,
 * dimension and value, the additive numbers and the visitors as an exact count and a DataSketches HLL sketch), with the
 * same definitions, computed by one ClickHouse query per run of days and sketched in Java by {@link DayRows#sketch}, so
 * both stores answer with the same numbers. Live days (today, days a change reached since they were rolled) are
 * computed at read time by the same query, with each row's visitor keys, as on DuckDB.
 *
 * <p><b>Versions, not updates.</b> ClickHouse 18.16 has no row-level DELETE (mutations are asynchronous), so a day is
 * never changed in place: a roll writes all rows of a day under a new {@code version}, then a {@code day_rollup_days}
 * row naming that version; readers take the latest version per day ({@code argMax}) and only that version's rows.
 * Half-written rolls (rows without a days row) are never read; older versions are deleted afterwards by a mutation
 * nobody waits for.
 *
 * <p><b>Which stored days are clean.</b> There is no hourly rollup or watermark on ClickHouse; instead {@code
 * day_changes} records, for every INSERT into events (a materialized view) and every deletion, the site, the UTC day
 * and time range of the events written or deleted, and the server's time of the change. A stored day is clean while no
 * change made since its build began (less {@link #SETTLE}: the longest an INSERT may take between the server stamping
 * its time and its rows becoming visible) reaches it. A change at times {@code [first, last]} reaches the days its
 * sessions lie in and the day after (the continued links): from the start of the earliest session still running at
 * {@code first} (at most {@code SESSION_MARGIN} earlier; looked up only when it matters) to {@code last} plus a day. So
 * a late event into a rolled day, a retried batch, a session still running across midnight, a deleted visitor or a
 * deleted site all make the days they touch live until the next roll rebuilds them; the stats never read a stale row.
 *
 * <p>The roll builds a site's days that ended at least {@link #SETTLE} ago and have no change younger than that, in runs
 * of up to a week per query; it waits while a deletion's mutation runs. {@code ClickHouseDayRollupSchedule} runs it once
 * across the nodes (ShedLock).
 */
final class ClickHouseDayRollup {
    /**
     * How long after its {@code now()} an INSERT's rows may become visible (a large batch is written block by block):
     * changes stamped this long before a roll began still count as made after it. Also how long a day must have been
     * quiet before it is rolled.
     */
    static final Duration SETTLE = Duration.ofMinutes(2);

    /** The engine's assumption, as {@link DayRollup}'s: no session lasts a day. */
    private static final Duration SESSION_MARGIN = Duration.ofDays(1);

    /** Days per roll query: bounded memory, one events scan per week. */
    private static final int RUN_DAYS = 7;

    /**
     * Sessions end after this long without an event (the ingest's visit timeout): a session whose latest event is older
     * than a partial day's cut less this is closed, its day rows final unless a change reaches them.
     */
    static final Duration VISIT_TIMEOUT = Duration.ofMinutes(30);

    /**
     * How old a fresh partial day may get before the schedule builds it again: a read computes live rows for the
     * sessions active since the partial's {@code closed_before}, which grow with its age; a build costs about one live
     * read of the whole day.
     */
    static final Duration PARTIAL_EVERY = Duration.ofMinutes(10);

    /**
     * Longer than any roll or partial build takes from reading the server's time to writing its days row (the
     * schedule's lock of a site is held at most as long): the trim of {@code day_changes} keeps this much more, so a
     * build running beside it (on another node, or one that lost its lock) still finds the changes made since it began.
     */
    static final Duration LONGEST_BUILD = Duration.ofMinutes(30);

    /**
     * Heap kept for stored rows already read ({@link #storedDays}): at 10M events the 30 days of the dashboard's
     * widgets are about 20 MB, pathname's 9 MB of them; beyond it the least recently read days are read again.
     */
    static final long STORED_DAYS_BYTES = 32L * 1024 * 1024;

    /**
     * The largest month of {@code day_rollup} (all sites, compressed) a roll merges into one part ({@link
     * #mergeMonths}): a merge rewrites the month, about 40 MB a second here; larger months are left to ClickHouse's own
     * merges. At 10M events a month is 39 MB.
     */
    static final long MERGE_MONTH_AT_MOST_BYTES = 256L * 1024 * 1024;

    private final ClickHouseEventStore store;
    private final ClickHouseSessions sessions = new ClickHouseSessions();
    /**
     * The stored rows of one dimension of one build of a day (a roll's or a partial's), as read. A build's rows never
     * change: a roll or a partial build writes all of them under a new version before the row that names it, and later
     * builds, deletions and zone changes only ever add versions or delete rows of versions no read takes any more (a
     * read takes each day's latest version). So a version's rows read once are its rows for good, and a read asks the
     * server only for the days it has not read yet; the numbers are those of the server's rows, byte for byte (at 10M
     * events pathname's stored rows cost 50 ms of server CPU and 9 MB per read, docs/benchmarks-stats.md).
     */
    private final Cache<StoredDay, List<DayRow>> storedDays = Caffeine.newBuilder()
            .maximumWeight(STORED_DAYS_BYTES)
            .weigher((StoredDay k, List<DayRow> rows) -> weight(rows))
            .build();

    private final AtomicLong lastVersion = new AtomicLong();
    private final AtomicLong storedReads = new AtomicLong();
    /**
     * Runs a read's live query while the reading thread fetches and decodes the stored rows: the two are independent,
     * and the live one is most of a widget's server time (docs/benchmarks-stats.md, round 3).
     */
    private final ExecutorService liveReads = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "clickhouse-live-read");
        t.setDaemon(true);
        return t;
    });

    private volatile Duration settle = SETTLE;
    private volatile long mergeMonthAtMost = MERGE_MONTH_AT_MOST_BYTES;
    private volatile Duration longestBuild = LONGEST_BUILD;
    /** {@code null}: the server's time. */
    private volatile java.time.Clock clock;

    ClickHouseDayRollup(ClickHouseEventStore store) {
        this.store = store;
    }

    /** Test seam: the reads of stored rows sent to the server so far. */
    long storedReads() {
        return storedReads.get();
    }

    /** Test seam: a shorter settling time, so a test need not wait minutes between writing and rolling. */
    void settle(Duration settle) {
        this.settle = settle;
    }

    /** Test seam: a shorter {@link #LONGEST_BUILD}, so a test sees changes trimmed without waiting half an hour. */
    void longestBuild(Duration longest) {
        this.longestBuild = longest;
    }

    /** Test seam: the largest month {@link #mergeMonths} merges (0: none, as before rolls merged). */
    void mergeMonthAtMost(long bytes) {
        this.mergeMonthAtMost = bytes;
    }

    /** Test seam: the time that decides which days have ended and where partial days are cut. */
    void clock(java.time.Clock clock) {
        this.clock = clock;
    }

    private record Built(long version, Instant builtAt) {}

    /**
     * The latest partial of a day: its rows are those of the day's sessions whose latest event was before {@code
     * closedBefore} ({@code cut} less the visit timeout) when the build began ({@code builtAt}, server time). {@code
     * liveFrom}, once {@link #fresh} found it fresh: where the events of its live sessions begin ({@link #liveStart});
     * null when it has no live session (and before the check).
     */
    record Partial(LocalDate day, long version, Instant builtAt, Instant cut, Instant liveFrom) {
        Instant closedBefore() {
            return cut.minus(VISIT_TIMEOUT);
        }

        Partial liveFrom(Instant t) {
            return new Partial(day, version, builtAt, cut, t);
        }
    }

    /** One group of {@code day_changes}: events of one UTC day, written or deleted by {@code changedAt}. */
    private record Change(Instant first, Instant last, Instant changedAt) {}

    // ---------------------------------------------------------------- reading

    /**
     * The rows of one dimension over {@code [start, end]}, as {@link DayRollup#read}: stored rows for clean days, live
     * rows for the others; empty when nothing of the range is clean or the live days span more than {@link
     * DayRollup#MAX_LIVE_SPAN_DAYS}.
     */
    Optional<DayRows> read(String siteId, ZoneId zone, String dimension, LocalDate start, LocalDate end) {
        Map<LocalDate, Built> built = new HashMap<>();
        Map<LocalDate, Partial> partials = new TreeMap<>();
        builtAndPartials(siteId, zone, start, end, built, partials);
        if (built.isEmpty()) return Optional.empty();
        // The partials of days never rolled are live whatever the changes say: their freshness check runs while the
        // changes are looked up, a round trip less before the reads.
        Map<LocalDate, Partial> unbuilt = new TreeMap<>(partials);
        unbuilt.keySet().removeAll(built.keySet());
        CompletableFuture<Map<LocalDate, Partial>> freshUnbuilt = unbuilt.isEmpty()
                ? CompletableFuture.completedFuture(Map.of())
                : CompletableFuture.supplyAsync(() -> fresh(siteId, zone, unbuilt), liveReads);
        Map<LocalDate, Instant> since = new HashMap<>();
        built.forEach((day, b) -> since.put(day, b.builtAt().minus(settle)));
        Set<LocalDate> clean = new HashSet<>(built.keySet());
        clean.removeAll(touched(siteId, zone, since));
        if (clean.isEmpty()) return Optional.empty();
        TreeSet<LocalDate> live = new TreeSet<>();
        for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
            if (!clean.contains(d)) live.add(d);
        }
        if (!live.isEmpty()
                && live.first().plusDays(DayRollup.MAX_LIVE_SPAN_DAYS).isBefore(live.last())) {
            return Optional.empty();
        }
        // Live days with a fresh partial: its rows (closed sessions) plus live rows of the other sessions only.
        partials.keySet().retainAll(live); // a rolled day's partial waits for its deletion: never read
        partials.keySet().removeAll(unbuilt.keySet());
        Map<LocalDate, Partial> partial = new TreeMap<>(join(freshUnbuilt));
        partial.putAll(fresh(siteId, zone, partials)); // rolled days a change made live (rare)
        List<LocalDate> whole =
                live.stream().filter(d -> !partial.containsKey(d)).toList();
        boolean anyLive = !whole.isEmpty() || partial.values().stream().anyMatch(p -> p.liveFrom() != null);
        CompletableFuture<List<DayRow>> liveRows = anyLive
                ? CompletableFuture.supplyAsync(() -> liveRows(siteId, zone, dimension, whole, partial), liveReads)
                : CompletableFuture.completedFuture(List.of());
        List<DayRow> rows = new ArrayList<>();
        Map<StoredDay, List<DayRow>> wanted = new HashMap<>();
        for (LocalDate d : clean) {
            wanted.put(new StoredDay(siteId, zone, dimension, d, built.get(d).version(), false), null);
        }
        for (Partial p : partial.values()) {
            wanted.put(new StoredDay(siteId, zone, dimension, p.day(), p.version(), true), null);
        }
        wanted.replaceAll((k, v) -> storedDays.getIfPresent(k));
        List<StoredDay> unread = wanted.entrySet().stream()
                .filter(e -> e.getValue() == null)
                .map(Map.Entry::getKey)
                .toList();
        if (!unread.isEmpty()) {
            Map<StoredDay, List<DayRow>> read = new HashMap<>();
            unread.forEach(k -> read.put(k, new ArrayList<>()));
            String stored = storedRows(
                    siteId,
                    zone,
                    dimension,
                    unread.stream()
                            .map(StoredDay::day)
                            .min(LocalDate::compareTo)
                            .orElseThrow(),
                    unread.stream()
                            .map(StoredDay::day)
                            .max(LocalDate::compareTo)
                            .orElseThrow(),
                    unread.stream()
                            .filter(k -> !k.partial())
                            .map(StoredDay::version)
                            .toList(),
                    unread.stream()
                            .filter(StoredDay::partial)
                            .map(StoredDay::version)
                            .toList());
            storedReads.incrementAndGet();
            ClickHouseRowBinary.Answer answer = new ClickHouseRowBinary.Answer(store.queryRowBinary(stored));
            while (answer.hasMore()) {
                StoredRow s = readStored(answer);
                // Rows of other days of the same build (a roll writes a run of days under one version) are left out.
                List<DayRow> of =
                        read.get(new StoredDay(siteId, zone, dimension, s.row().day(), s.version(), s.partial()));
                if (of != null) of.add(s.row());
            }
            read.forEach((k, v) -> {
                List<DayRow> kept = List.copyOf(v);
                storedDays.put(k, kept);
                wanted.put(k, kept);
            });
        }
        // A fixed order, by day, rolled days before partials (the server's was that of its parts and threads): the
        // answer's groups take their rows, and their sketches' unions, in this order.
        wanted.entrySet().stream()
                .sorted(java.util.Comparator.comparing((Map.Entry<StoredDay, List<DayRow>> e) ->
                                e.getKey().partial())
                        .thenComparing(e -> e.getKey().day()))
                .forEach(e -> rows.addAll(e.getValue()));
        rows.addAll(join(liveRows));
        return Optional.of(new DayRows(rows, live));
    }

    /** A read's own query run beside it: its result, or its failure as thrown by the store. */
    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
    }

    /** The live rows of a read: days read whole live, then the live sessions of each fresh partial. */
    private List<DayRow> liveRows(
            String siteId, ZoneId zone, String dimension, List<LocalDate> whole, Map<LocalDate, Partial> partial) {
        List<DayRow> rows = new ArrayList<>();
        if (!whole.isEmpty()) {
            for (Object[] r :
                    compute(siteId, zone, whole.get(0), whole.get(whole.size() - 1), List.of(dimension), null)) {
                DayRow row = (DayRow) r[0];
                if (whole.contains(row.day())) rows.add(row);
            }
        }
        for (Partial p : partial.values()) {
            if (p.liveFrom() == null) continue; // no live session
            rows.addAll(liveSessionRows(siteId, zone, dimension, p));
        }
        return rows;
    }

    /**
     * A fresh partial's live rows: the day query over its live sessions ({@link #build} with {@link #liveSessions} from
     * {@link Partial#liveFrom}), read as its two flat steps and folded by {@link LiveSessionDays}. The session totals
     * are read beside the events' day rows.
     */
    List<DayRow> liveSessionRows(String siteId, ZoneId zone, String dimension, Partial p) {
        boolean pathname = dimension.equals(DayRollup.PATHNAME);
        List<SessionAttribute> attributes = attributes(List.of(dimension));
        Window w = Window.of(zone, p.day(), p.day(), p.liveFrom());
        String keys = liveSessions(siteId, p);
        CompletableFuture<Map<Long, LiveSessionDays.SessionTotals>> totals = CompletableFuture.supplyAsync(
                () -> {
                    Map<Long, LiveSessionDays.SessionTotals> out = new HashMap<>();
                    store.query(
                            sessionTotals(siteId, w.sessionsFrom(), w.until(), attributes, keys),
                            List.of(),
                            (rs, n) -> out.put(
                                    rs.getLong("session_key"),
                                    new LiveSessionDays.SessionTotals(
                                            rs.getLong("s_pageviews"),
                                            rs.getLong("s_goals"),
                                            rs.getLong("s_duration_ms"),
                                            attributes.isEmpty()
                                                    ? ""
                                                    : rs.getString("s_"
                                                            + attributes.get(0).column()))));
                    return out;
                },
                liveReads);
        List<LiveSessionDays.SessionDay> days = store.query(
                sessionDays(siteId, zone, w.eventsFrom(), w.until(), pathname, keys),
                List.of(),
                (rs, n) -> new LiveSessionDays.SessionDay(
                        // A Date comes as the LocalDateTime of its midnight (ClickHouseRows).
                        ((java.time.LocalDateTime) rs.getObject("x_day")).toLocalDate(),
                        rs.getLong("session_key"),
                        pathname ? rs.getString("x_path") : null,
                        rs.getLong("x_vk"),
                        rs.getLong("x_c"),
                        rs.getLong("x_pv"),
                        rs.getLong("x_lms"),
                        rs.getLong("x_ln"),
                        rs.getLong("x_sc"),
                        rs.getLong("x_sn")));
        return LiveSessionDays.fold(days, join(totals), pathname, p.day(), p.day());
    }

    /**
     * The sessions a partial's read computes live: those with an event at or after its {@code closed_before} (the
     * partial holds the day's others). Sessions of other days among them add no rows of the partial's day.
     */
    static String liveSessions(String siteId, Instant closedBefore) {
        return "SELECT session_key FROM events WHERE site_id = " + literal(siteId) + " AND ts >= "
                + literal(closedBefore);
    }

    private static String liveSessions(String siteId, Partial p) {
        return liveSessions(siteId, p.closedBefore());
    }

    /**
     * The stored rows {@link #read} takes: the rolled days' rows of the builds {@code versions} and the partials' rows of
     * {@code partialVersions}, for RowBinary, every column cast to the type {@link #readStored} reads. As bytes the
     * sketches travel at their size; as text they would be hex (18.16 has no base64), twice the size, parsed as JSON and
     * then as hex (at 10M events 10-17 MB per pathname read). All conditions are PREWHERE (see there).
     */
    static String storedRows(
            String siteId,
            ZoneId zone,
            String dimension,
            LocalDate start,
            LocalDate end,
            Collection<Long> versions,
            Collection<Long> partialVersions) {
        String stored = "SELECT day, toUInt64(version), value, toUInt64(visitors), toUInt64(sessions),"
                + " toUInt64(pageviews), toUInt64(bounces), toFloat64(duration_sum), toFloat64(leave_ms_sum),"
                + " toUInt64(leave_count), toFloat64(scroll_sum), toUInt64(scroll_count),"
                + " toUInt64(continued_sessions), toFloat64(continued_duration), visitor_sketch, toUInt8(%s) FROM %s"
                // PREWHERE: the sketches are read only for the rows asked. With WHERE a read took the sketches of
                // every granule the key range touches (every part holds all dimensions): at 10M events 44 MB for the
                // 90 rows of device type, 1.6 MB with PREWHERE.
                + " PREWHERE site_id = " + literal(siteId) + " AND zone = " + literal(zone.getId())
                + " AND dimension = " + literal(dimension) + " AND day >= " + date(start) + " AND day <= "
                + date(end) + " AND version IN (%s)";
        List<String> reads = new ArrayList<>();
        if (!versions.isEmpty()) { // none when every rolled day of the read was read before (storedDays)
            reads.add(String.format(
                    stored,
                    "0",
                    "day_rollup",
                    versions.stream().distinct().map(String::valueOf).collect(Collectors.joining(", "))));
        }
        if (!partialVersions.isEmpty()) {
            reads.add(String.format(
                    stored,
                    "1",
                    "day_partial_rows",
                    partialVersions.stream().map(String::valueOf).collect(Collectors.joining(", "))));
        }
        return String.join(" UNION ALL ", reads);
    }

    /** The stored rows of one dimension of one build of a day: the key of {@link #storedDays}. */
    private record StoredDay(
            String siteId, ZoneId zone, String dimension, LocalDate day, long version, boolean partial) {}

    /** About the heap a day's rows take: the sketches, the values and the rows themselves. */
    private static int weight(List<DayRow> rows) {
        long bytes = 64;
        for (DayRow r : rows) {
            bytes += 160
                    + (r.sketch() == null ? 0 : r.sketch().length)
                    + (r.value() == null ? 0 : 2L * r.value().length());
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /** A stored day row as {@link #read} selects it, with the build it belongs to and whether it is a partial's. */
    private record StoredRow(DayRow row, long version, boolean partial) {}

    /** One row of {@link #read}'s stored rows, in its column order. */
    private static StoredRow readStored(ClickHouseRowBinary.Answer a) {
        LocalDate day = LocalDate.ofEpochDay(a.uint16());
        long version = a.int64();
        String value = a.nullableString();
        DayRow row = new DayRow(
                day,
                value,
                a.int64(),
                a.int64(),
                a.int64(),
                a.int64(),
                a.float64(),
                a.float64(),
                a.int64(),
                a.float64(),
                a.int64(),
                a.int64(),
                a.float64(),
                a.blob(),
                null);
        return new StoredRow(row, version, a.uint8() == 1);
    }

    /** The latest partial of each day in the range. */
    private Map<LocalDate, Partial> partials(String siteId, ZoneId zone, LocalDate from, LocalDate to) {
        Map<LocalDate, Partial> out = new TreeMap<>();
        store.query(
                "SELECT toString(day) AS day_text, argMax(version, version) AS v,"
                        + " toUnixTimestamp(argMax(built_at, version)) AS b, toUnixTimestamp(argMax(cut, version)) AS c"
                        + " FROM day_partials WHERE site_id = " + literal(siteId) + " AND zone = "
                        + literal(zone.getId()) + " AND day >= " + date(from) + " AND day <= " + date(to)
                        + " GROUP BY day",
                List.of(),
                (rs, n) -> {
                    LocalDate day = LocalDate.parse(rs.getString(1));
                    return out.put(
                            day,
                            new Partial(
                                    day,
                                    rs.getLong(2),
                                    Instant.ofEpochSecond(rs.getLong(3)),
                                    Instant.ofEpochSecond(rs.getLong(4)),
                                    null));
                });
        return out;
    }

    /**
     * The partials still true: no change made since the build began (less {@link #SETTLE}) has events before the cut
     * that reach the day (a late event, a deletion: the closed sessions' rows may have changed, or a session written
     * late with events only before {@code closed_before} would be in neither part), and none of its sessions has an event at or after {@code closed_before} (it
     * resumed: it would be counted in both parts). One query for all of them.
     */
    private Map<LocalDate, Partial> fresh(String siteId, ZoneId zone, Map<LocalDate, Partial> partials) {
        if (partials.isEmpty()) return partials;
        List<Partial> all = new ArrayList<>(partials.values());
        Map<LocalDate, Partial> out = new TreeMap<>();
        store.query(freshness(siteId, zone, all, settle), List.of(), (rs, n) -> {
            for (int i = 0; i < all.size(); i++) {
                Partial p = all.get(i);
                if (rs.getLong(2 * i + 1) != 0) continue;
                long startUs = rs.getLong(2 * i + 2);
                if (startUs == 0) {
                    // No session row of a live session: the day query's inner join with the sessions would find none
                    // either, so it would answer no rows; it is not run.
                    out.put(p.day(), p);
                    continue;
                }
                // Whole seconds, rounded down: ts is the second of ts_us.
                out.put(p.day(), p.liveFrom(Instant.ofEpochSecond(Math.floorDiv(startUs, 1_000_000L))));
            }
            return null;
        });
        return out;
    }

    /**
     * {@link #fresh}'s one query: per partial, whether it is stale ({@link #staleness}) and where its live sessions'
     * events begin ({@link #liveStart}).
     */
    static String freshness(String siteId, ZoneId zone, List<Partial> partials, Duration settle) {
        List<String> checks = new ArrayList<>();
        for (int i = 0; i < partials.size(); i++) {
            Partial p = partials.get(i);
            checks.add("(" + staleness(siteId, zone, p, settle) + ") AS s" + i);
            checks.add("(" + liveStart(siteId, zone, p) + ") AS l" + i);
        }
        return "SELECT " + String.join(", ", checks);
    }

    /**
     * A scalar query: the earliest start (microseconds) of the partial's live sessions, from their session rows of the
     * UTC days the day query reads session rows of (from the day before its window; 0 when there are none). Every
     * event of a live session in the query's window and every session row of it the query would read is at or after
     * it, so the live day query reads events and session rows from there: at 10M events, from the last hours instead of
     * two days of events and four of session rows. Sessions run across midnight still start it the day before.
     */
    private static String liveStart(String siteId, ZoneId zone, Partial p) {
        return "SELECT minMerge(started_at_us_state) FROM sessions PREWHERE session_key GLOBAL IN ("
                + liveSessions(siteId, p) + ") WHERE site_id = " + literal(siteId) + " AND day >= toDate("
                + literal(DayRollup.start(p.day().minusDays(1), zone).minus(SESSION_MARGIN)) + ")";
    }

    /** A scalar query: above zero when the partial is stale (see {@link #fresh}). */
    private static String staleness(String siteId, ZoneId zone, Partial p, Duration settle) {
        String site = literal(siteId);
        // A change reaches the day when its events' sessions or the day after them do (see the class comment): with
        // events before the cut (inside the day or before it), when its last event is at most a day before the day.
        String changed = "SELECT count() FROM day_changes WHERE site_id = " + site + " AND changed_at >= "
                + literal(p.builtAt().minus(settle)) + " AND first_ts < " + literal(p.cut()) + " AND last_ts >= "
                + literal(DayRollup.start(p.day(), zone).minus(SESSION_MARGIN));
        // The partial's sessions among the live ones, not the live events among the partial's sessions: the set is
        // then the few live sessions (as the live read's) instead of the day's closed ones, tens of thousands at 10M
        // events (server CPU of the whole check 12.6 -> 8.4 ms). Above zero in the same cases.
        String resumed = "SELECT count() FROM day_partial_sessions PREWHERE session_key GLOBAL IN ("
                + liveSessions(siteId, p) + ") WHERE " + ofPartial(siteId, zone, p.day(), p.version());
        return "SELECT (" + changed + ") + (" + resumed + ")";
    }

    private static String partialSessions(String siteId, ZoneId zone, LocalDate day, long version) {
        return "SELECT session_key FROM day_partial_sessions WHERE " + ofPartial(siteId, zone, day, version);
    }

    /** The condition on {@code day_partial_sessions} of one partial's sessions. */
    private static String ofPartial(String siteId, ZoneId zone, LocalDate day, long version) {
        return "site_id = " + literal(siteId) + " AND zone = " + literal(zone.getId()) + " AND day = " + date(day)
                + " AND version = " + version;
    }

    /**
     * {@link #built} and {@link #partials} of the range in one query: a read's first round trip, before the changes and
     * the partials' freshness (each query costs a round trip more than its 1-2 ms of server time, eight widgets per
     * dashboard).
     */
    private void builtAndPartials(
            String siteId,
            ZoneId zone,
            LocalDate from,
            LocalDate to,
            Map<LocalDate, Built> built,
            Map<LocalDate, Partial> partials) {
        String where = " WHERE site_id = " + literal(siteId) + " AND zone = " + literal(zone.getId()) + " AND day >= "
                + date(from) + " AND day <= " + date(to) + " GROUP BY day";
        store.query(
                "SELECT toUInt8(0) AS kind, toString(day) AS day_text, argMax(version, version) AS v,"
                        + " toUnixTimestamp(argMax(built_at, version)) AS b, toUInt32(0) AS c FROM day_rollup_days"
                        + where + " UNION ALL SELECT toUInt8(1) AS kind, toString(day) AS day_text,"
                        + " argMax(version, version) AS v, toUnixTimestamp(argMax(built_at, version)) AS b,"
                        + " toUnixTimestamp(argMax(cut, version)) AS c FROM day_partials" + where,
                List.of(),
                (rs, n) -> {
                    LocalDate day = LocalDate.parse(rs.getString(2));
                    Instant builtAt = Instant.ofEpochSecond(rs.getLong(4));
                    if (rs.getLong(1) == 0) return built.put(day, new Built(rs.getLong(3), builtAt));
                    return partials.put(
                            day, new Partial(day, rs.getLong(3), builtAt, Instant.ofEpochSecond(rs.getLong(5)), null));
                });
    }

    /** The latest build of each rolled day in the range. */
    private Map<LocalDate, Built> built(String siteId, ZoneId zone, LocalDate from, LocalDate to) {
        Map<LocalDate, Built> out = new HashMap<>();
        store.query(
                "SELECT toString(day) AS day_text, argMax(version, version) AS v,"
                        + " toUnixTimestamp(argMax(built_at, version)) AS b FROM day_rollup_days"
                        + " WHERE site_id = " + literal(siteId) + " AND zone = " + literal(zone.getId())
                        + " AND day >= " + date(from) + " AND day <= " + date(to) + " GROUP BY day",
                List.of(),
                (rs, n) -> out.put(
                        LocalDate.parse(rs.getString(1)),
                        new Built(rs.getLong(2), Instant.ofEpochSecond(rs.getLong(3)))));
        return out;
    }

    /**
     * The days of {@code since}'s keys that a change made at or after the day's time reaches: the days of the
     * changed events' sessions and the day after (see the class comment).
     */
    private Set<LocalDate> touched(String siteId, ZoneId zone, Map<LocalDate, Instant> since) {
        Set<LocalDate> out = new HashSet<>();
        if (since.isEmpty()) return out;
        LocalDate lo = since.keySet().stream().min(LocalDate::compareTo).orElseThrow();
        LocalDate hi = since.keySet().stream().max(LocalDate::compareTo).orElseThrow();
        Instant oldest = since.values().stream().min(Instant::compareTo).orElseThrow();
        // Grouped by UTC day and hour of the change: a few rows per day, each at least as wide as its changes.
        List<Change> changes = store.query(
                "SELECT toUnixTimestamp(min(first_ts)), toUnixTimestamp(max(last_ts)),"
                        + " toUnixTimestamp(max(changed_at)) FROM day_changes WHERE site_id = " + literal(siteId)
                        + " AND changed_at >= " + literal(oldest)
                        + " AND last_ts >= " + literal(DayRollup.start(lo, zone).minus(SESSION_MARGIN.multipliedBy(2)))
                        + " AND first_ts < " + literal(DayRollup.end(hi, zone).plus(SESSION_MARGIN))
                        + " GROUP BY day, toStartOfHour(changed_at)",
                List.of(),
                (rs, n) -> new Change(
                        Instant.ofEpochSecond(rs.getLong(1)),
                        Instant.ofEpochSecond(rs.getLong(2)),
                        Instant.ofEpochSecond(rs.getLong(3))));
        for (Change c : changes) {
            List<LocalDate> days = since.entrySet().stream()
                    .filter(e -> !c.changedAt().isBefore(e.getValue()))
                    .map(Map.Entry::getKey)
                    .toList();
            if (days.isEmpty()) continue;
            Instant reachEnd = c.last().plus(SESSION_MARGIN);
            Instant widest = c.first().minus(SESSION_MARGIN);
            // Only when the session margin decides a day is the start of the sessions still running looked up.
            boolean marginDecides = days.stream()
                    .anyMatch(d -> reaches(d, zone, widest, reachEnd) && !reaches(d, zone, c.first(), reachEnd));
            Instant reachStart = marginDecides ? runningSince(siteId, c.first()) : c.first();
            for (LocalDate d : days) {
                if (reaches(d, zone, reachStart, reachEnd)) out.add(d);
            }
        }
        return out;
    }

    private static boolean reaches(LocalDate day, ZoneId zone, Instant from, Instant until) {
        return DayRollup.end(day, zone).isAfter(from)
                && !DayRollup.start(day, zone).isAfter(until);
    }

    /**
     * The start of the earliest session with an event at or after {@code t} (at most a day before it: sessions are
     * read from the stored rows of the UTC days of {@code t} and the one before), or {@code t} when none began before.
     */
    private Instant runningSince(String siteId, Instant t) {
        long started = store.query(
                        "SELECT min(s) FROM (SELECT intDiv(minMerge(started_at_us_state), 1000000) AS s,"
                                + " intDiv(maxMerge(ended_at_us_state), 1000000) AS e FROM sessions"
                                + " WHERE site_id = " + literal(siteId) + " AND day >= toDate(" + literal(t)
                                + ") - 1 AND day <= toDate(" + literal(t) + ") + 1 GROUP BY session_key)"
                                + " WHERE e >= " + t.getEpochSecond(),
                        List.of(),
                        (rs, n) -> rs.getLong(1))
                .get(0);
        Instant s = Instant.ofEpochSecond(started);
        return started > 0 && s.isBefore(t) ? s : t;
    }

    // ---------------------------------------------------------------- rolling

    /**
     * Rolls the site's days in {@code zone} that ended at least {@link #SETTLE} ago and are not rolled or were reached
     * by a change since, unless a change younger than that reaches them (they wait for the next run). Idempotent: a
     * second run (or a second node) finds nothing to do or rolls the same numbers under a newer version. Returns how
     * many days were rolled.
     */
    long roll(String siteId, ZoneId zone) {
        if (store.mutationsRunning()) return 0; // a deletion is under way: its events are half gone
        Instant now = serverNow();
        List<Long> firstAndCount = store.query(
                        "SELECT toUnixTimestamp(toDateTime(min(day))), count() FROM sessions WHERE site_id = "
                                + literal(siteId),
                        List.of(),
                        (rs, n) -> List.of(rs.getLong(1), rs.getLong(2)))
                .get(0);
        if (firstAndCount.get(1) == 0) return 0;
        LocalDate first =
                Instant.ofEpochSecond(firstAndCount.get(0)).atZone(zone).toLocalDate();
        // Rolled days before the first event (their events were deleted) are rolled again too once a change reaches
        // them: left stale, they would hold back the trim of day_changes for good.
        LocalDate firstRolled = store.query(
                        "SELECT toString(min(day)), count() FROM day_rollup_days WHERE site_id = " + literal(siteId)
                                + " AND zone = " + literal(zone.getId()),
                        List.of(),
                        (rs, n) -> rs.getLong(2) == 0 ? null : LocalDate.parse(rs.getString(1)))
                .get(0);
        if (firstRolled != null && firstRolled.isBefore(first)) first = firstRolled;
        LocalDate last = (clock == null ? now : clock.instant())
                .minus(settle)
                .atZone(zone)
                .toLocalDate()
                .minusDays(1);
        if (last.isBefore(first)) return 0;
        dropOtherZones(siteId, zone);
        Map<LocalDate, Built> built = built(siteId, zone, first, last);
        Map<LocalDate, Instant> since = new HashMap<>();
        built.forEach((day, b) -> since.put(day, b.builtAt().minus(settle)));
        Set<LocalDate> stale = touched(siteId, zone, since);
        Map<LocalDate, Instant> candidates = new TreeMap<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            if (!built.containsKey(d) || stale.contains(d)) candidates.put(d, now.minus(settle));
        }
        Set<LocalDate> unsettled = touched(siteId, zone, candidates);
        List<LocalDate> todo =
                candidates.keySet().stream().filter(d -> !unsettled.contains(d)).toList();
        // Days with events (the UTC days of the site's session rows, as local days) in runs of consecutive days, one
        // query each; days without events are only recorded as rolled (they have no rows).
        Set<LocalDate> eventDays = new HashSet<>();
        store.query(
                "SELECT DISTINCT toString(day) FROM sessions WHERE site_id = " + literal(siteId),
                List.of(),
                (rs, n) -> {
                    Instant utcDay = LocalDate.parse(rs.getString(1))
                            .atStartOfDay(java.time.ZoneOffset.UTC)
                            .toInstant();
                    eventDays.add(utcDay.atZone(zone).toLocalDate());
                    eventDays.add(utcDay.plus(Duration.ofDays(1))
                            .minusSeconds(1)
                            .atZone(zone)
                            .toLocalDate());
                    return null;
                });
        List<LocalDate> withEvents = todo.stream().filter(eventDays::contains).toList();
        int i = 0;
        while (i < withEvents.size()) {
            int j = i;
            while (j + 1 < withEvents.size()
                    && withEvents.get(j + 1).equals(withEvents.get(j).plusDays(1))
                    && j + 1 - i < RUN_DAYS) j++;
            rollRun(siteId, zone, withEvents.subList(i, j + 1), built, true);
            i = j + 1;
        }
        List<LocalDate> empty =
                todo.stream().filter(d -> !eventDays.contains(d)).toList();
        if (!empty.isEmpty()) rollRun(siteId, zone, empty, built, false);
        if (!withEvents.isEmpty()) mergeMonths();
        // Once a day a roll builds the day that ended (and again when late events were rolled): what it consumed goes.
        if (!todo.isEmpty()) trimChanges(siteId);
        return todo.size();
    }

    /**
     * Deletes the site's {@code day_changes} rows that no read or roll can need any more, so the table does not grow
     * forever: those stamped before the trim's watermark {@code W}, the least of
     *
     * <ul>
     *   <li>the server time before this trim read anything, less {@link #SETTLE} and {@link #longestBuild}: every
     *       change stamped before it was visible when the staleness below was read, and no build that began before
     *       the trim and is still writing its days row (another node's, or a partial's) can need it;
     *   <li>for every rolled day still reached by a change (stale: rolled again once it settles), of every zone the
     *       site has rows in, its build time less {@code SETTLE}: the changes that make it stale stay;
     *   <li>for every partial day of the site, its build time less {@code SETTLE}.
     * </ul>
     *
     * A deleted change is older than every build it could reach: a clean rolled day stays clean (no change reaching it
     * is that young, or it would be stale), a stale one keeps the changes younger than its build, unrolled days are
     * read live whatever the changes say. Rows written after {@code W} survive by the condition, and rows written
     * while the deletion runs by ClickHouse itself (a mutation rewrites only the parts that existed when it was
     * issued). A crash before the mutation is issued leaves the rows for the next roll; after, ClickHouse finishes it.
     * Returns the watermark, or null when there was nothing to trim.
     */
    Instant trimChanges(String siteId) {
        Instant read = serverNow();
        Instant w = read.minus(settle).minus(longestBuild);
        List<String> zones = store.query(
                "SELECT DISTINCT zone FROM day_rollup_days WHERE site_id = " + literal(siteId),
                List.of(),
                (rs, n) -> rs.getString(1));
        for (String zoneId : zones) {
            ZoneId zone = ZoneId.of(zoneId);
            Map<LocalDate, Instant> since = new HashMap<>();
            built(siteId, zone, LocalDate.of(1970, 1, 1), LocalDate.of(2105, 12, 31))
                    .forEach((day, b) -> since.put(day, b.builtAt().minus(settle)));
            for (LocalDate stale : touched(siteId, zone, since)) {
                if (since.get(stale).isBefore(w)) w = since.get(stale);
            }
        }
        long oldestPartial = store.query(
                        "SELECT toUnixTimestamp(min(built_at)), count() FROM day_partials WHERE site_id = "
                                + literal(siteId),
                        List.of(),
                        (rs, n) -> rs.getLong(2) == 0 ? Long.MAX_VALUE : rs.getLong(1))
                .get(0);
        if (oldestPartial != Long.MAX_VALUE) {
            Instant partial = Instant.ofEpochSecond(oldestPartial).minus(settle);
            if (partial.isBefore(w)) w = partial;
        }
        String consumed = "site_id = " + literal(siteId) + " AND changed_at < " + literal(w);
        long rows = store.query(
                        "SELECT count() FROM day_changes WHERE " + consumed, List.of(), (rs, n) -> rs.getLong(1))
                .get(0);
        if (rows == 0) return null;
        store.execute(store.alter("day_changes") + " DELETE WHERE " + consumed);
        return w;
    }

    /**
     * Merges every month of {@code day_rollup} held in more than one part (up to {@link #mergeMonthAtMost}) into one.
     * Every INSERT writes a part per month, a roll one per week it rolls (a first roll of 30 days five), and ClickHouse
     * 18.16 left such parts unmerged for hours. A read of stored rows pays per part: it decompresses whole blocks of
     * the sketch column (up to 1 MB) around the few rows it asks in each. At 10M events the seven stored reads of a
     * first dashboard took 206 ms of server CPU over seven parts and 121 ms over two (docs/benchmarks-stats.md,
     * 2026-12-07). Not only the months this roll wrote: a database rolled before this merge existed is merged by its
     * next roll. A merge changes no row (the answers are the same, byte for byte); when ClickHouse cannot merge now (a
     * deletion's mutation of the parts is under way) OPTIMIZE does nothing and the next roll tries again. On a cluster
     * the months stay as ClickHouse's merges leave them.
     */
    private void mergeMonths() {
        if (store.sharded() || mergeMonthAtMost <= 0) return;
        List<String> months = store.query(
                "SELECT partition_id FROM system.parts WHERE database = currentDatabase() AND table = 'day_rollup'"
                        + " AND active GROUP BY partition_id HAVING count() > 1 AND sum(bytes_on_disk) <= "
                        + mergeMonthAtMost + " ORDER BY partition_id",
                List.of(),
                (rs, n) -> rs.getString(1));
        for (String month : months) store.execute("OPTIMIZE TABLE day_rollup PARTITION ID " + literal(month));
    }

    /**
     * Rolls days under one new version: their rows (consecutive days with events; none for days without), then their
     * days rows, then their rows of older versions dropped.
     */
    private void rollRun(
            String siteId, ZoneId zone, List<LocalDate> days, Map<LocalDate, Built> previous, boolean withEvents) {
        Instant builtAt = serverNow();
        long version = nextVersion();
        List<Object[]> rows = withEvents
                ? compute(siteId, zone, days.get(0), days.get(days.size() - 1), DayRollup.dimensions(), null)
                : List.of();
        if (!rows.isEmpty()) store.insertRows("day_rollup", rowBinary(siteId, zone, version, rows));
        String stamp = literal(builtAt);
        store.execute("INSERT INTO day_rollup_days SELECT " + literal(siteId) + ", " + literal(zone.getId())
                + ", toDate(d), " + version + ", " + stamp + " FROM (SELECT arrayJoin(["
                + days.stream().map(d -> "'" + d + "'").collect(Collectors.joining(", ")) + "]) AS d)");
        List<LocalDate> replaced = days.stream().filter(previous::containsKey).toList();
        if (!replaced.isEmpty()) {
            store.execute(store.alter("day_rollup") + " DELETE WHERE site_id = " + literal(siteId) + " AND zone = "
                    + literal(zone.getId()) + " AND version < " + version + " AND day IN ("
                    + replaced.stream().map(ClickHouseDayRollup::date).collect(Collectors.joining(", ")) + ")");
        }
        // A rolled day's partials are read no more while it stays clean (and would be found stale if it did not).
        if (!partials(siteId, zone, days.get(0), days.get(days.size() - 1)).isEmpty()) {
            String where = "site_id = " + literal(siteId) + " AND zone = " + literal(zone.getId()) + " AND day IN ("
                    + days.stream().map(ClickHouseDayRollup::date).collect(Collectors.joining(", ")) + ")";
            for (String table : PARTIAL_TABLES) store.execute(store.alter(table) + " DELETE WHERE " + where);
        }
    }

    /** The partial days' tables, their days row first. */
    private static final List<String> PARTIAL_TABLES =
            List.of("day_partials", "day_partial_rows", "day_partial_sessions");

    /** Day rows ({@link #compute}'s pairs) in the column order of {@code day_rollup} and {@code day_partial_rows}. */
    private static byte[] rowBinary(String siteId, ZoneId zone, long version, List<Object[]> rows) {
        ClickHouseRowBinary.Buffer out = new ClickHouseRowBinary.Buffer(rows.size() * 256);
        for (Object[] r : rows) {
            DayRow row = (DayRow) r[0];
            out.string(siteId);
            out.string(zone.getId());
            out.int16((int) row.day().toEpochDay());
            out.string((String) r[1]);
            if (row.value() == null) {
                out.int8(1);
            } else {
                out.int8(0);
                out.string(row.value());
            }
            out.int64(version);
            out.int64(row.visitors());
            out.int64(row.sessions());
            out.int64(row.pageviews());
            out.int64(row.bounces());
            out.int64(Double.doubleToRawLongBits(row.durationSum()));
            out.int64(Double.doubleToRawLongBits(row.leaveMsSum()));
            out.int64(row.leaveCount());
            out.int64(Double.doubleToRawLongBits(row.scrollSum()));
            out.int64(row.scrollCount());
            out.int64(row.continuedSessions());
            out.int64(Double.doubleToRawLongBits(row.continuedDuration()));
            out.blob(DayRows.sketch(row.visitorKeys()));
        }
        return out.bytes();
    }

    // ---------------------------------------------------------------- partial days

    /**
     * Builds the partial of the site's current day in {@code zone} (the day of the cut: now less {@link #SETTLE}) when
     * it has none that is fresh and younger than {@link #PARTIAL_EVERY}: the day rows of the sessions whose latest event
     * is before the cut less {@link #VISIT_TIMEOUT} (closed for good unless a change reaches them), by the day query
     * restricted to them, with their session keys. Returns whether it built one.
     */
    boolean buildPartial(String siteId, ZoneId zone) {
        if (store.mutationsRunning()) return false; // a deletion is under way: its events are half gone
        Instant builtAt = serverNow();
        Instant cut = (clock == null ? builtAt : clock.instant()).minus(settle);
        LocalDate day = cut.atZone(zone).toLocalDate();
        Instant closedBefore = cut.minus(VISIT_TIMEOUT);
        if (!closedBefore.isAfter(DayRollup.start(day, zone))) return false; // nothing of the day is closed yet
        Partial last = partials(siteId, zone, day, day).get(day);
        if (last != null
                && last.cut().plus(PARTIAL_EVERY).isAfter(cut)
                && !fresh(siteId, zone, Map.of(day, last)).isEmpty()) return false;
        long version = nextVersion();
        String site = literal(siteId);
        // Sessions with an event on the day whose latest event of all is before closed_before (events after the day
        // start are enough: a latest event before closed_before lies in the day).
        store.execute("INSERT INTO day_partial_sessions SELECT " + site + ", " + literal(zone.getId()) + ", "
                + date(day) + ", " + version + ", session_key FROM events WHERE site_id = " + site + " AND ts >= "
                + literal(DayRollup.start(day, zone)) + " GROUP BY session_key HAVING max(ts) < "
                + literal(closedBefore));
        List<Object[]> rows =
                compute(siteId, zone, day, day, DayRollup.dimensions(), partialSessions(siteId, zone, day, version));
        if (!rows.isEmpty()) store.insertRows("day_partial_rows", rowBinary(siteId, zone, version, rows));
        store.execute("INSERT INTO day_partials VALUES (" + site + ", " + literal(zone.getId()) + ", " + date(day)
                + ", " + version + ", " + literal(builtAt) + ", " + literal(cut) + ")");
        if (last != null) {
            String older = "site_id = " + site + " AND zone = " + literal(zone.getId()) + " AND day = " + date(day)
                    + " AND version < " + version;
            for (String table : PARTIAL_TABLES.subList(1, PARTIAL_TABLES.size())) {
                store.execute(store.alter(table) + " DELETE WHERE " + older);
            }
        }
        return true;
    }

    /** The days with a fresh partial in the range: what a read of them computes live only in part. */
    Set<LocalDate> freshPartials(String siteId, ZoneId zone, LocalDate from, LocalDate to) {
        return fresh(siteId, zone, partials(siteId, zone, from, to)).keySet();
    }

    /** A site's rows of another zone than its current one are never read again (DuckDB deletes them likewise). */
    private void dropOtherZones(String siteId, ZoneId zone) {
        String other = "site_id = " + literal(siteId) + " AND zone != " + literal(zone.getId());
        long n = store.query("SELECT count() FROM day_rollup_days WHERE " + other, List.of(), (rs, i) -> rs.getLong(1))
                .get(0);
        if (n == 0) return;
        store.execute(store.alter("day_rollup") + " DELETE WHERE " + other);
        store.execute(store.alter("day_rollup_days") + " DELETE WHERE " + other);
        for (String table : PARTIAL_TABLES) store.execute(store.alter(table) + " DELETE WHERE " + other);
    }

    private long nextVersion() {
        long micros = Instant.now().toEpochMilli() * 1000;
        return lastVersion.updateAndGet(v -> Math.max(v + 1, micros));
    }

    private Instant serverNow() {
        return Instant.ofEpochSecond(store.query("SELECT toUnixTimestamp(now())", List.of(), (rs, n) -> rs.getLong(1))
                .get(0));
    }

    // ---------------------------------------------------------------- the day query

    /**
     * The day rows of {@code [first, last]} for the dimensions, each with its distinct visitor keys, as pairs of
     * {@link DayRow} and dimension name.
     */
    private List<Object[]> compute(
            String siteId, ZoneId zone, LocalDate first, LocalDate last, List<String> dims, String sessionKeys) {
        return compute(siteId, zone, first, last, dims, sessionKeys, null);
    }

    /** Package-private: {@code ClickHouseLiveSessionDaysTest} compares {@link #liveSessionRows} with it. */
    List<Object[]> compute(
            String siteId,
            ZoneId zone,
            LocalDate first,
            LocalDate last,
            List<String> dims,
            String sessionKeys,
            Instant eventsFrom) {
        return store.query(build(siteId, zone, first, last, dims, sessionKeys, eventsFrom), List.of(), (rs, n) -> {
            String keys = rs.getString("visitor_keys");
            long[] visitorKeys = keys.isEmpty()
                    ? new long[0]
                    : Arrays.stream(keys.split(",")).mapToLong(Long::parseLong).toArray();
            return new Object[] {
                DayRollup.row(rs, LocalDate.parse(rs.getString("day_text")), null, visitorKeys),
                rs.getString("dimension")
            };
        });
    }

    /**
     * {@link DayRollup#build} for ClickHouse 18.16 and current releases (no window functions there, no table CTEs):
     * the events of {@code [first - 1 day, last]} grouped per local day and session (and pathname), then per session
     * into arrays, which give each row its "counted on the previous day too" link ({@code has}); joined with the
     * sessions' whole-life numbers and expanded back into rows, one per dimension value ({@code arrayJoin}). NULL
     * values travel as {@code ''}, others with a {@code '='} prefix, so no Nullable goes into an array or a tuple.
     */
    static String build(String siteId, ZoneId zone, LocalDate first, LocalDate last, List<String> dims) {
        return build(siteId, zone, first, last, dims, null);
    }

    /**
     * {@link #build(String, ZoneId, LocalDate, LocalDate, List)} over the sessions whose key is in {@code sessionKeys}
     * (a subquery; {@code null}: all): a partial day's closed sessions, or the others. A session's day rows depend on its
     * own events only, so the rows of two disjoint sets of sessions add up to the day's.
     */
    static String build(
            String siteId, ZoneId zone, LocalDate first, LocalDate last, List<String> dims, String sessionKeys) {
        return build(siteId, zone, first, last, dims, sessionKeys, null);
    }

    /**
     * {@link #build(String, ZoneId, LocalDate, LocalDate, List, String)} reading events and session rows from {@code
     * eventsFrom} (when later than the window's own start; {@code null}: the window's) when every event and session row
     * of {@code sessionKeys}' sessions in the window is known to lie at or after it (a partial day's live sessions,
     * {@link #liveStart}).
     */
    static String build(
            String siteId,
            ZoneId zone,
            LocalDate first,
            LocalDate last,
            List<String> dims,
            String sessionKeys,
            Instant eventsFrom) {
        Window w = Window.of(zone, first, last, eventsFrom);
        Instant eventsStart = w.eventsFrom();
        Instant sessionsStart = w.sessionsFrom();
        Instant until = w.until();
        List<SessionAttribute> attributes = attributes(dims);
        List<String> branches = new ArrayList<>();
        if (dims.contains(DayRollup.TOTAL) || !attributes.isEmpty()) {
            List<String> values = new ArrayList<>();
            if (dims.contains(DayRollup.TOTAL)) values.add("tuple('total', '')");
            for (SessionAttribute a : attributes) {
                values.add("tuple(" + literal(a.column()) + ", s_" + a.column() + ")");
            }
            branches.add(branch(
                    siteId,
                    zone,
                    sessionsStart,
                    eventsStart,
                    until,
                    false,
                    attributes,
                    "[" + String.join(", ", values) + "]",
                    sessionKeys));
        }
        if (dims.contains(DayRollup.PATHNAME)) {
            branches.add(branch(siteId, zone, sessionsStart, eventsStart, until, true, List.of(), null, sessionKeys));
        }
        return "SELECT toString(day) AS day_text, dimension, if(v = '', NULL, substring(v, 2)) AS value,"
                + " countIf(e_counted > 0) AS sessions, sum(e_pageviews) AS pageviews,"
                + " countIf(e_counted > 0 AND s_pageviews = 1 AND s_goals = 0) AS bounces,"
                + " sumIf(s_duration_ms, e_counted > 0) / 1000.0 AS duration_sum,"
                + " toFloat64(sum(e_leave_ms)) AS leave_ms_sum, sum(e_leave_n) AS leave_count,"
                + " toFloat64(sum(e_scroll)) AS scroll_sum, sum(e_scroll_n) AS scroll_count,"
                + " countIf(e_continued) AS continued_sessions,"
                + " sumIf(s_duration_ms, e_continued) / 1000.0 AS continued_duration,"
                + " arrayStringConcat(arrayMap(k -> toString(k), groupUniqArrayIf(vk, e_counted > 0)), ',')"
                + " AS visitor_keys\nFROM (\n" + String.join("\nUNION ALL\n", branches) + "\n)\nWHERE day >= "
                + date(first) + " AND day <= " + date(last) + "\nGROUP BY day, dimension, v";
    }

    /**
     * What the day query of {@code [first, last]} reads: events from the day before (or {@code eventsFrom} when later),
     * session rows from a session's longest life before that (or {@code eventsFrom}), both until the end of {@code
     * last}.
     */
    private record Window(Instant eventsFrom, Instant sessionsFrom, Instant until) {
        static Window of(ZoneId zone, LocalDate first, LocalDate last, Instant eventsFrom) {
            Instant from = DayRollup.start(first.minusDays(1), zone);
            return new Window(
                    eventsFrom != null && eventsFrom.isAfter(from) ? eventsFrom : from,
                    eventsFrom != null && eventsFrom.isAfter(from.minus(SESSION_MARGIN))
                            ? eventsFrom
                            : from.minus(SESSION_MARGIN),
                    DayRollup.end(last, zone));
        }
    }

    /** The session attributes among {@code dims}, in {@link SessionAttribute}'s order. */
    private static List<SessionAttribute> attributes(List<String> dims) {
        List<SessionAttribute> attributes = new ArrayList<>();
        for (SessionAttribute a : SessionAttribute.values()) {
            if (dims.contains(a.column())) attributes.add(a);
        }
        return attributes;
    }

    /**
     * One branch of {@link #build}: per (local day, session) rows with the session-level dimensions ({@code
     * dimensions}: an array of (name, value) tuples), or per (local day, session, pathname) rows.
     */
    private static String branch(
            String siteId,
            ZoneId zone,
            Instant sessionsFrom,
            Instant eventsFrom,
            Instant until,
            boolean pathname,
            List<SessionAttribute> attributes,
            String dimensions,
            String sessionKeys) {
        String perDay = sessionDays(siteId, zone, eventsFrom, until, pathname, sessionKeys);
        String key = pathname ? "concat(toString(x_day), x_path)" : "toString(x_day)";
        String perSession = "SELECT session_key, any(x_vk) AS vk, groupArray(x_day) AS a_day,"
                + " groupArrayIf(" + key + ", x_c > 0) AS a_counted"
                + (pathname ? ", groupArray(x_path) AS a_path" : "")
                + ", groupArray(x_c) AS a_c, groupArray(x_pv) AS a_pv, groupArray(x_lms) AS a_lms,"
                + " groupArray(x_ln) AS a_ln, groupArray(x_sc) AS a_sc, groupArray(x_sn) AS a_sn"
                + " FROM (" + perDay + ") GROUP BY session_key";
        String whole = sessionTotals(siteId, sessionsFrom, until, attributes, sessionKeys);
        List<String> joined = new ArrayList<>(List.of(
                "session_key",
                "vk",
                "a_day",
                "a_counted",
                "a_c",
                "a_pv",
                "a_lms",
                "a_ln",
                "a_sc",
                "a_sn",
                "s_pageviews",
                "s_goals",
                "s_duration_ms"));
        if (pathname) joined.add("a_path");
        for (SessionAttribute a : attributes) joined.add("s_" + a.column());
        String join = "SELECT " + String.join(", ", joined) + " FROM (" + perSession + ") AS p ANY INNER JOIN (" + whole
                + ") AS w USING session_key"; // current releases require the joined subqueries' aliases
        String previous = pathname ? "concat(toString(a_day[i] - 1), a_path[i])" : "toString(a_day[i] - 1)";
        String dimension = pathname
                ? "'pathname' AS dimension, a_path[i] AS v"
                : "arrayJoin(" + dimensions + ") AS dv, tupleElement(dv, 1) AS dimension, tupleElement(dv, 2) AS v";
        // The same columns in both branches (UNION ALL matches them by position).
        return "SELECT day, dimension, v, vk, e_counted, e_pageviews, e_leave_ms, e_leave_n, e_scroll, e_scroll_n,"
                + " s_pageviews, s_goals, s_duration_ms, e_continued FROM (SELECT a_day[i] AS day, " + dimension
                + ", vk, a_c[i] AS e_counted, a_pv[i] AS e_pageviews, a_lms[i] AS e_leave_ms, a_ln[i] AS e_leave_n,"
                + " a_sc[i] AS e_scroll, a_sn[i] AS e_scroll_n, s_pageviews, s_goals, s_duration_ms,"
                + " e_counted > 0 AND has(a_counted, " + previous + ") AS e_continued FROM (" + join
                + ") ARRAY JOIN arrayEnumerate(a_day) AS i)";
    }

    /**
     * The first step of {@link #branch}: the events of {@code [eventsFrom, until)} per local day and session (and
     * pathname), with what the day rows add up of them. A partial's live rows read it flat ({@link LiveSessionDays}).
     */
    static String sessionDays(
            String siteId, ZoneId zone, Instant eventsFrom, Instant until, boolean pathname, String sessionKeys) {
        String z = literal(zone.getId());
        return "SELECT toDate(ts, " + z + ") AS x_day, session_key"
                + (pathname ? ", ifNull(concat('=', pathname), '') AS x_path" : "")
                + ", any(visitor_key) AS x_vk, countIf(event_type IN ('pageview', 'goal')) AS x_c,"
                + " countIf(event_type = 'pageview') AS x_pv,"
                + " sumIf(ifNull(duration_ms, toInt64(0)), event_type = '_leave') AS x_lms,"
                + " countIf(event_type = '_leave' AND isNotNull(duration_ms)) AS x_ln,"
                + " sumIf(toInt64(ifNull(scroll_depth, toInt16(0))), event_type = '_leave') AS x_sc,"
                + " countIf(event_type = '_leave' AND isNotNull(scroll_depth)) AS x_sn"
                + " FROM events"
                // PREWHERE: the other columns are read only where the sessions are (a few granules of a live day).
                // GLOBAL: on a cluster the keys are read once, not by every shard from a Distributed table.
                + (sessionKeys == null ? "" : " PREWHERE session_key GLOBAL IN (" + sessionKeys + ")")
                + " WHERE site_id = " + literal(siteId) + " AND ts >= " + literal(eventsFrom) + " AND ts < "
                + literal(until)
                + " GROUP BY x_day, session_key" + (pathname ? ", x_path" : "");
    }

    /**
     * The other side of {@link #branch}'s join: per session its whole-life numbers ({@code s_pageviews}, {@code
     * s_goals}, {@code s_duration_ms}) and the attributes, as {@code ''} for NULL or the value after {@code '='}.
     */
    static String sessionTotals(
            String siteId, Instant sessionsFrom, Instant until, List<SessionAttribute> attributes, String sessionKeys) {
        StringBuilder whole = new StringBuilder("SELECT session_key, pageviews AS s_pageviews, goals AS s_goals,"
                + " intDiv(ended_at_us, 1000) - intDiv(started_at_us, 1000) AS s_duration_ms");
        for (SessionAttribute a : attributes) {
            String v = a.sqlType.equals("VARCHAR") ? a.column() : "toString(" + a.column() + ")";
            whole.append(", ifNull(concat('=', ")
                    .append(v)
                    .append("), '') AS s_")
                    .append(a.column());
        }
        whole.append(" FROM (")
                .append(new ClickHouseSessions()
                        .select(
                                siteId,
                                List.of(new ClickHouseDialect.TimeWindow(sessionsFrom, until.plus(SESSION_MARGIN))),
                                sessionKeys,
                                sessionColumns(attributes)))
                .append(")");
        return whole.toString();
    }

    /** The session columns {@link #branch} reads: its whole-life numbers and the attributes it groups by. */
    private static Set<String> sessionColumns(List<SessionAttribute> attributes) {
        Set<String> columns = new HashSet<>(List.of("pageviews", "goals", "started_at_us", "ended_at_us"));
        for (SessionAttribute a : attributes) columns.add(a.column());
        return columns;
    }

    private static String literal(Object v) {
        return ClickHouseDialect.literal(v);
    }

    private static String date(LocalDate d) {
        return "toDate('" + d + "')";
    }
}
