package com.datasaas.events;

import com.datasaas.sites.TrackedSite;
import com.datasaas.sites.Websites;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the ClickHouse day rollup current: every minute, for each site with events, rolls its closed and settled days
 * in the site's current time zone ({@link ClickHouseDayRollup#roll}), then the partial of its current day when that is
 * missing, stale or older than {@link ClickHouseDayRollup#PARTIAL_EVERY} ({@link ClickHouseDayRollup#buildPartial}).
 * Every app node runs this schedule; a site's roll
 * holds the ShedLock lock {@code day-rollup:<site>} (in the metadata store, as the revenue sync's), so one node rolls a
 * site at a time. A roll is idempotent all the same: were two to run, the later version of a day wins with the same
 * numbers. A failed roll changes nothing that is read (its rows have no days row) and the next run retries.
 */
@Component
@Conditional(EventStoreSelection.OnClickHouse.class)
class ClickHouseDayRollupSchedule {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseDayRollupSchedule.class);

    /**
     * Longer than any roll of a site (a first roll of a large site reads all its events, a week per query); the trim of
     * {@code day_changes} keeps the changes of that long for a build running beside it.
     */
    private static final Duration LOCK_AT_MOST = ClickHouseDayRollup.LONGEST_BUILD;

    private final ClickHouseEventStore store;
    private final Websites websites;
    private final LockProvider locks;

    ClickHouseDayRollupSchedule(ClickHouseEventStore store, Websites websites, LockProvider locks) {
        this.store = store;
        this.websites = websites;
        this.locks = locks;
    }

    @Scheduled(initialDelay = 20_000, fixedDelay = 60_000)
    void roll() {
        for (String siteId : store.rolledSites()) {
            websites.tracked(siteId).map(TrackedSite::zone).ifPresent(zone -> {
                Optional<SimpleLock> lock = locks.lock(
                        new LockConfiguration(Instant.now(), "day-rollup:" + siteId, LOCK_AT_MOST, Duration.ZERO));
                if (lock.isEmpty()) return; // another node is rolling this site
                try {
                    long days = store.rollDays(siteId, zone);
                    if (days > 0) log.debug("Rolled up {} days of site {}", days, siteId);
                    if (store.buildPartialDay(siteId, zone)) log.debug("Built the partial day of site {}", siteId);
                } catch (EventStoreException e) {
                    log.warn("Rolling up the days of site {} failed, the next run retries: {}", siteId, e.getMessage());
                } finally {
                    lock.get().unlock();
                }
            });
        }
    }
}
