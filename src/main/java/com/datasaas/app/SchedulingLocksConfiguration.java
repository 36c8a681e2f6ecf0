package com.datasaas.app;

import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Locks for jobs that must run on one node at a time (ShedLock, table {@code shedlock} in the metadata store). In
 * server mode the lock times come from PostgreSQL's clock, so nodes with skewed clocks still agree; SQLite has one
 * node, whose clock is the only one.
 */
@Configuration(proxyBeanMethods = false)
class SchedulingLocksConfiguration {
    /** SQLite's result code for a violated constraint; Spring has no error-code table for SQLite. */
    private static final int SQLITE_CONSTRAINT = 19;

    @Bean
    LockProvider lockProvider(DataSource dataSource, DatabaseSettings database) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        JdbcTemplateLockProvider.Configuration.Builder config =
                JdbcTemplateLockProvider.Configuration.builder().withJdbcTemplate(jdbc);
        if (database.serverMode()) {
            config.usingDbTime();
        } else {
            // ShedLock inserts a lock's row the first time this process uses the name and takes an existing row over
            // by an update when the insert reports a duplicate key, which SQLite's driver reports only by code.
            jdbc.setExceptionTranslator((task, sql, e) -> e.getErrorCode() == SQLITE_CONSTRAINT
                    ? new DuplicateKeyException(task + ": " + e.getMessage(), e)
                    : null);
        }
        return new JdbcTemplateLockProvider(config.build());
    }
}
