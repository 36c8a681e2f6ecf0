package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.CacheKey;
import com.maxmind.db.DecodedValue;
import com.maxmind.db.NodeCache;
import com.maxmind.db.Reader;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link DecodedValueCache} inside MaxMind's reader, on the real DB-IP files, against the reader without a cache. */
class DecodedValueCacheTest {

    @Test
    void the_reader_answers_as_without_a_cache_for_records_and_maps_at_every_capacity() throws Exception {
        List<InetAddress> addresses = addresses(new SplittableRandom(21), 40_000, 4_000);
        for (int capacity : new int[] {1, 64, MmdbGeoLocator.RECORD_CACHE_SIZE}) {
            try (var plain4 = new Reader(MmdbGeoLocatorTest.IPV4.toFile());
                    var plain6 = new Reader(MmdbGeoLocatorTest.IPV6.toFile());
                    var cached4 = new Reader(MmdbGeoLocatorTest.IPV4.toFile(), new DecodedValueCache(capacity));
                    var cached6 = new Reader(MmdbGeoLocatorTest.IPV6.toFile(), new DecodedValueCache(capacity))) {
                int located = 0;
                // Twice over the same addresses: the second pass answers from what the first one cached.
                for (int pass = 0; pass < 2; pass++) {
                    for (InetAddress address : addresses) {
                        boolean v4 = address.getAddress().length == 4;
                        Reader plain = v4 ? plain4 : plain6;
                        Reader cached = v4 ? cached4 : cached6;
                        var expected = plain.getRecord(address, MmdbGeoLocator.FlatRecord.class);
                        var actual = cached.getRecord(address, MmdbGeoLocator.FlatRecord.class);
                        assertThat(actual.data())
                                .as("%s at capacity %d", address, capacity)
                                .isEqualTo(expected.data());
                        assertThat(actual.network()).isEqualTo(expected.network());
                        // The same offsets decoded as a map: keys that differ only in their class must not meet.
                        assertThat(cached.get(address, Map.class)).isEqualTo(plain.get(address, Map.class));
                        located += expected.data() == null ? 0 : 1;
                    }
                }
                assertThat(located).as("addresses the files place").isGreaterThan(addresses.size());
            }
        }
    }

    @Test
    void keeps_the_first_values_up_to_its_capacity_and_decodes_the_rest_every_time() throws Exception {
        List<DecodedValue> decodedByTheLibrary = decodedValues(1_000);
        DecodedValueCache cache = new DecodedValueCache(100);
        AtomicInteger loads = new AtomicInteger();
        // Each load gives a new object, as the reader's own loader does, so a kept value is known by its identity.
        NodeCache.Loader loader = key -> decodedByTheLibrary.get(loads.getAndIncrement());
        List<DecodedValue> first = new ArrayList<>();
        for (long offset = 0; offset < 300; offset++) first.add(cache.get(key(offset, String.class), loader));
        assertThat(cache.size()).isEqualTo(100);
        assertThat(loads).hasValue(300);
        for (long offset = 0; offset < 300; offset++) {
            DecodedValue again = cache.get(key(offset, String.class), loader);
            if (offset < 100) {
                assertThat(again).as("kept value %d", offset).isSameAs(first.get((int) offset));
            } else {
                assertThat(again).as("value %d, past the capacity", offset).isNotSameAs(first.get((int) offset));
            }
        }
        assertThat(loads).hasValue(300 + 200);
        // The same offset as another class is another value.
        assertThat(cache.get(key(5, Map.class), loader)).isNotSameAs(first.get(5));
        assertThat(loads).hasValue(501);
    }

    @Test
    void a_capacity_below_one_is_refused() {
        assertThatThrownBy(() -> new DecodedValueCache(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threads_sharing_one_reader_get_the_answers_of_a_reader_without_a_cache() throws Exception {
        List<InetAddress> addresses = addresses(new SplittableRandom(5), 20_000, 0);
        try (var plain = new Reader(MmdbGeoLocatorTest.IPV4.toFile());
                var cached = new Reader(MmdbGeoLocatorTest.IPV4.toFile(), new DecodedValueCache(2_048))) {
            List<MmdbGeoLocator.FlatRecord> expected = new ArrayList<>();
            for (InetAddress address : addresses) expected.add(plain.get(address, MmdbGeoLocator.FlatRecord.class));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> checked = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int start = t * 997;
                    checked.add(pool.submit(() -> {
                        // Every thread walks all addresses from its own place, so they race for the same values.
                        for (int i = 0; i < addresses.size(); i++) {
                            int at = (start + i) % addresses.size();
                            assertThat(cached.get(addresses.get(at), MmdbGeoLocator.FlatRecord.class))
                                    .isEqualTo(expected.get(at));
                        }
                        return addresses.size();
                    }));
                }
                for (Future<Integer> done : checked) assertThat(done.get()).isEqualTo(addresses.size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static CacheKey<?> key(long offset, Class<?> cls) {
        return new CacheKey<>(offset, cls, cls);
    }

    /** Values the library's own loader decoded from the IPv4 file (its constructor is not public): distinct objects. */
    private static List<DecodedValue> decodedValues(int count) throws Exception {
        List<DecodedValue> values = new ArrayList<>();
        NodeCache capturing = (key, loader) -> {
            DecodedValue value = loader.load(key);
            if (values.size() < count) values.add(value);
            return value;
        };
        try (var reader = new Reader(MmdbGeoLocatorTest.IPV4.toFile(), capturing)) {
            for (InetAddress address : addresses(new SplittableRandom(3), 20_000, 0)) {
                if (values.size() >= count) break;
                reader.get(address, MmdbGeoLocator.FlatRecord.class);
            }
        }
        assertThat(values).hasSize(count);
        return values;
    }

    /** Public IPv4 addresses spread as {@code bench/ingest.lua}'s, then IPv6 addresses in the used /8 ranges. */
    static List<InetAddress> addresses(SplittableRandom random, int ipv4, int ipv6) throws Exception {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < ipv4; i++) {
            addresses.add(InetAddress.getByAddress(new byte[] {
                (byte) (1 + random.nextInt(223)),
                (byte) random.nextInt(256),
                (byte) random.nextInt(256),
                (byte) (1 + random.nextInt(254))
            }));
        }
        for (int i = 0; i < ipv6; i++) {
            byte[] bytes = new byte[16];
            for (int b = 0; b < 16; b++) bytes[b] = (byte) random.nextInt(256);
            bytes[0] = (byte) 0x2a;
            bytes[1] = (byte) random.nextInt(16);
            addresses.add(InetAddress.getByAddress(bytes));
        }
        return addresses;
    }
}
