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

/** Per client address limit on POST /api/events. Per node today; server mode moves buckets to a shared store. */
@Component
final class EventRateLimiter {
    private static final Duration PERIOD = Duration.ofMinutes(1);

    private final Cache<String, Bucket> buckets;
    private final int perMinute;

    EventRateLimiter(IngestSettings settings) {
        this.perMinute = settings.rateLimitPerMinute();
        this.buckets = Caffeine.newBuilder()
                .maximumSize(500_000)
                .expireAfterAccess(PERIOD.multipliedBy(2))
                .build();
    }

    /** Zero when the request may go on, otherwise how long the client should wait. */
    Duration take(InetAddress client) {
        // IPv6 per /64: one subscriber's whole network is one client.
        ConsumptionProbe probe =
                buckets.get(ClientAddresses.bucketKey(client), k -> newBucket()).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
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
