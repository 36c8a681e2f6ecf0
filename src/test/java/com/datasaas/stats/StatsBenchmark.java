package com.datasaas.stats;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.ClickHouseEventStore;
import com.datasaas.events.ClickHouseSessions;
import com.datasaas.events.ClickHouseSettings;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.EventStore;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.DuckDbDialect;
import com.datasaas.support.ClickHouseServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Dashboard query latency over sample data: p50/p95 per widget and for a whole dashboard (overview, timeseries and
 * six breakdowns, run one after another as the dashboard's first load would), beside a reference line of hand-written
 * DuckDB queries for the same widgets on the same data. Not part of the normal build:
 *
 * <pre>./mvnw -q test -Dtest=StatsBenchmark -Dbench.events=1000000 [-Dbench.runs=20] [-Dbench.store=clickhouse]</pre>
 *
 * Figures go to stdout and target/benchmarks-stats-N.txt. {@code -Dbench.partials=alternate} times each run twice,
 * with the partial days (today's, and earlier days running sessions overlap) and without them (read whole live, as
 * before partial days), back to back; {@code false} drops them and times without only; {@code keep} (ClickHouse) leaves
 * the server's stored partial as it is.
 */
@EnabledIfSystemProperty(named = "bench.events", matches = "\\d+")
class StatsBenchmark {
    private static final String SITE = "mrf_benchmark";
    private static final int DAYS = 30;

    @Test
    void dashboard_latency() throws Exception {
        long events = Long.parseLong(System.getProperty("bench.events"));
        int runs = Integer.getInteger("bench.runs", 20);
        // -Dbench.dir=target/bench-1m keeps the data between runs (loading is the slow part).
        String keep = System.getProperty("bench.dir");
        Path dir = keep != null ? Path.of(keep) : Files.createTempDirectory(Path.of("target"), "bench-");
        boolean clickHouse = "clickhouse".equals(System.getProperty("bench.store"));
        // -Dbench.store=clickhouse: the same widgets on a private ClickHouse 18.16 server (loaded afresh each run),
        // or with -Dbench.clickhouse.url=http://127.0.0.1:PORT/DB on a server of your own, loaded once: a database
        // that holds events already is measured as it is (upgraded by the store's migrations first).
        String clickHouseUrl = System.getProperty("bench.clickhouse.url");
        EventStore store = clickHouse
                ? new ClickHouseEventStore(
                        new ClickHouseSettings(
                                clickHouseUrl != null
                                        ? clickHouseUrl
                                        : ClickHouseServer.shared().url("bench"),
                                null,
                                null),
                        new DataSaasProperties(dir, null, null, null, null))
                : SampleData.open(dir);
        boolean load = clickHouse
                ? clickHouseUrl == null || count(store) == 0
                : keep == null || !Files.exists(dir.resolve("events.duckdb"));
        Dialect dialect = clickHouse ? new ClickHouseDialect(new ClickHouseSessions()) : new DuckDbDialect();
        try {
            Instant end = load ? Instant.now() : lastEvent(store);
            long t0 = System.nanoTime();
            long written = !load
                    ? count(store)
                    : store instanceof DuckDbEventStore duck
                            ? new SampleData(SITE, 42).load(duck, events, DAYS, end)
                            : new SampleData(SITE, 42).write(store, events, DAYS, end);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            // The hourly rollup as its schedule keeps it: every closed hour folded, the current hour read raw.
            String rollup = "no rollup";
            if (store instanceof DuckDbEventStore duck) {
                long r0 = System.nanoTime();
                // As the schedule would have it at the time of the last event: today's hours folded up to the last
                // event's hour, the rest of today read raw (kept data is measured as at its last event, not as at
                // the hour the benchmark happens to run, which would decide how much of today is still live).
                long hours = duck.rollUp(end, true);
                long rows = count(store, "SELECT count(*) FROM hourly_rollup");
                rollup = String.format(
                        "rollup: %d site-hours folded in %.1f s, %,d rollup rows",
                        hours, (System.nanoTime() - r0) / 1e9, rows);
            }
            // The day rollup as its schedule keeps it: every day closed for good, in the site's zone (UTC; the New York
            // timeseries asks another zone, so it keeps the exact plans).
            if (store instanceof DuckDbEventStore duck) {
                for (ZoneId zone : List.of(ZoneId.of("UTC"))) {
                    long d0 = System.nanoTime();
                    long days = duck.rollDays(SITE, zone);
                    rollup += String.format(
                            "%nday rollup (%s): %d days rolled in %.1f s", zone, days, (System.nanoTime() - d0) / 1e9);
                }
                rollup += String.format(
                        ", %,d day rows, %,d sketch bytes",
                        count(store, "SELECT count(*) FROM day_rollup"),
                        count(store, "SELECT coalesce(sum(octet_length(visitor_sketch)), 0) FROM day_rollup"));
                // The partial days alone (today's; yesterday's too while sessions that crossed midnight run), as the
                // schedule builds them again after every hourly roll.
                duck.dropPartialDays(SITE);
                long p0 = System.nanoTime();
                duck.rollDays(SITE, ZoneId.of("UTC"));
                double built = (System.nanoTime() - p0) / 1e9;
                List<String> partialDays = store.query(
                        "SELECT d.day::VARCHAR || ': ' || format('{:,}', (SELECT count(*) FROM"
                                + " day_rollup_partial_sessions p WHERE p.site_id = d.site_id AND p.day = d.day))"
                                + " || ' of the day''s ' || format('{:,}', (SELECT count(*) FROM sessions s"
                                + " WHERE s.site_id = d.site_id AND s.started_at < d.day_end"
                                + " AND s.ended_at >= d.day_start)) || ' sessions'"
                                + " FROM day_rollup_days d WHERE d.closed_before IS NOT NULL ORDER BY d.day",
                        List.of(),
                        (rs, n) -> rs.getString(1));
                rollup += String.format(
                        "%npartial days (closed before %s): %d built in %.1f s; %s",
                        store.query(
                                        "SELECT max(closed_before)::VARCHAR FROM day_rollup_days",
                                        List.of(),
                                        (rs, n) -> rs.getString(1))
                                .get(0),
                        partialDays.size(),
                        built,
                        String.join("; ", partialDays));
            }
            // On ClickHouse, the day rollup as its schedule keeps it (days closed and settled for SETTLE, in UTC).
            if (store instanceof ClickHouseEventStore ch) {
                long d0 = System.nanoTime();
                long days = ch.rollDays(SITE, ZoneId.of("UTC"));
                rollup = String.format(
                        "day rollup (UTC): %d days rolled in %.1f s, %,d day rows",
                        days, (System.nanoTime() - d0) / 1e9, count(store, "SELECT count() FROM day_rollup"));
                // And the partial of today, as the schedule builds it after the roll; -Dbench.partials=keep leaves a
                // server's stored partial as it is, so that runs hours after the data's last event still read the
                // same live sessions (a new build there would find every session closed).
                long p0 = System.nanoTime();
                boolean built = !System.getProperty("bench.partials", "true").equals("keep")
                        && ch.buildPartialDay(SITE, ZoneId.of("UTC"));
                rollup += String.format(
                        "%npartial day (UTC): %s in %.1f s, fresh partial days %s",
                        built ? "built" : "kept",
                        (System.nanoTime() - p0) / 1e9,
                        ch.partialDays(
                                SITE,
                                ZoneId.of("UTC"),
                                end.atZone(ZoneOffset.UTC).toLocalDate().minusDays(DAYS - 1),
                                end.atZone(ZoneOffset.UTC).toLocalDate()));
            }
            String memoryAfterLoad = memory();
            StatsEngine engine = new StatsEngine(store, List.of(dialect));
            LocalDate last = end.atZone(ZoneOffset.UTC).toLocalDate();
            LocalDate first = last.minusDays(DAYS - 1);

            Map<String, Supplier<Object>> widgets = new LinkedHashMap<>();
            widgets.put("overview", () -> engine.totals(query(first, last, List.of(), null, 0)));
            widgets.put("timeseries (day)", () -> engine.aggregate(query(first, last, List.of(), Interval.DAY, 0)));
            for (Dimension d : List.of(
                    Dimension.PATHNAME,
                    Dimension.ENTRY_PAGE,
                    Dimension.REFERRER,
                    Dimension.CHANNEL,
                    Dimension.COUNTRY,
                    Dimension.DEVICE_TYPE)) {
                widgets.put(
                        "breakdown " + d.apiName(), () -> engine.aggregate(query(first, last, List.of(d), null, 10)));
            }
            widgets.put(
                    "overview, filtered by channel",
                    () -> engine.totals(new StatsQuery(
                            SITE,
                            first,
                            last,
                            ZoneId.of("UTC"),
                            List.of(Metric.values()),
                            List.of(),
                            List.of(new Filter(Dimension.CHANNEL, Filter.Operator.IS, List.of("Organic Search"))),
                            null,
                            null,
                            0,
                            0,
                            List.of())));
            // The same timeseries for a site in a zone with a DST change in most 30-day ranges.
            widgets.put(
                    "timeseries (day), New York",
                    () -> engine.aggregate(new StatsQuery(
                            SITE,
                            first,
                            last,
                            ZoneId.of("America/New_York"),
                            List.of(Metric.values()),
                            List.of(),
                            List.of(),
                            Interval.DAY,
                            null,
                            0,
                            0,
                            List.of())));
            // The planner's raw-events plan for the two rollup widgets, same data and run: what the rollup saves.
            if (!clickHouse) {
                for (var raw : Map.of(
                                "timeseries (day), raw-events plan",
                                query(first, last, List.of(), Interval.DAY, 0),
                                "breakdown pathname, raw-events plan",
                                query(first, last, List.of(Dimension.PATHNAME), null, 10))
                        .entrySet()) {
                    var sql = dialect.print(QueryCompiler.aggregate(raw.getValue()));
                    widgets.put(
                            raw.getKey(), () -> store.query(sql.sql(), sql.parameters(), (rs, n) -> rs.getObject(1)));
                }
            }
            // The exact plans (before the day rollup) for the dashboard's widgets, same data and run; and how the
            // day-rollup answers compare with them.
            StringBuilder comparison = new StringBuilder();
            if (!Boolean.getBoolean("bench.dashboardOnly")) {
                Map<String, StatsQuery> exact = new LinkedHashMap<>();
                exact.put("overview", query(first, last, List.of(), null, 0));
                exact.put("timeseries (day)", query(first, last, List.of(), Interval.DAY, 0));
                for (Dimension d : List.of(
                        Dimension.PATHNAME,
                        Dimension.ENTRY_PAGE,
                        Dimension.REFERRER,
                        Dimension.CHANNEL,
                        Dimension.COUNTRY,
                        Dimension.DEVICE_TYPE)) {
                    exact.put("breakdown " + d.apiName(), query(first, last, List.of(d), null, 10));
                }
                exact.forEach((name, q) -> {
                    widgets.put(name + ", exact plans", () -> engine.aggregateExact(q));
                    comparison.append(compare(name, engine.plan(q), engine.aggregate(q), engine.aggregateExact(q)));
                });
            }
            // -Dbench.dashboardOnly=true: only the dashboard's eight widgets (no exact plans, comparison or reference
            // line), for before/after runs on a busy machine.
            boolean dashboardOnly = Boolean.getBoolean("bench.dashboardOnly");
            Set<String> dashboardWidgets = new HashSet<>(widgets.keySet());
            dashboardWidgets.removeIf(name -> name.endsWith(", exact plans"));
            dashboardWidgets.remove("overview, filtered by channel");
            dashboardWidgets.remove("timeseries (day), New York");
            dashboardWidgets.remove("timeseries (day), raw-events plan");
            dashboardWidgets.remove("breakdown pathname, raw-events plan");
            Map<String, String> reference = clickHouse ? clickHouseReferenceQueries() : referenceQueries();
            List<Object> range = List.of(
                    SITE,
                    first.atStartOfDay(ZoneOffset.UTC).toOffsetDateTime(),
                    last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toOffsetDateTime());
            if (dashboardOnly) {
                widgets.keySet().retainAll(dashboardWidgets);
            } else {
                reference.forEach((name, sql) ->
                        widgets.put(name, () -> store.query(sql, range, (rs, n) -> rs.getObject(1))));
            }

            // The partial days: kept (the default), dropped, or each run timed with and without them, back to back.
            String partials = System.getProperty("bench.partials", "true");
            boolean alternate = partials.equals("alternate") && store instanceof DuckDbEventStore;
            if (partials.equals("false") && store instanceof DuckDbEventStore duck) duck.dropPartialDays(SITE);
            // The warm-up is the process's first dashboard: on ClickHouse it reads every stored day from the server,
            // the timed runs find them read (the store keeps a build's rows once read). Timed apart, per widget.
            Map<String, Double> firstLoad = new LinkedHashMap<>();
            for (Map.Entry<String, Supplier<Object>> w : widgets.entrySet()) {
                long start = System.nanoTime();
                w.getValue().get();
                firstLoad.put(w.getKey(), (System.nanoTime() - start) / 1e6);
            }
            Map<String, List<Double>> timings = new LinkedHashMap<>();
            List<Double> dashboard = new ArrayList<>();
            List<Double> referenceDashboard = new ArrayList<>();
            List<Double> exactDashboard = new ArrayList<>();
            List<Double> withoutPartial = new ArrayList<>();
            double cpuWithout = 0;
            // The process's CPU time over the timed runs (every thread: DuckDB's workers too): on a shared machine a
            // steadier figure than wall time.
            var os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long untimedCpu = 0;
            for (int run = 0; run < runs; run++) {
                if (alternate) {
                    // The same dashboard read whole live (as before partial days), then the partial built again;
                    // neither the drop nor the build is in the run's CPU time.
                    DuckDbEventStore duck = (DuckDbEventStore) store;
                    long u0 = os.getProcessCpuTime();
                    duck.dropPartialDays(SITE);
                    long c0 = os.getProcessCpuTime();
                    double without = 0;
                    for (Map.Entry<String, Supplier<Object>> w : widgets.entrySet()) {
                        if (!dashboardWidgets.contains(w.getKey())) continue;
                        long start = System.nanoTime();
                        w.getValue().get();
                        without += (System.nanoTime() - start) / 1e6;
                    }
                    long c1 = os.getProcessCpuTime();
                    cpuWithout += (c1 - c0) / 1e9;
                    withoutPartial.add(without);
                    duck.rollDays(SITE, ZoneId.of("UTC"));
                    untimedCpu += (os.getProcessCpuTime() - c1) + (c0 - u0);
                }
                double total = 0;
                double referenceTotal = 0;
                double exactTotal = 0;
                for (Map.Entry<String, Supplier<Object>> w : widgets.entrySet()) {
                    long start = System.nanoTime();
                    w.getValue().get();
                    double ms = (System.nanoTime() - start) / 1e6;
                    timings.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(ms);
                    if (dashboardWidgets.contains(w.getKey())) total += ms;
                    if (REFERENCE_DASHBOARD.contains(w.getKey())) referenceTotal += ms;
                    if (w.getKey().endsWith(", exact plans")) exactTotal += ms;
                }
                dashboard.add(total);
                referenceDashboard.add(referenceTotal);
                exactDashboard.add(exactTotal);
            }
            double cpuPerRun = (os.getProcessCpuTime() - cpu0 - untimedCpu) / 1e9 / runs - cpuWithout / runs;
            StringBuilder report = new StringBuilder();
            report.append(String.format(
                    "%s: %,d events, one site, %d days, loaded in %.1f s; %d runs; %d cores%n",
                    clickHouse ? "ClickHouse 18.16" : "DuckDB",
                    written,
                    DAYS,
                    loadSeconds,
                    runs,
                    Runtime.getRuntime().availableProcessors()));
            report.append(rollup).append(System.lineSeparator());
            report.append(comparison);
            if (load) {
                report.append(String.format(
                        "load: %,.0f events/s; load average %.1f at the end%n",
                        written / loadSeconds,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage()));
            }
            report.append("memory after the load: ")
                    .append(memoryAfterLoad)
                    .append("\nmemory after the dashboard runs: ")
                    .append(memory())
                    .append(String.format(
                            "%nJVM max heap %,d MB%n", Runtime.getRuntime().maxMemory() / 1024 / 1024));
            report.append(String.format("%-36s %9s %9s%n", "widget", "p50 ms", "p95 ms"));
            timings.forEach((name, ms) ->
                    report.append(String.format("%-36s %9.1f %9.1f%n", name, percentile(ms, 50), percentile(ms, 95))));
            report.append(String.format(
                    "%-36s %9.1f %9.1f%n",
                    "whole dashboard (8 widgets)", percentile(dashboard, 50), percentile(dashboard, 95)));
            report.append(String.format(
                    "first dashboard of the process (warm-up): %.1f ms; pathname %.1f ms%n",
                    firstLoad.entrySet().stream()
                            .filter(e -> dashboardWidgets.contains(e.getKey()))
                            .mapToDouble(Map.Entry::getValue)
                            .sum(),
                    firstLoad.getOrDefault("breakdown pathname", 0.0)));
            if (!clickHouse) {
                report.append(String.format(
                        "%-36s %9.1f %9.1f%n",
                        "whole dashboard, exact plans",
                        percentile(exactDashboard, 50),
                        percentile(exactDashboard, 95)));
            }
            report.append(String.format(
                    "%-36s %9.1f %9.1f%n",
                    "reference: 8 raw queries",
                    percentile(referenceDashboard, 50),
                    percentile(referenceDashboard, 95)));
            if (alternate) {
                report.append(String.format(
                        "%-36s %9.1f %9.1f%n",
                        "whole dashboard, today whole live",
                        percentile(withoutPartial, 50),
                        percentile(withoutPartial, 95)));
                report.append(String.format(
                        "runs, with partial day / today whole live (ms): %s / %s%n"
                                + "process CPU per run of the dashboard today whole live: %.2f s%n",
                        dashboard.stream().map(d -> String.format("%.0f", d)).toList(),
                        withoutPartial.stream()
                                .map(d -> String.format("%.0f", d))
                                .toList(),
                        cpuWithout / runs));
            }
            report.append(String.format(
                    "process CPU per run of every timed widget: %.2f s (%d widgets; partial days: %s)%n",
                    cpuPerRun, widgets.size(), partials));
            report.append(String.format(
                    "load average %.1f after the runs%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage()));
            System.out.println(report);
            Files.writeString(
                    Path.of("target", "benchmarks-stats-" + (clickHouse ? "clickhouse-" : "") + events + ".txt"),
                    report.toString());
        } finally {
            if (store instanceof DuckDbEventStore duck) duck.close();
            if (keep == null) deleteQuietly(dir);
        }
    }

    /** Hand-written widgets the raw dashboard is the sum of (the zone-conversion timeseries is the comparison). */
    private static final Set<String> REFERENCE_DASHBOARD = Set.of(
            "reference: overview",
            "reference: timeseries (day)",
            "reference: pathname",
            "reference: entry_page",
            "reference: referrer",
            "reference: channel",
            "reference: country",
            "reference: device_type");

    /**
     * The reference line: the same widgets hand-written for DuckDB with fewer metrics (visitors and pageviews from
     * events; visitors from the sessions table for session-level breakdowns), site and range bound as {@code ?}.
     * What a query costs without the engine's exactness (sessions crossing the range, bounce, duration, filters).
     */
    private static Map<String, String> referenceQueries() {
        String range = " FROM events WHERE site_id = ? AND ts >= ? AND ts < ?";
        String sessions = " FROM sessions WHERE site_id = ? AND started_at >= ? AND started_at < ?";
        String counted = "event_type IN ('pageview', 'goal')";
        String numbers = "count(DISTINCT visitor_key) FILTER (WHERE " + counted + ") AS visitors,"
                + " count(*) FILTER (WHERE event_type = 'pageview') AS pageviews";
        Map<String, String> out = new LinkedHashMap<>();
        out.put("reference: overview", "SELECT " + numbers + range);
        out.put(
                "reference: timeseries (day)",
                "SELECT epoch_us(ts) // 86400000000 AS day, " + numbers + range + " GROUP BY day ORDER BY day");
        out.put(
                "reference: timeseries, timezone()",
                "SELECT date_trunc('day', timezone('UTC', ts)) AS day, " + numbers + range
                        + " GROUP BY day ORDER BY day");
        for (String d : List.of("pathname", "country", "device_type")) {
            out.put(
                    "reference: " + d,
                    "SELECT " + d + ", " + numbers + range + " AND " + counted + " GROUP BY " + d
                            + " ORDER BY visitors DESC LIMIT 10");
        }
        for (String d : List.of("entry_page", "referrer", "channel")) {
            out.put(
                    "reference: " + d,
                    "SELECT " + d + ", count(DISTINCT visitor_key) AS visitors" + sessions + " GROUP BY " + d
                            + " ORDER BY visitors DESC LIMIT 10");
        }
        return out;
    }

    /**
     * The same reference widgets hand-written for ClickHouse on our tables: exact counts ({@code uniqExact}) of
     * visitors and pageviews from events; session-level breakdowns from the sessions table, merged by session.
     */
    private static Map<String, String> clickHouseReferenceQueries() {
        String range = " FROM events WHERE site_id = ? AND ts >= ? AND ts < ?";
        String counted = "event_type IN ('pageview', 'goal')";
        String numbers = "uniqExactIf(visitor_key, " + counted + ") AS visitors,"
                + " countIf(event_type = 'pageview') AS pageviews";
        Map<String, String> out = new LinkedHashMap<>();
        out.put("reference: overview", "SELECT " + numbers + range);
        out.put(
                "reference: timeseries (day)",
                "SELECT toDate(ts, 'UTC') AS day, " + numbers + range + " GROUP BY day ORDER BY day");
        for (String d : List.of("pathname", "country", "device_type")) {
            out.put(
                    "reference: " + d,
                    "SELECT " + d + ", " + numbers + range + " AND " + counted + " GROUP BY " + d
                            + " ORDER BY visitors DESC LIMIT 10");
        }
        for (String d : List.of("entry_page", "referrer", "channel")) {
            out.put(
                    "reference: " + d,
                    "SELECT " + d + ", uniqExact(visitor_key) AS visitors FROM (SELECT argMinIfMerge(" + d
                            + "_state) AS " + d + ", anyMerge(visitor_key_state) AS visitor_key FROM sessions"
                            + " WHERE site_id = ? AND day >= toDate(?) AND day < toDate(?) GROUP BY session_key)"
                            + " GROUP BY " + d + " ORDER BY visitors DESC LIMIT 10");
        }
        return out;
    }

    /** Resident set size now and its peak (VmRSS, VmHWM), from /proc; "n/a" where there is none. */
    private static String memory() {
        try {
            Map<String, String> status = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                String[] kv = line.split(":\\s+", 2);
                if (kv.length == 2) status.put(kv[0], kv[1]);
            }
            return "RSS " + status.get("VmRSS") + ", peak " + status.get("VmHWM");
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }

    /** The plan, and the largest relative visitor error and whether every other number is equal, vs the exact plans. */
    private static String compare(String name, QueryCompiler.Plan plan, List<StatsRow> got, List<StatsRow> exact) {
        double worst = 0;
        boolean same = got.size() == exact.size();
        for (int i = 0; same && i < got.size(); i++) {
            Components a = got.get(i).components();
            Components b = exact.get(i).components();
            worst = Math.max(worst, Math.abs(a.visitors() - b.visitors()) / (double) Math.max(1, b.visitors()));
            same = got.get(i).groups().equals(exact.get(i).groups())
                    && a.sessions() == b.sessions()
                    && a.pageviews() == b.pageviews()
                    && a.bounces() == b.bounces()
                    && Math.abs(a.durationSum() - b.durationSum()) < 1e-3 * Math.max(1, b.durationSum())
                    && a.leaveCount() == b.leaveCount()
                    && a.scrollCount() == b.scrollCount();
        }
        return String.format(
                "%-24s plan %-8s visitors off by at most %.2f%%, other numbers and groups %s%n",
                name, plan, 100 * worst, same ? "equal" : "DIFFERENT");
    }

    private static StatsQuery query(
            LocalDate first, LocalDate last, List<Dimension> dims, Interval interval, int limit) {
        return new StatsQuery(
                SITE,
                first,
                last,
                ZoneId.of("UTC"),
                List.of(Metric.values()),
                dims,
                List.of(),
                interval,
                StatsQuery.Order.VISITORS_DESC,
                limit,
                0,
                List.of());
    }

    private static Instant lastEvent(EventStore store) {
        return store.query(
                        "SELECT max(ts) FROM events",
                        List.of(),
                        (rs, n) ->
                                rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
                .get(0);
    }

    private static long count(EventStore store, String sql) {
        return store.query(sql, List.of(), (rs, n) -> rs.getLong(1)).get(0);
    }

    private static long count(EventStore store) {
        return store.query("SELECT count(*) FROM events", List.of(), (rs, n) -> rs.getLong(1))
                .get(0);
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static void deleteQuietly(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
