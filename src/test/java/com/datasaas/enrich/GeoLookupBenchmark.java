package com.datasaas.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A GeoIP lookup the two ways, alternating in one JVM over addresses spread as {@code bench/ingest.lua}'s are: MaxMind's
 * reader with its record cache, then {@code toLocation} (every lookup walked and decoded, as before the per-block
 * answers), and {@link MmdbGeoLocator}. Thread CPU time per lookup; each round takes new addresses, as a run of the
 * benchmark does. A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=GeoLookupBenchmark [-Dbench.lookups=300000] [-Dbench.rounds=4]</pre>
 */
class GeoLookupBenchmark {

    @Test
    void cpu_per_lookup_of_the_reader_and_of_the_locator() throws Exception {
        int count = Integer.getInteger("bench.lookups", 300_000);
        int rounds = Integer.getInteger("bench.rounds", 4);
        SplittableRandom random = new SplittableRandom(9);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (var reader = new Reader(MmdbGeoLocatorTest.IPV4.toFile(), new CHMCache(MmdbGeoLocator.RECORD_CACHE_SIZE));
                var locator = new MmdbGeoLocator(List.of(MmdbGeoLocatorTest.IPV4, MmdbGeoLocatorTest.IPV6))) {
            for (int round = 1; round <= rounds; round++) {
                InetAddress[] addresses = new InetAddress[count];
                for (int i = 0; i < count; i++) {
                    addresses[i] = InetAddress.getByAddress(new byte[] {
                        (byte) (1 + random.nextInt(223)),
                        (byte) random.nextInt(256),
                        (byte) random.nextInt(256),
                        (byte) (1 + random.nextInt(254))
                    });
                }
                // How many of this round's addresses the IPv4 file's blocks know before the round starts.
                int known = 0;
                for (InetAddress address : addresses) {
                    byte[] b = address.getAddress();
                    int bits = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
                    known += locator.ipv4BlocksOf(0).get(bits) != null ? 1 : 0;
                }
                Location[] before = new Location[count];
                long cpu = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < count; i++) {
                    MmdbGeoLocator.FlatRecord record = reader.get(addresses[i], MmdbGeoLocator.FlatRecord.class);
                    before[i] = record == null ? null : record.toLocation();
                }
                long byReader = threads.getCurrentThreadCpuTime() - cpu;
                Location[] after = new Location[count];
                cpu = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < count; i++) {
                    after[i] = locator.locate(addresses[i]);
                }
                long byLocator = threads.getCurrentThreadCpuTime() - cpu;
                int same = 0;
                for (int i = 0; i < count; i++) {
                    // Private addresses are Unknown to the locator without asking the file; addresses the IPv4 file
                    // has no record for are asked of the IPv6 file next, which the reader here does not do.
                    same += Objects.equals(before[i], after[i])
                                    || before[i] == null
                                    || !MmdbGeoLocator.isPublic(addresses[i])
                            ? 1
                            : 0;
                }
                System.out.printf(
                        "round %d: reader %.3f us, locator %.3f us per lookup (%,d lookups each, %,d same answers,"
                                + " %.1f%% in blocks known at the round's start)%n",
                        round,
                        byReader / 1000.0 / count,
                        byLocator / 1000.0 / count,
                        count,
                        same,
                        100.0 * known / count);
            }
        }
    }
}
