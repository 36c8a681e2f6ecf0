package com.datasaas.ingest;

import com.datasaas.app.ClientAddresses;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Per client address limit on POST /api/events. Each node decides every request from a local window per address (no
 * I/O on the hot path); in server mode {@link RateWindows} adds what the other nodes accepted from the same address,
 * learnt in batches, so the limit holds across nodes (docs/server-mode-metadata.md says how exactly).
 *
 * <p>A window opens at an address's first request and allows {@link IngestSettings#rateLimitPerMinute()} requests
 * until it closes a minute later; the next one opens at once (the behaviour of a Bucket4j bucket refilled whole every
 * minute, which this replaced). Windows are two numbers in an {@link ExpiringLongMap}, not a bucket object per
 * address: the benchmark's random addresses (and an attack from many addresses) made the buckets ~430 bytes each of
 * old generation for two minutes, the largest part of what the full collections had to mark under load.
 */
@Component
final class EventRateLimiter {
    static final Duration PERIOD = Duration.ofMinutes(1);
    /** Addresses remembered at once; beyond it the oldest windows are forgotten (those addresses start afresh). */
    static final int MAX_ADDRESSES = 500_000;

    /** A window's state in one long: its start in milliseconds since {@link #origin}, then the requests it allowed. */
    private static final int COUNT_BITS = 20;

    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long NO_WINDOW = -1;

    private final ExpiringLongMap windows;
    private final int perMinute;
    private final RateWindows shared;
    private final Clock clock;
    private final long origin;

    EventRateLimiter(IngestSettings settings, RateWindows shared, Clock clock) {
        this.perMinute = settings.rateLimitPerMinute();
        if (perMinute < 1 || perMinute > COUNT_MASK) {
            throw new IllegalArgumentException(
                    "The event rate limit must be between 1 and " + COUNT_MASK + " per minute, not " + perMinute);
        }
        this.shared = shared;
        this.clock = clock;
        this.origin = clock.millis();
        // A window older than a period is as good as none, so one generation is one period.
        this.windows = new ExpiringLongMap(MAX_ADDRESSES, PERIOD, 0);
    }

    /** Zero when the request may go on, otherwise how long the client should wait. */
    Duration take(InetAddress client) {
        // The address as text is what server mode's shared windows count under; only they need it, and formatting it
        // was half of this method's time (JFR), so the embedded mode never builds it.
        String key = shared == RateWindows.NONE ? null : ClientAddresses.bucketKey(client);
        if (key != null) {
            Duration blocked = shared.blocked(key);
            if (!blocked.isZero()) return blocked;
        }
        // Milliseconds since the limiter started; a clock set back (NTP) only makes the current windows last longer.
        long nowMillis = Math.max(0, clock.millis() - origin);
        long periodMillis = PERIOD.toMillis();
        long window = windows.update(
                windowKey(client),
                NO_WINDOW,
                state -> {
                    if (state == NO_WINDOW) return nowMillis << COUNT_BITS | 1;
                    long start = state >>> COUNT_BITS;
                    long count = state & COUNT_MASK;
                    if (nowMillis - start >= periodMillis) {
                        // windows follow each other from the first one, as the bucket's refills did
                        long next = start + (nowMillis - start) / periodMillis * periodMillis;
                        return next << COUNT_BITS | 1;
                    }
                    // the count stops one past the limit: it only has to say "over"
                    return start << COUNT_BITS | Math.min(count + 1, perMinute + 1L);
                },
                nowMillis * 1_000_000);
        if ((window & COUNT_MASK) > perMinute) {
            long closesAt = (window >>> COUNT_BITS) + periodMillis;
            return Duration.ofMillis(Math.min(periodMillis, Math.max(1, closesAt - nowMillis)));
        }
        if (key != null) shared.accepted(key);
        return Duration.ZERO;
    }

    /**
     * The local window's key, from the address's bytes (what {@link ClientAddresses#bucketKey} says in text): an IPv4
     * address as itself under a top half of all ones, an IPv6 address by its /64 (one subscriber's whole network is
     * one client). The only IPv6 networks that share a key with an IPv4 address are under {@code ffff:ffff::/32},
     * multicast, which no client sends from. Spread by a bijective mix (SplitMix64's finaliser), so distinct
     * addresses stay distinct keys and the map gets hash-like keys.
     */
    static long windowKey(InetAddress client) {
        byte[] b = client.getAddress();
        long bits;
        if (b.length == 4) {
            bits = 0xFFFF_FFFF_0000_0000L
                    | (b[0] & 0xffL) << 24
                    | (b[1] & 0xffL) << 16
                    | (b[2] & 0xffL) << 8
                    | (b[3] & 0xffL);
        } else {
            bits = 0;
            for (int i = 0; i < 8; i++) bits = bits << 8 | (b[i] & 0xffL);
        }
        bits = (bits ^ (bits >>> 30)) * 0xbf58476d1ce4e5b9L;
        bits = (bits ^ (bits >>> 27)) * 0x94d049bb133111ebL;
        return bits ^ (bits >>> 31);
    }
}
