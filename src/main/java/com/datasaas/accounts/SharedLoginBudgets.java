package com.datasaas.accounts;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Server mode's budgets, shared by every node: each bucket is a row of {@code login_budgets} that Bucket4j's
 * PostgreSQL backend locks ({@code SELECT ... FOR UPDATE}) for each consume or refund, so the limits are exact across
 * nodes. Rows expire once their bucket would be full again. Known addresses are rows of
 * {@code login_known_addresses}.
 */
final class SharedLoginBudgets implements LoginBudgets {
    private static final int CLEANUP_BATCH = 1_000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final JdbcClient jdbc;
    private final Clock clock;

    SharedLoginBudgets(DataSource dataSource, JdbcClient jdbc, Clock clock) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("login_budgets")
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(LoginThrottle.WINDOW))
                .build();
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Bucket bucket(String key, BucketConfiguration configuration) {
        return buckets.builder().build(key, () -> configuration);
    }

    @Override
    public boolean known(String email, String address) {
        long since = clock.millis() - LoginThrottle.KNOWN_ADDRESS_MEMORY.toMillis();
        return jdbc.sql("SELECT count(*) FROM login_known_addresses WHERE email = ? AND address = ? AND"
                                + " remembered_at >= ?")
                        .params(email, address, since)
                        .query(Long.class)
                        .single()
                > 0;
    }

    @Override
    public void remember(String email, String address) {
        jdbc.sql("INSERT INTO login_known_addresses (email, address, remembered_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (email, address) DO UPDATE SET remembered_at = excluded.remembered_at")
                .params(email, address, clock.millis())
                .update();
    }

    @Scheduled(fixedDelay = 300_000, initialDelay = 60_000)
    void forgetExpired() {
        while (buckets.removeExpired(CLEANUP_BATCH) == CLEANUP_BATCH) {
            // keep going until a partial batch: the table holds at most a window's worth of failures
        }
        jdbc.sql("DELETE FROM login_known_addresses WHERE remembered_at < ?")
                .param(clock.millis() - LoginThrottle.KNOWN_ADDRESS_MEMORY.toMillis())
                .update();
    }
}
