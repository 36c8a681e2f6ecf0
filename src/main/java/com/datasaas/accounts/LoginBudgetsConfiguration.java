package com.datasaas.accounts;

import com.datasaas.app.DatabaseSettings;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class LoginBudgetsConfiguration {
    @Bean
    LoginBudgets loginBudgets(DatabaseSettings database, DataSource dataSource, JdbcClient jdbc, Clock clock) {
        return database.serverMode() ? new SharedLoginBudgets(dataSource, jdbc, clock) : new LocalLoginBudgets();
    }
}
