package com.datasaas.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Failed logins are limited per account (stops guessing one password from many addresses) and per client address
 * (stops one address trying many accounts). Successful logins cost nothing, so a user who types the password right
 * is never locked out by the limit.
 */
@Component
class LoginThrottle {
    static final int FAILURES_PER_ACCOUNT = 10;
    static final int FAILURES_PER_ADDRESS = 30;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final Cache<String, Bucket> byAccount = buckets();
    private final Cache<String, Bucket> byAddress = buckets();

    private static Cache<String, Bucket> buckets() {
        return Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(WINDOW.multipliedBy(2))
                .build();
    }

    /** Zero when a login attempt may proceed, otherwise how long to wait. */
    Duration waitBeforeAttempt(String email, String address) {
        Bucket account = byAccount.get(email, k -> bucket(FAILURES_PER_ACCOUNT));
        Bucket client = byAddress.get(address, k -> bucket(FAILURES_PER_ADDRESS));
        long nanos = Math.max(
                account.estimateAbilityToConsume(1).getNanosToWaitForRefill(),
                client.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        return Duration.ofNanos(nanos);
    }

    void recordFailure(String email, String address) {
        byAccount.get(email, k -> bucket(FAILURES_PER_ACCOUNT)).tryConsume(1);
        byAddress.get(address, k -> bucket(FAILURES_PER_ADDRESS)).tryConsume(1);
    }

    private static Bucket bucket(int failures) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(failures)
                        .refillGreedy(failures, WINDOW)
                        .build())
                .build();
    }
}
