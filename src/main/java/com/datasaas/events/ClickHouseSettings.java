package com.datasaas.events;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Server mode's event store, from {@code DATASAAS_CLICKHOUSE_URL} (HTTP URL with the database, e.g.
 * {@code http://clickhouse:8123/datasaas}), {@code DATASAAS_CLICKHOUSE_USER} and {@code DATASAAS_CLICKHOUSE_PASSWORD}.
 * Unset URL: the embedded DuckDB store. Kept apart from {@code DataSaasProperties} so the ClickHouse settings live
 * with the store that reads them.
 */
@ConfigurationProperties("datasaas.clickhouse")
public record ClickHouseSettings(String url, String user, String password) {

    /** Whether server mode's event store is configured: a non-blank URL. */
    public boolean configured() {
        return url != null && !url.isBlank();
    }
}
