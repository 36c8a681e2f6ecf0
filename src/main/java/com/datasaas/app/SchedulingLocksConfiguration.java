package com.datasaas.app;

import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Locks for jobs that must run on one node at a time (ShedLock, table {@code shedlock} in the metadata store). In
 * server mode the lock times come from PostgreSQL's clock, so nodes with skewed clocks still agree; SQLite has one
 * node, whose clock is the only one.
 */
@Configuration(proxyBeanMethods = false)
class SchedulingLocksConfiguration {
    @Bean
    LockProvider lockProvider(DataSource dataSource, DatabaseSettings database) {
        JdbcTemplateLockProvider.Configuration.Builder config =
                JdbcTemplateLockProvider.Configuration.builder().withJdbcTemplate(new JdbcTemplate(dataSource));
        if (database.serverMode()) config.usingDbTime();
        return new JdbcTemplateLockProvider(config.build());
    }
}
