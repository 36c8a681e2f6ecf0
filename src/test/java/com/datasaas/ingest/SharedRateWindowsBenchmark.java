package com.datasaas.ingest;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What the shared rate windows cost the app per event under the ingest benchmark's traffic (every event from a new
 * random address, none ever shared), without HTTP or a database: one thread calls {@code blocked} and {@code accepted}
 * per event and {@code flush} once per second of a test clock, and its CPU time is divided by the events. Two rounds
 * per JVM (the first includes warm-up). A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=SharedRateWindowsBenchmark [-Dbench.perSecond=15000] [-Dbench.seconds=60]</pre>
 */
class SharedRateWindowsBenchmark {
    @Test
    void cpu_per_event_of_the_shared_rate_windows() {
        int perSecond = Integer.getInteger("bench.perSecond", 15_000);
        int seconds = Integer.getInteger("bench.seconds", 60);
        SharedRateWindowsTest.TestClock clock = new SharedRateWindowsTest.TestClock();
        // No address reaches the sharing count, so the flush never needs the database.
        SharedRateWindows windows =
                new SharedRateWindows(null, clock, new IngestSettings(100, null, null, null, null, null, null));
        SplittableRandom random = new SplittableRandom(1);
        var threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 2; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long events = 0;
            for (int s = 0; s < seconds; s++) {
                for (int i = 0; i < perSecond; i++) {
                    String address = (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256)
                            + "." + (1 + random.nextInt(254));
                    if (windows.blocked(address).isZero()) windows.accepted(address);
                    events++;
                }
                windows.flush();
                clock.now = clock.now.plusSeconds(1);
            }
            cpu = threads.getCurrentThreadCpuTime() - cpu;
            System.out.printf(
                    "round %d: %.2f us CPU per event (blocked + accepted + flush, %,d events)%n",
                    round, cpu / 1000.0 / events, events);
        }
    }
}
