package com.datasaas.accounts;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/**
 * Where {@link LoginThrottle} keeps its token buckets and the addresses that logged in to an account before. One
 * process in the embedded mode ({@link LocalLoginBudgets}); PostgreSQL in server mode ({@link SharedLoginBudgets}),
 * so that several nodes behind a load balancer spend from the same budgets.
 */
interface LoginBudgets {
    /** The bucket named {@code key}, created with {@code configuration} when it does not exist yet. */
    Bucket bucket(String key, BucketConfiguration configuration);

    /** Whether the address logged in to the account within {@link LoginThrottle#KNOWN_ADDRESS_MEMORY}. */
    boolean known(String email, String address);

    void remember(String email, String address);
}
