package com.datasaas.enrich;

import java.nio.file.Path;
import java.util.List;

/**
 * The GeoIP database the service locates visitors with, and where it was found. The owner sees it in
 * {@code /actuator/health} and in the dashboard's locations panel, so a missing database is not only a log line.
 *
 * @param files the MMDB files, in lookup order; empty when none was found
 * @param source where they came from
 */
public record GeoDatabase(List<Path> files, Source source) {

    public enum Source {
        /** {@code DATASAAS_GEOIP_DB}. */
        CONFIGURED,
        /** {@code <data dir>/geoip/}, possibly copied there from next to the jar on first run. */
        DATA_DIR,
        /** The {@code geoip/} folder next to the jar, when copying it into the data dir failed. */
        NEXT_TO_JAR,
        /** The files the build fetched under the project's {@code geoip/node_modules}: running from a checkout. */
        DEVELOPMENT,
        NONE
    }

    public GeoDatabase {
        files = List.copyOf(files);
    }

    public boolean available() {
        return !files.isEmpty();
    }

    /**
     * Why locations are unknown, in words an owner can act on; {@code null} when a database is there. Names no path
     * of the server: it is shown on the public health endpoint.
     */
    public String reason() {
        return available()
                ? null
                : "No GeoIP database found, so every visitor's location is Unknown. Put the .mmdb files of the"
                        + " release archive's geoip/ folder next to the jar or in <data dir>/geoip/, or set"
                        + " DATASAAS_GEOIP_DB (see docs/deploy.md), then restart.";
    }
}
