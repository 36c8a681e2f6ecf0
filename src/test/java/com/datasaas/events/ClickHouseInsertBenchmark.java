package com.datasaas.events;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one event costs ClickHouse and the app's writer thread to store, per insert format, on a private ClickHouse
 * 18.16: the same batches of pageviews (drawn like bench/ingest.lua: many visitors, realistic fields) go through
 * {@link ClickHouseEventStore#appendSpooled} as JSONEachRow and as RowBinary, alternating, each round into a fresh
 * database. Printed per format: the ClickHouse server's CPU time (user + system from /proc, over the inserts and a
 * settle time for the merges they start, minus its idle CPU over as long) and the writer thread's CPU time, per event.
 * A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=ClickHouseInsertBenchmark -Dbench.events=200000 [-Dbench.batch=1000] [-Dbench.rounds=3]</pre>
 */
@EnabledIfSystemProperty(named = "bench.events", matches = "\\d+")
class ClickHouseInsertBenchmark {
    private static final long TICK_NANOS = 10_000_000L; // CLK_TCK 100 on Linux
    private static final long SETTLE_MILLIS = 3_000;

    @TempDir
    Path dir;

    @Test
    void insert_formats() throws Exception {
        int events = Integer.getInteger("bench.events");
        int batch = Integer.getInteger("bench.batch", 1000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        ClickHouseServer server = ClickHouseServer.shared();
        List<List<SpooledEvent>> batches = batches(events, batch);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String[] formats = {"JSONEachRow", "RowBinary"};
        long[][] serverNanos = new long[2][rounds];
        long[][] writerNanos = new long[2][rounds];
        long[][] wallNanos = new long[2][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int f = 0; f < 2; f++) {
                String database = "insert_bench_" + ProcessHandle.current().pid() + "_" + round + "_" + f;
                ClickHouseEventStore store = new ClickHouseEventStore(
                        new ClickHouseSettings(server.url(database), null, null),
                        new DataSaasProperties(dir.resolve(database), null, null, null, null));
                if (f == 0) store.writeJsonEachRow();
                Thread.sleep(SETTLE_MILLIS); // start-up's own statements and merges
                long idle0 = ticks(server.pid());
                Thread.sleep(SETTLE_MILLIS);
                long idle = ticks(server.pid()) - idle0;
                long server0 = ticks(server.pid());
                long writer0 = threads.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                for (List<SpooledEvent> b : batches) store.appendSpooled(b);
                writerNanos[f][round] = threads.getCurrentThreadCpuTime() - writer0;
                wallNanos[f][round] = System.nanoTime() - wall0;
                long wallMillis = wallNanos[f][round] / 1_000_000;
                Thread.sleep(SETTLE_MILLIS);
                long used = ticks(server.pid()) - server0;
                // Idle CPU (system logs, merge scheduling) scaled to the measured span, so only the inserts remain.
                double idlePerMilli = idle / (double) SETTLE_MILLIS;
                serverNanos[f][round] = Math.round((used - idlePerMilli * (wallMillis + SETTLE_MILLIS)) * TICK_NANOS);
                server.run("DROP DATABASE " + database);
            }
        }
        System.out.printf(
                "ClickHouse insert formats: %d events in batches of %d, %d rounds (idle CPU subtracted)%n",
                events, batch, rounds);
        for (int f = 0; f < 2; f++) {
            StringBuilder line = new StringBuilder(String.format("%-12s", formats[f]));
            for (int round = 0; round < rounds; round++) {
                line.append(String.format(
                        " | ClickHouse %5.1f us/event, writer thread %5.1f us/event, wall %5.1f us/event",
                        serverNanos[f][round] / 1000.0 / events,
                        writerNanos[f][round] / 1000.0 / events,
                        wallNanos[f][round] / 1000.0 / events));
            }
            System.out.println(line);
        }
    }

    /** User + system CPU ticks of a process (fields 14 and 15 of /proc/PID/stat). */
    private static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Pageviews of many visitors with the fields a browser sends and enrichment adds, numbered from 1. */
    private static List<List<SpooledEvent>> batches(int events, int size) {
        Random random = new Random(42);
        String[] pages = {"/", "/pricing", "/blog", "/blog/how-we-count", "/docs", "/docs/api", "/signup", "/about"};
        String[] browsers = {"Chrome", "Safari", "Firefox", "Edge"};
        String[] countries = {"US", "DE", "FR", "GB", "JP", "BR", "IN"};
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        List<List<SpooledEvent>> out = new ArrayList<>();
        List<SpooledEvent> current = new ArrayList<>(size);
        for (int i = 1; i <= events; i++) {
            int visitor = random.nextInt(100_000);
            String page = pages[random.nextInt(pages.length)];
            boolean leave = i % 10 == 0;
            Event e = TestEvent.of(
                            "mrf_bench",
                            start.plusMillis(i * 3L),
                            leave ? EventType.LEAVE : EventType.PAGEVIEW,
                            "v" + visitor,
                            "s" + visitor)
                    .url("https://example.com" + page + "?utm_source=newsletter")
                    .path(page)
                    .title("Example")
                    .referrer("https://www.google.com/")
                    .referrerDomain("google.com")
                    .referrerSource("Google")
                    .channel("Organic Search")
                    .utmSource("newsletter")
                    .screenWidth(1440)
                    // random draws in the order of the fields, as before the builder: the same seed, the same events
                    .browser(browsers[random.nextInt(browsers.length)])
                    .browserVersion("131")
                    .osVersion("10")
                    .country(countries[random.nextInt(countries.length)])
                    .region("Region " + random.nextInt(50))
                    .city("City " + random.nextInt(1000))
                    .latitude(random.nextDouble() * 180 - 90)
                    .longitude(random.nextDouble() * 360 - 180)
                    .durationMs(leave ? (long) random.nextInt(600_000) : null)
                    .scrollDepth(leave ? random.nextInt(101) : null)
                    .build();
            current.add(new SpooledEvent(i, e));
            if (current.size() == size) {
                out.add(current);
                current = new ArrayList<>(size);
            }
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }
}
