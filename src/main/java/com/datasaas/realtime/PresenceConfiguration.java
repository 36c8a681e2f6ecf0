package com.datasaas.realtime;

import com.datasaas.app.DatabaseSettings;
import com.datasaas.events.EventStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class PresenceConfiguration {
    @Bean
    Presence presence(
            DatabaseSettings database, EventStore store, DataSource dataSource, JdbcClient jdbc, Clock clock) {
        return database.serverMode() ? new SharedPresence(dataSource, jdbc, clock) : new InMemoryPresence(store, clock);
    }
}
