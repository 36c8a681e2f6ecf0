package com.datasaas.ingest;

import com.datasaas.app.DatabaseSettings;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RateWindowsConfiguration {
    @Bean
    RateWindows rateWindows(DatabaseSettings database, DataSource dataSource, Clock clock, IngestSettings settings) {
        return database.serverMode() ? new SharedRateWindows(dataSource, clock, settings) : RateWindows.NONE;
    }
}
