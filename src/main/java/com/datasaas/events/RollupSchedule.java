package com.datasaas.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded store's hourly rollup behind the clock by at most one roll: every few seconds it folds the hours
 * closed since the watermark and the closed hours late events made dirty. Every {@link #VERIFY_EVERY}, and on the
 * first run after start, it also compares each rolled-up hour's event count with the events, which catches writes
 * that bypassed the write path (bulk loads) and anything a crash could have left. A failed roll changes nothing (one
 * transaction) and the next run tries again; the stats read raw events for whatever is not rolled up meanwhile.
 */
@Component
@Conditional(EventStoreSelection.Embedded.class)
class RollupSchedule {
    private static final Logger log = LoggerFactory.getLogger(RollupSchedule.class);
    static final Duration VERIFY_EVERY = Duration.ofMinutes(10);

    private final DuckDbEventStore store;
    private final Clock clock;
    private Instant lastVerified = Instant.MIN;

    RollupSchedule(DuckDbEventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Scheduled(initialDelay = 5_000, fixedDelay = 10_000)
    void roll() {
        Instant now = clock.instant();
        boolean verify = !now.isBefore(lastVerified.plus(VERIFY_EVERY)) || lastVerified == Instant.MIN;
        try {
            long hours = store.rollUp(now, verify);
            if (verify) lastVerified = now;
            if (hours > 0) log.debug("Rolled up {} site-hours", hours);
        } catch (EventStoreException e) {
            log.warn("Rolling up events failed, the next run retries: {}", e.getMessage());
        }
    }
}
