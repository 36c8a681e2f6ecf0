package com.datasaas.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.NodeCache;
import com.maxmind.db.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The MMDB reader with MaxMind's {@code CHMCache} (before) and with {@link DecodedValueCache}, alternating in one JVM
 * over new addresses spread as {@code bench/ingest.lua}'s are, in chunks taken in turns. Thread CPU time per
 * {@code getRecord} and {@code toLocation}; that both caches give the same answers is {@code DecodedValueCacheTest}'s
 * job. A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=DecodedValueCacheBenchmark [-Dbench.lookups=300000] [-Dbench.rounds=6]</pre>
 */
class DecodedValueCacheBenchmark {

    private static final int CHUNK = 5_000;

    @Test
    void cpu_per_reader_lookup_with_each_cache() throws Exception {
        int count = Integer.getInteger("bench.lookups", 300_000);
        int rounds = Integer.getInteger("bench.rounds", 6);
        SplittableRandom random = new SplittableRandom(9);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int capacity = Integer.getInteger("bench.capacity", MmdbGeoLocator.RECORD_CACHE_SIZE);
        long[] decodes = new long[2];
        try (var before = reader(counted(new CHMCache(MmdbGeoLocator.RECORD_CACHE_SIZE), decodes, 0));
                var after = reader(counted(new DecodedValueCache(capacity), decodes, 1))) {
            for (int round = 1; round <= rounds; round++) {
                // Each reader gets its own new addresses, in chunks taken in turns (which reader goes first alternates
                // per chunk), so neither runs on what the other just brought into the processor's caches.
                InetAddress[] forBefore = addresses(random, count);
                InetAddress[] forAfter = addresses(random, count);
                long beforeNanos = 0;
                long afterNanos = 0;
                long found = 0;
                for (int chunk = 0; chunk < count; chunk += CHUNK) {
                    for (int pass = 0; pass < 2; pass++) {
                        boolean runBefore = (pass == 0) == ((chunk / CHUNK) % 2 == 0);
                        Reader reader = runBefore ? before : after;
                        InetAddress[] addresses = runBefore ? forBefore : forAfter;
                        long cpu = threads.getCurrentThreadCpuTime();
                        for (int i = chunk; i < chunk + CHUNK; i++) {
                            var record = reader.getRecord(addresses[i], MmdbGeoLocator.FlatRecord.class)
                                    .data();
                            found += record == null ? 0 : record.toLocation().hashCode() | 1;
                        }
                        long spent = threads.getCurrentThreadCpuTime() - cpu;
                        if (runBefore) beforeNanos += spent;
                        else afterNanos += spent;
                    }
                }
                System.out.printf(
                        "round %d: CHMCache %.3f us, DecodedValueCache(%d) %.3f us per lookup (%,d each); values"
                                + " decoded past the cache per lookup %.2f and %.2f (%d)%n",
                        round,
                        beforeNanos / 1000.0 / count,
                        capacity,
                        afterNanos / 1000.0 / count,
                        count,
                        (double) decodes[0] / count,
                        (double) decodes[1] / count,
                        found & 1);
                decodes[0] = 0;
                decodes[1] = 0;
            }
        }
    }

    private static InetAddress[] addresses(SplittableRandom random, int count) throws java.io.IOException {
        InetAddress[] addresses = new InetAddress[count];
        for (int i = 0; i < count; i++) {
            addresses[i] = InetAddress.getByAddress(new byte[] {
                (byte) (1 + random.nextInt(223)),
                (byte) random.nextInt(256),
                (byte) random.nextInt(256),
                (byte) (1 + random.nextInt(254))
            });
        }
        return addresses;
    }

    /** The cache, counting the values it has to have decoded (its misses, and every lookup past its capacity). */
    private static NodeCache counted(NodeCache cache, long[] decodes, int slot) {
        return (key, loader) -> cache.get(key, missed -> {
            decodes[slot]++;
            return loader.load(missed);
        });
    }

    private static Reader reader(NodeCache cache) throws java.io.IOException {
        return new Reader(MmdbGeoLocatorTest.IPV4.toFile(), cache);
    }
}
