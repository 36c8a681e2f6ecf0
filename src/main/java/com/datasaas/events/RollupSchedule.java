package com.datasaas.events;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded store's hourly rollup behind the clock by at most one roll: every few seconds it folds the hours
 * closed since the watermark and the closed hours late events made dirty. The first successful roll after start also
 * compares each rolled-up hour's event count with the events, which catches writes that bypassed the write path. Once
 * is enough: DuckDB's file lock keeps every other writer (sample-data, restore, a hand edit) out while the service
 * runs, and the service's own batches, bulk chunks and deletions mark their hours dirty in their own transactions, so
 * a periodic full count would only scan all events again. A failed roll changes nothing (one transaction) and the next
 * run tries again; the stats read raw events for whatever is not rolled up meanwhile.
 */
@Component
@Conditional(EventStoreSelection.Embedded.class)
class RollupSchedule {
    private static final Logger log = LoggerFactory.getLogger(RollupSchedule.class);

    private final DuckDbEventStore store;
    private final Clock clock;
    private boolean verified;

    RollupSchedule(DuckDbEventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Scheduled(initialDelay = 5_000, fixedDelay = 10_000)
    void roll() {
        boolean verify = !verified;
        try {
            long hours = store.rollUp(clock.instant(), verify);
            verified = true;
            if (hours > 0) log.debug("Rolled up {} site-hours", hours);
        } catch (EventStoreException e) {
            log.warn("Rolling up events failed, the next run retries: {}", e.getMessage());
        }
    }
}
