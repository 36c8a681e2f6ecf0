package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.Reader;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The locator walks the search tree itself and keeps locations per record; every answer must be the one MaxMind's
 * reader gives on its own, for the real DB-IP files (28-bit records, an IPv4-only and an IPv6 tree) and for tiny
 * files with 24- and 32-bit records.
 */
class MmdbSearchTreeTest {

    /** What the locator answered before it walked the tree itself: the reader's lookup in each file, in order. */
    private static Location readersAnswer(List<Reader> readers, InetAddress address) throws Exception {
        for (Reader reader : readers) {
            if (address.getAddress().length == 16 && reader.getMetadata().ipVersion() == 4) continue;
            MmdbGeoLocator.FlatRecord found = reader.get(address, MmdbGeoLocator.FlatRecord.class);
            if (found != null) return found.toLocation();
        }
        return Location.UNKNOWN;
    }

    @Test
    void every_address_is_located_as_the_reader_alone_locates_it() throws Exception {
        List<Path> files = List.of(MmdbGeoLocatorTest.IPV4, MmdbGeoLocatorTest.IPV6);
        Random random = new Random(11);
        int located = 0;
        try (MmdbGeoLocator locator = new MmdbGeoLocator(files);
                Reader ipv4 = new Reader(files.get(0).toFile());
                Reader ipv6 = new Reader(files.get(1).toFile())) {
            List<Reader> readers = List.of(ipv4, ipv6);
            // Twice over the same addresses: the first round fills the location cache, the second reads from it.
            for (int round = 0; round < 2; round++) {
                random.setSeed(11);
                for (int i = 0; i < 40_000; i++) {
                    byte[] bytes = new byte[i % 4 == 0 ? 16 : 4];
                    random.nextBytes(bytes);
                    if (bytes.length == 16) {
                        bytes[0] = 0x2a; // 2a00::/8 and 2001::/16 hold most of the IPv6 file's networks
                        if (i % 8 == 0) bytes[1] = 0x01;
                        if (i % 8 == 0) bytes[0] = 0x20;
                    }
                    InetAddress address = InetAddress.getByAddress(bytes);
                    if (!MmdbGeoLocator.isPublic(address)) continue;
                    Location expected = readersAnswer(readers, address);
                    assertThat(locator.locate(address))
                            .as(address.getHostAddress())
                            .isEqualTo(expected);
                    if (expected.countryCode() != null) located++;
                }
            }
        }
        assertThat(located).as("most random public addresses have a country").isGreaterThan(40_000);
    }

    @Test
    void records_of_24_and_32_bits_are_walked_like_the_reader_walks_them(@TempDir Path dir) throws Exception {
        for (int recordSize : List.of(24, 32)) {
            Path file = dir.resolve("tiny-" + recordSize + ".mmdb");
            TinyMmdbWriter.write(
                    file,
                    "city ipv4",
                    81,
                    Map.of("country_code", "GB", "state1", "England", "city", "London"),
                    recordSize);
            try (MmdbGeoLocator locator = new MmdbGeoLocator(List.of(file));
                    Reader reader = new Reader(new File(file.toString()))) {
                assertThat(reader.getMetadata().recordSize()).isEqualTo(recordSize);
                for (String text : List.of("81.2.69.142", "81.255.0.1", "80.2.69.142", "82.0.0.1", "8.8.8.8")) {
                    InetAddress address = InetAddress.getByName(text);
                    for (int round = 0; round < 2; round++) {
                        assertThat(locator.locate(address))
                                .as(text + " with " + recordSize + "-bit records")
                                .isEqualTo(readersAnswer(List.of(reader), address));
                    }
                }
                assertThat(locator.locate(InetAddress.getByName("81.2.69.142")).city())
                        .isEqualTo("London");
            }
        }
    }

    @Test
    void the_location_cache_keeps_one_record_per_slot_and_tells_records_apart() {
        MmdbGeoLocator.LocationCache cache = new MmdbGeoLocator.LocationCache(4);
        Location paris = new Location("FR", "Île-de-France", "Paris", 48.85, 2.35);
        Location lyon = new Location("FR", "Auvergne-Rhône-Alpes", "Lyon", 45.76, 4.83);
        cache.put(1_000, paris);
        assertThat(cache.get(1_000)).isEqualTo(paris);
        assertThat(cache.get(2_000)).isNull();
        // With four slots, some of these pointers share a slot: whichever is there answers for itself only.
        for (long pointer = 1_001; pointer < 1_064; pointer++) cache.put(pointer, lyon);
        for (long pointer = 1_001; pointer < 1_064; pointer++) {
            assertThat(cache.get(pointer)).isIn(lyon, null);
        }
        assertThat(cache.get(1_000)).isIn(paris, null);
    }
}
