package com.datasaas.ingest;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What waking the requests of a group costs the spool writer, and what waiting without parking would cost instead:
 * closed-loop appenders (as wrk's connections), each waiting for its record's fsync either parked ({@link
 * Spool#append}, what requests do) or spinning on the future for up to {@code bench.spin.us} before they park. Prints,
 * per event, the spool writer's CPU (and its system share), the appenders' CPU, the events per group and the append
 * latency's p50 / p99; the two ways alternate in the same run. A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=SpoolWakeBenchmark -Dbench.rounds=3 [-Dbench.threads=16 -Dbench.spin.us=300]</pre>
 */
@EnabledIfSystemProperty(named = "bench.rounds", matches = "\\d+")
class SpoolWakeBenchmark {
    @TempDir
    Path dir;

    @Test
    void parked_waiters_against_spinning_ones() throws Exception {
        int rounds = Integer.getInteger("bench.rounds");
        int threads = Integer.getInteger("bench.threads", 16);
        long spinNanos = TimeUnit.MICROSECONDS.toNanos(Integer.getInteger("bench.spin.us", 300));
        long secondsEach = Integer.getInteger("bench.seconds", 3);
        byte[] payload = new byte[300]; // an ingest.lua pageview's record is about this size
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Spool spool = new Spool(dir, 1L << 34, 16 << 20, 0, () -> {}, registry)) {
            DistributionSummary groups =
                    registry.get("datasaas.ingest.spool.group").summary();
            Thread spoolWriter = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("spool-writer"))
                    .findFirst()
                    .orElseThrow();
            for (int round = 0; round < rounds + 1; round++) { // round 0 warms the JIT up
                for (int way = round % 2, n = 0; n < 2; n++, way ^= 1) {
                    boolean spin = way == 1;
                    AtomicBoolean running = new AtomicBoolean(true);
                    long[][] latencies = new long[threads][];
                    long[] appenderCpu = new long[threads];
                    List<Thread> appenders = new ArrayList<>();
                    long firstId = spool.lastDurableId();
                    long firstGroups = groups.count();
                    long writerCpu = cpu.getThreadCpuTime(spoolWriter.getId());
                    long writerUser = cpu.getThreadUserTime(spoolWriter.getId());
                    for (int t = 0; t < threads; t++) {
                        int index = t;
                        Thread a = new Thread(() -> {
                            long[] lat = new long[1 << 20];
                            int count = 0;
                            long start = cpu.getCurrentThreadCpuTime();
                            try {
                                while (running.get()) {
                                    long begin = System.nanoTime();
                                    if (spin) {
                                        CompletableFuture<Long> done = spool.appendAsync(payload);
                                        while (!done.isDone() && System.nanoTime() - begin < spinNanos) {
                                            Thread.onSpinWait();
                                        }
                                        done.get();
                                    } else {
                                        spool.append(payload, 10_000);
                                    }
                                    if (count < lat.length) lat[count++] = System.nanoTime() - begin;
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            appenderCpu[index] = cpu.getCurrentThreadCpuTime() - start;
                            latencies[index] = Arrays.copyOf(lat, count);
                        });
                        appenders.add(a);
                        a.start();
                    }
                    Thread.sleep(TimeUnit.SECONDS.toMillis(secondsEach));
                    running.set(false);
                    for (Thread a : appenders) a.join();
                    long writerCpuUsed = cpu.getThreadCpuTime(spoolWriter.getId()) - writerCpu;
                    long writerUserUsed = cpu.getThreadUserTime(spoolWriter.getId()) - writerUser;
                    long events = spool.lastDurableId() - firstId;
                    long groupCount = groups.count() - firstGroups;
                    long[] all = Arrays.stream(latencies)
                            .flatMapToLong(Arrays::stream)
                            .sorted()
                            .toArray();
                    long appenderTotal = Arrays.stream(appenderCpu).sum();
                    if (round == 0) continue;
                    System.out.printf(
                            "%s: %d events/s, %.1f per group; spool writer %.2f us/event (system %.0f%%), appenders %.2f us/event;"
                                    + " append p50 %.3f ms p99 %.3f ms%n",
                            spin ? "spin " + spinNanos / 1000 + " us then park" : "park",
                            events / secondsEach,
                            (double) events / groupCount,
                            writerCpuUsed / 1e3 / events,
                            100.0 * (writerCpuUsed - writerUserUsed) / writerCpuUsed,
                            appenderTotal / 1e3 / events,
                            all[all.length / 2] / 1e6,
                            all[(int) (all.length * 0.99)] / 1e6);
                }
            }
        }
    }
}
