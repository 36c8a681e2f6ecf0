package com.datasaas.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The metadata store is a SQLite file under the data dir. WAL lets the dashboard read while a write is in flight;
 * writes are rare (accounts, websites, keys) so a small pool is plenty.
 */
@Configuration(proxyBeanMethods = false)
class MetadataStoreConfiguration {
    private static final int POOL_SIZE = 4;
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    @Bean
    DataSource metadataDataSource(DataSaasProperties properties) {
        try {
            Files.createDirectories(properties.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + properties.dataDir(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("metadata");
        config.setJdbcUrl(
                "jdbc:sqlite:" + properties.dataDir().resolve("datasaas.db").toAbsolutePath());
        config.setMaximumPoolSize(POOL_SIZE);
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "NORMAL");
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MILLIS));
        return new HikariDataSource(config);
    }
}
