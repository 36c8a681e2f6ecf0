package com.datasaas.events;

import com.datasaas.sites.TrackedSite;
import com.datasaas.sites.Websites;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded store's day rollup behind the hourly one: every minute, for each site with rolled-up hours, rolls
 * its days that closed for good in the site's current time zone (a changed zone rolls the site's days again), and
 * builds today's partial day (its sessions closed at the watermark) when the watermark moved or a session of the
 * partial came back. A failed roll changes nothing and the next run retries; meanwhile the stats read those days
 * live or use the exact plans.
 */
@Component
@Conditional(EventStoreSelection.Embedded.class)
class DayRollupSchedule {
    private static final Logger log = LoggerFactory.getLogger(DayRollupSchedule.class);

    private final DuckDbEventStore store;
    private final Websites websites;

    DayRollupSchedule(DuckDbEventStore store, Websites websites) {
        this.store = store;
        this.websites = websites;
    }

    @Scheduled(initialDelay = 20_000, fixedDelay = 60_000)
    void roll() {
        List<String> sites = store.query(
                "SELECT DISTINCT site_id FROM rollup_hours ORDER BY site_id", List.of(), (rs, n) -> rs.getString(1));
        for (String siteId : sites) {
            websites.tracked(siteId).map(TrackedSite::zone).ifPresent(zone -> {
                try {
                    // Most runs find no newly closed day: asked on a reader, so the writer's lock is not taken.
                    if (!store.daysToRoll(siteId, zone)) return;
                    long days = store.rollDays(siteId, zone);
                    if (days > 0) log.debug("Rolled up {} days of site {}", days, siteId);
                } catch (EventStoreException e) {
                    log.warn("Rolling up the days of site {} failed, the next run retries: {}", siteId, e.getMessage());
                }
            });
        }
    }
}
