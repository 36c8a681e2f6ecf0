package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MaxMind's GeoIP2/GeoLite2 record layout, on a one-network file written by {@link TinyMmdbWriter}. */
class GeoIp2LayoutTest {

    @TempDir
    Path temp;

    @Test
    void a_geolite2_city_record_is_read_from_its_nested_layout() throws Exception {
        Path file = temp.resolve("GeoLite2-City.mmdb");
        TinyMmdbWriter.write(
                file,
                "GeoLite2-City",
                81,
                Map.of(
                        "country", Map.of("iso_code", "GB", "names", Map.of("en", "United Kingdom")),
                        "subdivisions", List.of(Map.of("iso_code", "ENG", "names", Map.of("en", "England"))),
                        "city", Map.of("names", Map.of("en", "London", "de", "London")),
                        "location", Map.of("latitude", 51.5142, "longitude", -0.0931, "time_zone", "Europe/London")));

        try (var locator = new MmdbGeoLocator(List.of(file))) {
            assertThat(locator.layoutOf(0)).isEqualTo(MmdbGeoLocator.Layout.GEOIP2);
            assertThat(locator.locate(InetAddress.getByName("81.2.69.142")))
                    .isEqualTo(new Location("GB", "England", "London", 51.5142, -0.0931));
            assertThat(locator.locate(InetAddress.getByName("82.1.1.1"))).isEqualTo(Location.UNKNOWN);
        }
    }

    @Test
    void a_country_only_record_falls_back_to_the_registered_country() throws Exception {
        Path file = temp.resolve("GeoLite2-Country.mmdb");
        TinyMmdbWriter.write(file, "GeoLite2-Country", 8, Map.of("registered_country", Map.of("iso_code", "US")));

        try (var locator = new MmdbGeoLocator(List.of(file))) {
            assertThat(locator.locate(InetAddress.getByName("8.8.8.8")))
                    .isEqualTo(new Location("US", null, null, null, null));
        }
    }

    @Test
    void a_flat_record_with_dbip_unknown_country_has_no_country() throws Exception {
        Path file = temp.resolve("flat.mmdb");
        TinyMmdbWriter.write(file, "city ipv4", 8, Map.of("country_code", "ZZ", "city", "", "state1", ""));

        try (var locator = new MmdbGeoLocator(List.of(file))) {
            assertThat(locator.layoutOf(0)).isEqualTo(MmdbGeoLocator.Layout.FLAT);
            assertThat(locator.locate(InetAddress.getByName("8.8.8.8"))).isEqualTo(Location.UNKNOWN);
        }
    }
}
