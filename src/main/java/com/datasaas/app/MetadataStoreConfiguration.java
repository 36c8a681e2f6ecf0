package com.datasaas.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The metadata store: a SQLite file under the data dir by default, or the PostgreSQL database of
 * {@code DATASAAS_DATABASE_URL} (server mode). Both run the same repositories; the schema comes from
 * {@code db/migration/<vendor>}, one folder per engine with the same versions and tables.
 *
 * <p>SQLite: WAL lets the dashboard read while a write is in flight; writes are rare so a small pool is plenty.
 * PostgreSQL: the pool is opened at start-up, so an unreachable database or wrong credentials stop the start with one
 * message rather than the first request failing.
 */
@Configuration(proxyBeanMethods = false)
class MetadataStoreConfiguration {
    private static final int SQLITE_POOL_SIZE = 4;
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;
    /** Sessions, presence and rate-limit batches share it with the dashboard; 32 request threads rarely all wait. */
    private static final int POSTGRES_POOL_SIZE = 10;
    /** How long start-up waits for PostgreSQL before giving up with a clear message. */
    private static final long POSTGRES_CONNECT_TIMEOUT_MILLIS = 10_000;

    @Bean
    DataSource metadataDataSource(DataDirectory dataDir, DatabaseSettings database) {
        return database.serverMode() ? postgres(database) : sqlite(dataDir);
    }

    private static DataSource sqlite(DataDirectory dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("metadata");
        config.setJdbcUrl("jdbc:sqlite:" + dataDir.path().resolve("datasaas.db"));
        config.setMaximumPoolSize(SQLITE_POOL_SIZE);
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "NORMAL");
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MILLIS));
        return new HikariDataSource(config);
    }

    private static DataSource postgres(DatabaseSettings database) {
        if (!database.url().startsWith("jdbc:postgresql:")) {
            throw new StartupFailure(
                    "DATASAAS_DATABASE_URL is not a PostgreSQL JDBC URL: " + database.safeUrl(),
                    "Set DATASAAS_DATABASE_URL to jdbc:postgresql://HOST:5432/DATABASE, or unset it to keep the"
                            + " metadata in the embedded SQLite file.",
                    null);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("metadata");
        config.setJdbcUrl(database.url());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(POSTGRES_POOL_SIZE);
        config.setConnectionTimeout(POSTGRES_CONNECT_TIMEOUT_MILLIS);
        config.setInitializationFailTimeout(POSTGRES_CONNECT_TIMEOUT_MILLIS);
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StartupFailure(
                    "Cannot connect to the metadata database " + database.safeUrl() + " as user '" + database.user()
                            + "': " + cause.getMessage(),
                    "Check that PostgreSQL is running and reachable from this node, and that DATASAAS_DATABASE_URL,"
                            + " DATASAAS_DATABASE_USER and DATASAAS_DATABASE_PASSWORD are right (the database must"
                            + " exist; DataSaaS creates its tables itself).",
                    e);
        }
    }

    /**
     * Migrates the schema, but first refuses a database that a newer release already migrated: running an older
     * release on it could write rows the newer schema does not expect. (Flyway by default ignores such "future"
     * migrations.)
     */
    @Bean
    FlywayMigrationStrategy migrationStrategy(DatabaseSettings database) {
        return flyway -> {
            MigrationVersion known = MigrationVersion.EMPTY;
            MigrationVersion applied = MigrationVersion.EMPTY;
            for (MigrationInfo info : flyway.info().all()) {
                if (info.getVersion() == null) continue;
                MigrationState state = info.getState();
                if (state.isResolved() && info.getVersion().isNewerThan(known)) known = info.getVersion();
                if (state == MigrationState.FUTURE_SUCCESS || state == MigrationState.FUTURE_FAILED) {
                    if (info.getVersion().isNewerThan(applied)) applied = info.getVersion();
                }
            }
            if (applied != MigrationVersion.EMPTY) {
                throw new StartupFailure(
                        "The metadata database " + database.safeUrl() + " has schema version " + applied
                                + ", newer than this release of DataSaaS knows (" + known
                                + "): a newer release has already upgraded it.",
                        "Run the release that upgraded the database (or a newer one); to go back to this release,"
                                + " restore the backup taken before the upgrade.",
                        null);
            }
            flyway.migrate();
        };
    }
}
