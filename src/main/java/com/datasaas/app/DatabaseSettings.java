package com.datasaas.app;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the metadata lives ({@code DATASAAS_DATABASE_*}). With no URL it is the embedded SQLite file in the data dir;
 * with a {@code jdbc:postgresql://} URL it is that PostgreSQL database, shared by every app node ("server mode" for
 * metadata, docs/server-mode-metadata.md). Features that keep per-node state (presence, rate limits) ask
 * {@link #serverMode()} to choose their shared implementation.
 *
 * @param url JDBC URL of the PostgreSQL database, e.g. {@code jdbc:postgresql://db:5432/datasaas}; unset: SQLite
 * @param user database user
 * @param password database password
 */
@ConfigurationProperties("datasaas.database")
public record DatabaseSettings(String url, String user, String password) {
    public DatabaseSettings {
        url = url == null || url.isBlank() ? null : url.strip();
    }

    /** Metadata (and the state nodes share) in PostgreSQL rather than the embedded SQLite file. */
    public boolean serverMode() {
        return url != null;
    }

    /** The URL without credentials a user may have put in its query string, fit for logs and error messages. */
    public String safeUrl() {
        if (url == null) return "(embedded SQLite)";
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
