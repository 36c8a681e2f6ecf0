package com.datasaas.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
    DataSource metadataDataSource(DataDirectory dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("metadata");
        config.setJdbcUrl("jdbc:sqlite:" + dataDir.path().resolve("datasaas.db"));
        config.setMaximumPoolSize(POOL_SIZE);
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "NORMAL");
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MILLIS));
        return new HikariDataSource(config);
    }
}
