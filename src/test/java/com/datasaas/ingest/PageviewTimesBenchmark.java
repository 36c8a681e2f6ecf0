package com.datasaas.ingest;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.SplittableRandom;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.Test;

/**
 * What remembering a page view's start costs per event under the ingest benchmark's traffic (random visitors, so
 * hundreds of thousands of page views and a cold table slot per event), the way main did it and this way, alternating
 * in one JVM: main copied the key's parts into a {@code char[]} and hashed it with DataSketches (its state object and
 * result array), this hashes the strings as they stream by. Thread CPU time and allocated bytes per call, for the key
 * alone and for the whole {@link PageviewTimes#pageview} (key and table), the latter also with other work between the
 * calls, as a request thread does it: there main's each put waited out its cache miss, this defers puts and writes
 * them in batches whose misses overlap ({@link ExpiringLongMap#DEFERRED_PUTS}). A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=PageviewTimesBenchmark [-Dbench.visitors=400000] [-Dbench.calls=1000000]
 * [-Dbench.rounds=6]
 * [-Dbench.otherWork=512]</pre>
 */
class PageviewTimesBenchmark {
    private static final String SITE = "3f6c2a9e-5b1d-4c7e-9a0f-1e2d3c4b5a69";
    private static final String[] PAGES = {
        "/", "/pricing", "/blog", "/blog/how-we-count", "/docs", "/docs/api", "/signup", "/about"
    };

    @Test
    void cpu_and_allocation_per_pageview() {
        int visitors = Integer.getInteger("bench.visitors", 400_000);
        int calls = Integer.getInteger("bench.calls", 1_000_000);
        int rounds = Integer.getInteger("bench.rounds", 6);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PageviewTimes times = new PageviewTimes();
        // main's way: its key, and each put written to the table at once; a table of the same bound, so both pay the
        // same cold slots
        ExpiringLongMap mainTable = new ExpiringLongMap(PageviewTimes.MAX_PAGEVIEWS, PageviewTimes.MAX_UNKNOWN, 0, 1);
        // A request does ~50 us of other work between two page views, which evicts the table's lines and leaves no
        // independent work for the processor to overlap a cache miss with; reading through a buffer of the size of a
        // core's L2 stands in for it (the tight loop lets the processor overlap the misses of successive calls, which
        // a request thread never sees).
        long[] otherWork = new long[1 << 16];
        int reads = Integer.getInteger("bench.otherWork", 512);
        long[] sink = {0};
        for (int round = 1; round <= rounds; round++) {
            Instant at = Instant.ofEpochMilli(1_800_000_000_000L + round);
            // A request's strings were just parsed, so they are in the cache while its key is hashed: fresh strings in
            // the order of the calls, named as bench/ingest.lua names them ("s" + "v<wrk thread>-<1..50000>"). The
            // table slots stay random over visitors x pages.
            SplittableRandom random = new SplittableRandom(round);
            String[] sessions = new String[calls];
            String[] pages = new String[calls];
            for (int i = 0; i < calls; i++) {
                int visitor = random.nextInt(visitors);
                sessions[i] = "sv" + (visitor / 50_000) + "-" + (1 + visitor % 50_000);
                pages[i] = PAGES[random.nextInt(PAGES.length)];
            }
            Runnable mainKey = () -> {
                for (int i = 0; i < calls; i++) sink[0] += mainHash(SITE, sessions[i], pages[i]);
            };
            Runnable key = () -> {
                for (int i = 0; i < calls; i++) sink[0] += ExpiringLongMap.hash(SITE, sessions[i], pages[i]);
            };
            Runnable mainPageview = () -> {
                for (int i = 0; i < calls; i++) {
                    mainTable.put(mainHash(SITE, sessions[i], pages[i]), at.toEpochMilli(), System.nanoTime());
                }
            };
            Runnable pageview = () -> {
                for (int i = 0; i < calls; i++) times.pageview(SITE, sessions[i], pages[i], at);
            };
            Runnable otherWorkAlone = () -> {
                for (int i = 0; i < calls; i++) sink[0] += otherWork(otherWork, reads, i);
            };
            Runnable mainPageviewInRequest = () -> {
                for (int i = 0; i < calls; i++) {
                    sink[0] += otherWork(otherWork, reads, i);
                    mainTable.put(mainHash(SITE, sessions[i], pages[i]), at.toEpochMilli(), System.nanoTime());
                }
            };
            Runnable pageviewInRequest = () -> {
                for (int i = 0; i < calls; i++) {
                    sink[0] += otherWork(otherWork, reads, i);
                    times.pageview(SITE, sessions[i], pages[i], at);
                }
            };
            // main first in odd rounds, this way first in even ones
            boolean mainFirst = round % 2 == 1;
            long[] mainKeyCost = measure(threads, mainFirst ? mainKey : key);
            long[] keyCost = measure(threads, mainFirst ? key : mainKey);
            long[] mainCost = measure(threads, mainFirst ? mainPageview : pageview);
            long[] cost = measure(threads, mainFirst ? pageview : mainPageview);
            long[] alone = measure(threads, otherWorkAlone);
            long[] mainInRequest = measure(threads, mainFirst ? mainPageviewInRequest : pageviewInRequest);
            long[] inRequest = measure(threads, mainFirst ? pageviewInRequest : mainPageviewInRequest);
            if (!mainFirst) {
                long[] swapped = mainInRequest;
                mainInRequest = inRequest;
                inRequest = swapped;
                long[] swap = mainKeyCost;
                mainKeyCost = keyCost;
                keyCost = swap;
                swap = mainCost;
                mainCost = cost;
                cost = swap;
            }
            System.out.printf(
                    "round %d (%s first): key main %.0f ns %.0f B, key now %.0f ns %.0f B; pageview main %.0f ns %.0f B,"
                            + " pageview now %.0f ns %.0f B per call (%,d calls over %,d visitors x %d pages)%n",
                    round,
                    mainFirst ? "main" : "now",
                    (double) mainKeyCost[0] / calls,
                    (double) mainKeyCost[1] / calls,
                    (double) keyCost[0] / calls,
                    (double) keyCost[1] / calls,
                    (double) mainCost[0] / calls,
                    (double) mainCost[1] / calls,
                    (double) cost[0] / calls,
                    (double) cost[1] / calls,
                    calls,
                    visitors,
                    PAGES.length);
            System.out.printf(
                    "round %d, between calls other work (%d reads, %.0f ns alone): pageview main %.0f ns, pageview now"
                            + " %.0f ns per call beyond that work%n",
                    round,
                    reads,
                    (double) alone[0] / calls,
                    (double) (mainInRequest[0] - alone[0]) / calls,
                    (double) (inRequest[0] - alone[0]) / calls);
        }
        System.out.println("(checksum " + sink[0] + ")");
    }

    /** Reads through the buffer from where the call's number says, one read per cache line. */
    private static long otherWork(long[] buffer, int reads, int call) {
        long sum = 0;
        int at = call * reads * 8;
        for (int r = 0; r < reads; r++) sum += buffer[(at + 8 * r) & (buffer.length - 1)];
        return sum;
    }

    /** Thread CPU nanoseconds and allocated bytes of one run. */
    private static long[] measure(com.sun.management.ThreadMXBean threads, Runnable run) {
        long cpu = threads.getCurrentThreadCpuTime();
        long bytes = threads.getCurrentThreadAllocatedBytes();
        run.run();
        return new long[] {threads.getCurrentThreadCpuTime() - cpu, threads.getCurrentThreadAllocatedBytes() - bytes};
    }

    /** The key as main built it: the parts with their lengths copied into one array, hashed by DataSketches. */
    private static long mainHash(String... parts) {
        int length = 0;
        for (String part : parts) length += 2 + part.length();
        char[] key = new char[length];
        int at = 0;
        for (String part : parts) {
            key[at++] = (char) (part.length() >>> 16);
            key[at++] = (char) part.length();
            part.getChars(0, part.length(), key, at);
            at += part.length();
        }
        return MurmurHash3.hash(key, 0x9E3779B97F4A7C15L)[0];
    }
}
