package com.datasaas.events;

import com.datasaas.app.DataSaasProperties;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the DuckDB writer's time goes, statement by statement: appends batches of pageviews (one in ten a leave event)
 * of sessions drawn at random from a pool, like bench/ingest.lua, through {@link DuckDbEventStore#appendSpooled}, and
 * prints the wall time spent in each step of the batch (the time from one step's hook to the next; the first step,
 * {@code clear_batch}, includes the appender). A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=WriterStepsBenchmark -Dbench.batches=60 [-Dbench.batch=2000] [-Dbench.sessions=100000]</pre>
 */
@EnabledIfSystemProperty(named = "bench.batches", matches = "\\d+")
class WriterStepsBenchmark {
    @TempDir
    Path dir;

    @Test
    void writer_steps() throws Exception {
        int batches = Integer.getInteger("bench.batches");
        int size = Integer.getInteger("bench.batch", 2000);
        int sessions = Integer.getInteger("bench.sessions", 100_000);
        // The app merges sessions once per second and flushes every 500 ms: a merge every second batch.
        int mergeEvery = Integer.getInteger("bench.stepsMergeEvery", 2);
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        DuckDbEventStore store = new DuckDbEventStore(new DataSaasProperties(dir, null, null, null, null));
        // Sessions stored before, none of them in the batches: how the merge's cost grows with the table.
        int storedSessions = Integer.getInteger("bench.storedSessions", 0);
        if (storedSessions > 0) {
            try (var c = store.duplicateConnection();
                    var st = c.createStatement()) {
                st.execute("INSERT INTO sessions (site_id, session_key, visitor_key, started_at, ended_at, pageviews,"
                        + " goals, leave_ms, leave_count, scroll, scroll_count, entry_at, entry_page, exit_at, exit_page)"
                        + " SELECT 'mrf_store', -1 - i, i, TIMESTAMPTZ '2026-10-01 00:00:00+00' + INTERVAL (i) SECOND,"
                        + " TIMESTAMPTZ '2026-10-01 00:00:00+00' + INTERVAL (i) SECOND, 1, 0, 0, 0, 0, 0,"
                        + " TIMESTAMPTZ '2026-10-01 00:00:00+00' + INTERVAL (i) SECOND, '/', TIMESTAMPTZ"
                        + " '2026-10-01 00:00:00+00' + INTERVAL (i) SECOND, '/' FROM range(" + storedSessions
                        + ") t(i)");
                st.execute("CHECKPOINT");
            }
        }
        // Per step: wall time and the process's CPU time (DuckDB's own threads included), from its hook to the next.
        Map<String, long[]> spent = new LinkedHashMap<>();
        long[] since = {0, 0};
        String[] step = {null};
        Runnable close = () -> {
            long now = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            if (step[0] != null) {
                long[] s = spent.computeIfAbsent(step[0], k -> new long[2]);
                s[0] += now - since[0];
                s[1] += cpu - since[1];
            }
            since[0] = now;
            since[1] = cpu;
        };
        store.onEachStep(next -> {
            close.run();
            step[0] = next;
        });
        Random random = new Random(1);
        long id = 0;
        long total = 0;
        long cpu0 = os.getProcessCpuTime();
        for (int b = 0; b < batches; b++) {
            List<SpooledEvent> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(new SpooledEvent(++id, event(id, random.nextInt(sessions), i % 10 == 9, random)));
            }
            long start = System.nanoTime();
            store.appendSpooled(batch);
            if (mergeEvery > 0 && ((b + 1) % mergeEvery == 0 || b == batches - 1)) store.mergeSessions();
            close.run();
            step[0] = null;
            total += System.nanoTime() - start;
        }
        long cpu = os.getProcessCpuTime() - cpu0;
        long stored = store.query("SELECT count(*) FROM sessions", List.of(), (rs, n) -> rs.getLong(1))
                .get(0);
        System.out.printf(
                "writer steps: %d events in batches of %d, a merge every %d, %d sessions, %d ms, %.1f us wall and"
                        + " %.1f us CPU per event%n",
                id, size, mergeEvery, stored, total / 1_000_000, total / 1000.0 / id, cpu / 1000.0 / id);
        for (var e : spent.entrySet()) {
            System.out.printf(
                    "  %-24s %7d ms wall %7d ms CPU  %4.1f%% of CPU%n",
                    e.getKey(),
                    e.getValue()[0] / 1_000_000,
                    e.getValue()[1] / 1_000_000,
                    100.0 * e.getValue()[1] / cpu);
        }
        store.close();
    }

    /**
     * The writer's cost with the session merge every Nth batch instead of in every batch: for each N of
     * {@code -Dbench.mergeEvery=1,2,4} in turn (twice, alternating), a fresh store gets the same batches, and the
     * process CPU and wall time of the appends plus merges are printed per event. N = 0 merges inside each batch's
     * transaction, as every batch did before the sessions watermark (through {@code append}, which still does); N = 1
     * is a separate merge transaction after every batch.
     *
     * <pre>./mvnw -q test -Dtest=WriterStepsBenchmark#merge_intervals -Dbench.batches=60 -Dbench.mergeEvery=1,2,4</pre>
     */
    @Test
    @EnabledIfSystemProperty(named = "bench.mergeEvery", matches = "[0-9,]+")
    void merge_intervals() throws Exception {
        int batches = Integer.getInteger("bench.batches");
        int size = Integer.getInteger("bench.batch", 2000);
        int sessions = Integer.getInteger("bench.sessions", 100_000);
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        String[] everys = System.getProperty("bench.mergeEvery").split(",");
        for (int round = 0; round < 2; round++) {
            for (String every : everys) {
                int n = Integer.parseInt(every);
                Path runDir = dir.resolve("r" + round + "-" + n);
                DuckDbEventStore store = new DuckDbEventStore(new DataSaasProperties(runDir, null, null, null, null));
                Random random = new Random(1);
                long id = 0;
                long merges = 0;
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    List<SpooledEvent> batch = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        batch.add(new SpooledEvent(++id, event(id, random.nextInt(sessions), i % 10 == 9, random)));
                    }
                    if (n == 0) {
                        store.append(batch.stream().map(SpooledEvent::event).toList()); // merged in the batch
                        continue;
                    }
                    store.appendSpooled(batch);
                    if ((b + 1) % n == 0 || b == batches - 1) {
                        store.mergeSessions();
                        merges++;
                    }
                }
                long cpu = os.getProcessCpuTime() - cpu0;
                long wall = System.nanoTime() - wall0;
                System.out.printf(
                        "merge every %d batch(es) of %d (0: in the batch): %d events, %d merges, CPU %.1f us per event, wall %.1f us"
                                + " per event%n",
                        n, size, id, merges, cpu / 1000.0 / id, wall / 1000.0 / id);
                store.close();
            }
        }
    }

    /**
     * What binding, optimising and planning costs per statement of the writer, apart from running it: each statement of
     * a batch and of a session merge is prepared 100 times (after 30 to warm up) on a connection to a store holding a
     * few batches, and the process CPU per preparation is printed. The writer runs each of them as a fresh statement,
     * so this is the most that keeping them prepared could save per batch or per merge.
     *
     * <pre>./mvnw -q test -Dtest=WriterStepsBenchmark#prepare_costs -Dbench.batches=1 -Dbench.prepare=true</pre>
     */
    @Test
    @EnabledIfSystemProperty(named = "bench.prepare", matches = "true")
    void prepare_costs() throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        DuckDbEventStore store = new DuckDbEventStore(new DataSaasProperties(dir, null, null, null, null));
        Random random = new Random(1);
        long id = 0;
        for (int b = 0; b < 4; b++) {
            List<SpooledEvent> batch = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                batch.add(new SpooledEvent(++id, event(id, random.nextInt(100_000), i % 10 == 9, random)));
            }
            store.appendSpooled(batch);
        }
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("clear_batch", DuckDbEventStore.EMPTY_BATCH_TABLE);
        statements.put(
                "skip_stored", "DELETE FROM event_batch WHERE event_id <= (SELECT max(event_id) FROM spool_watermark)");
        statements.put("insert_events", "INSERT INTO events SELECT * FROM event_batch");
        statements.put("mark_rollup_dirty", HourlyRollup.markDirty("event_batch"));
        var merge = SessionRollup.mergeTail(0, id);
        for (var s : merge) if (!s.name().startsWith("drop")) statements.put(s.name(), s.sql());
        // TEMP tables belong to their connection: this one gets its own batch table and tail.
        try (var c = store.duplicateConnection()) {
            try (var st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE event_batch AS SELECT * FROM events LIMIT 0");
                st.execute(merge.get(0).sql());
            }
            for (var e : statements.entrySet()) {
                for (int r = 0; r < 30; r++) c.prepareStatement(e.getValue()).close();
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                for (int r = 0; r < 100; r++) c.prepareStatement(e.getValue()).close();
                System.out.printf(
                        "prepare %-26s %5d chars %7.2f ms wall %7.2f ms CPU each%n",
                        e.getKey(),
                        e.getValue().length(),
                        (System.nanoTime() - wall0) / 100 / 1e6,
                        (os.getProcessCpuTime() - cpu0) / 100 / 1e6);
            }
        }
        store.close();
    }

    private static Event event(long id, int session, boolean leave, Random random) {
        EventType type = leave ? EventType.LEAVE : EventType.PAGEVIEW;
        Event e = DuckDbEventStoreTest.event((int) id, type);
        return TestEvent.from(e)
                .timestamp(Instant.parse("2026-11-01T00:00:00Z").plusMillis(id * 10))
                .visitorId("v" + session)
                .sessionId("s" + session)
                .visitorKey(IdKeys.of(e.siteId(), "v" + session))
                .sessionKey(IdKeys.of(e.siteId(), "s" + session))
                .goalName(null)
                .path("/p" + random.nextInt(50))
                .utmSource("newsletter")
                .build();
    }
}
