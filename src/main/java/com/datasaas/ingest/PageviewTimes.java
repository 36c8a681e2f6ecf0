package com.datasaas.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * When each page view started, so a {@code _leave} cannot claim more engaged time than has passed since the page view
 * it closes (the tracker measures engaged time from the page view, so it can only be shorter). Kept per node in
 * memory for {@link #MAX_UNKNOWN} at most; a {@code _leave} whose page view is not known here (after a restart, or
 * older than that) is bounded by {@link #MAX_UNKNOWN} instead.
 */
@Component
final class PageviewTimes {
    /** The bound when the page view is not known: the usual visit timeout, so one event cannot skew the mean. */
    static final Duration MAX_UNKNOWN = Duration.ofMinutes(30);
    /** The page view's own request is received a little after the tracker started counting. */
    static final Duration SLACK = Duration.ofSeconds(10);

    private final Cache<String, Instant> started = Caffeine.newBuilder()
            .maximumSize(1_000_000)
            .expireAfterWrite(MAX_UNKNOWN)
            .build();

    void pageview(String siteId, String sessionId, String pathname, Instant at) {
        started.put(key(siteId, sessionId, pathname), at);
    }

    /** The duration, capped by the time since its page view (plus slack) or by {@link #MAX_UNKNOWN}. */
    long boundLeave(String siteId, String sessionId, String pathname, long durationMs, Instant at) {
        Instant pageview = started.getIfPresent(key(siteId, sessionId, pathname));
        long bound = pageview == null || pageview.isAfter(at)
                ? MAX_UNKNOWN.toMillis()
                : Duration.between(pageview, at).plus(SLACK).toMillis();
        return Math.min(durationMs, Math.min(bound, MAX_UNKNOWN.toMillis()));
    }

    private static String key(String siteId, String sessionId, String pathname) {
        return siteId + '\n' + sessionId + '\n' + pathname;
    }
}
