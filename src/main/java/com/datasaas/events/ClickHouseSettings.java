package com.datasaas.events;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Server mode's event store, from {@code DATASAAS_CLICKHOUSE_URL} (HTTP URL with the database, e.g.
 * {@code http://clickhouse:8123/datasaas}), {@code DATASAAS_CLICKHOUSE_USER}, {@code DATASAAS_CLICKHOUSE_PASSWORD}
 * and, on a sharded cluster, {@code DATASAAS_CLICKHOUSE_CLUSTER} (a cluster name of ClickHouse's
 * {@code remote_servers}: tables are created on every host of it, see {@link ClusterSchema}). Unset URL: the embedded
 * DuckDB store. Kept apart from {@code DataSaasProperties} so the ClickHouse settings live with the store that reads
 * them.
 */
@ConfigurationProperties("datasaas.clickhouse")
public record ClickHouseSettings(String url, String user, String password, String cluster) {

    /** The one Spring binds (a record with a second constructor must say which). */
    @ConstructorBinding
    public ClickHouseSettings {}

    /** One server, no cluster. */
    public ClickHouseSettings(String url, String user, String password) {
        this(url, user, password, null);
    }

    /** Whether server mode's event store is configured: a non-blank URL. */
    public boolean configured() {
        return url != null && !url.isBlank();
    }

    /** Whether the tables are sharded over a cluster: a non-blank cluster name. */
    public boolean sharded() {
        return cluster != null && !cluster.isBlank();
    }
}
