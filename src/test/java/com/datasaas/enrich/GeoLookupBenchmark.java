package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * CPU per GeoIP lookup, the way before round 3 (MaxMind's reader with its 16,384-record cache, then the record turned
 * into a location) against {@link MmdbGeoLocator} (its own tree walk and a location per record), alternating in one JVM
 * over the same random public IPv4 addresses as {@code bench/ingest.lua}. Run with
 * {@code ./mvnw -q test -Dtest=GeoLookupBenchmark -Dbench.lookups=300000 -Dbench.rounds=3}.
 */
@EnabledIfSystemProperty(named = "bench.lookups", matches = "\\d+")
class GeoLookupBenchmark {

    @Test
    void cpu_per_lookup_reader_cache_against_location_cache() throws Exception {
        int lookups = Integer.getInteger("bench.lookups");
        int rounds = Integer.getInteger("bench.rounds", 3);
        Random random = new Random(1);
        List<InetAddress> addresses = new ArrayList<>(lookups);
        for (int i = 0; i < lookups; i++) {
            byte[] bytes = {
                (byte) (1 + random.nextInt(223)),
                (byte) random.nextInt(256),
                (byte) random.nextInt(256),
                (byte) (1 + random.nextInt(254))
            };
            addresses.add(InetAddress.getByAddress(bytes));
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (Reader ipv4 = new Reader(MmdbGeoLocatorTest.IPV4.toFile(), new CHMCache(16_384));
                Reader ipv6 = new Reader(MmdbGeoLocatorTest.IPV6.toFile(), new CHMCache(16_384));
                MmdbGeoLocator locator =
                        new MmdbGeoLocator(List.of(MmdbGeoLocatorTest.IPV4, MmdbGeoLocatorTest.IPV6))) {
            for (int round = 0; round <= rounds; round++) {
                long start = cpu.getCurrentThreadCpuTime();
                long located = 0;
                for (InetAddress address : addresses) {
                    Location location = readerLookup(ipv4, ipv6, address);
                    if (location.countryCode() != null) located++;
                }
                long reader = cpu.getCurrentThreadCpuTime() - start;
                start = cpu.getCurrentThreadCpuTime();
                long locatedHere = 0;
                for (InetAddress address : addresses) {
                    if (locator.locate(address).countryCode() != null) locatedHere++;
                }
                long here = cpu.getCurrentThreadCpuTime() - start;
                assertThat(locatedHere).isEqualTo(located);
                System.out.printf(
                        "round %d%s: reader with record cache %.2f us, locator %.2f us per lookup (%d located)%n",
                        round,
                        round == 0 ? " (warm-up)" : "",
                        reader / 1000.0 / lookups,
                        here / 1000.0 / lookups,
                        located);
            }
        }
    }

    /** Main's lookup before round 3: the IPv4 file, then the IPv6 file, each through the reader and its cache. */
    private static Location readerLookup(Reader ipv4, Reader ipv6, InetAddress address) throws Exception {
        if (!MmdbGeoLocator.isPublic(address)) return Location.UNKNOWN;
        MmdbGeoLocator.FlatRecord found = ipv4.get(address, MmdbGeoLocator.FlatRecord.class);
        if (found == null) found = ipv6.get(address, MmdbGeoLocator.FlatRecord.class);
        return found == null ? Location.UNKNOWN : found.toLocation();
    }
}
