package com.datasaas.ingest;

import com.datasaas.app.ClientAddresses;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.net.InetAddress;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Per client address limit on POST /api/events. Each node decides every request from a local Bucket4j bucket (no
 * I/O on the hot path); in server mode {@link RateWindows} adds what the other nodes accepted from the same address,
 * learnt in batches, so the limit holds across nodes (docs/server-mode-metadata.md says how exactly).
 */
@Component
final class EventRateLimiter {
    static final Duration PERIOD = Duration.ofMinutes(1);

    private final Cache<String, Bucket> buckets;
    private final int perMinute;
    private final RateWindows shared;

    EventRateLimiter(IngestSettings settings, RateWindows shared) {
        this.perMinute = settings.rateLimitPerMinute();
        this.shared = shared;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(500_000)
                .expireAfterAccess(PERIOD.multipliedBy(2))
                .build();
    }

    /** Zero when the request may go on, otherwise how long the client should wait. */
    Duration take(InetAddress client) {
        // IPv6 per /64: one subscriber's whole network is one client.
        String key = ClientAddresses.bucketKey(client);
        Duration blocked = shared.blocked(key);
        if (!blocked.isZero()) return blocked;
        ConsumptionProbe probe = buckets.get(key, k -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) return Duration.ofNanos(probe.getNanosToWaitForRefill());
        shared.accepted(key);
        return Duration.ZERO;
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(perMinute)
                        .refillIntervally(perMinute, PERIOD)
                        .build())
                .build();
    }
}
