package com.datasaas.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.local.LocalBucketBuilder;

/** The embedded mode's budgets: Bucket4j buckets in bounded in-memory maps (one process serves every login). */
final class LocalLoginBudgets implements LoginBudgets {
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(300_000)
            .expireAfterAccess(LoginThrottle.WINDOW.multipliedBy(2))
            .build();
    private final Cache<String, Boolean> knownAddresses = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(LoginThrottle.KNOWN_ADDRESS_MEMORY)
            .build();

    @Override
    public Bucket bucket(String key, BucketConfiguration configuration) {
        return buckets.get(key, k -> {
            LocalBucketBuilder builder = Bucket.builder();
            for (Bandwidth limit : configuration.getBandwidths()) builder.addLimit(limit);
            return builder.build();
        });
    }

    @Override
    public boolean known(String email, String address) {
        return knownAddresses.getIfPresent(email + " " + address) != null;
    }

    @Override
    public void remember(String email, String address) {
        knownAddresses.put(email + " " + address, Boolean.TRUE);
    }
}
