package com.datasaas.ingest;

import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * When each page view started, so a {@code _leave} cannot claim more engaged time than has passed since the page view
 * it closes (the tracker measures engaged time from the page view, so it can only be shorter). Kept per node in
 * memory for {@link #MAX_UNKNOWN} at least (up to {@link #MAX_PAGEVIEWS} page views); a {@code _leave} whose page
 * view is not known here (after a restart, or older than that) is bounded by {@link #MAX_UNKNOWN} instead. The
 * times are kept as numbers keyed by a hash of site, session and path ({@link ExpiringLongMap}): one object per page
 * view for half an hour was the largest part of the old generation under load.
 */
@Component
final class PageviewTimes {
    /** The bound when the page view is not known: the usual visit timeout, so one event cannot skew the mean. */
    static final Duration MAX_UNKNOWN = Duration.ofMinutes(30);
    /** The page view's own request is received a little after the tracker started counting. */
    static final Duration SLACK = Duration.ofSeconds(10);
    /** Page views remembered at once (~32 MB at most); beyond it the oldest are forgotten first. */
    static final int MAX_PAGEVIEWS = 1_000_000;

    private static final long UNKNOWN = Long.MIN_VALUE;

    private final ExpiringLongMap started = new ExpiringLongMap(MAX_PAGEVIEWS, MAX_UNKNOWN, System.nanoTime());

    void pageview(String siteId, String sessionId, String pathname, Instant at) {
        started.put(ExpiringLongMap.hash(siteId, sessionId, pathname), at.toEpochMilli(), System.nanoTime());
    }

    /** The duration, capped by the time since its page view (plus slack) or by {@link #MAX_UNKNOWN}. */
    long boundLeave(String siteId, String sessionId, String pathname, long durationMs, Instant at) {
        long pageview = started.get(ExpiringLongMap.hash(siteId, sessionId, pathname), UNKNOWN, System.nanoTime());
        // A page view kept longer than MAX_UNKNOWN (up to two generations) gives a bound above it: the cap below.
        long bound = pageview == UNKNOWN || pageview > at.toEpochMilli()
                ? MAX_UNKNOWN.toMillis()
                : at.toEpochMilli() - pageview + SLACK.toMillis();
        return Math.min(durationMs, Math.min(bound, MAX_UNKNOWN.toMillis()));
    }
}
