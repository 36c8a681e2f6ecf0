package com.datasaas.realtime;

import com.datasaas.events.ActiveVisitor;
import com.datasaas.events.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Last-seen time per visitor per site, in memory: the embedded mode's presence (one node sees every event). Rebuilt
 * from the store's last five minutes at start-up, so the online count survives a restart.
 *
 * <p>Every accepted event passes through {@link #seen}, on the request thread. The times are kept per site in a few
 * locked primitive tables ({@link SiteVisitors}), not in a {@code ConcurrentHashMap<Long, Long>}: its merge walked a
 * bin, a node, a boxed key and a boxed value per event and locked the bin (~7% of the request threads' samples under
 * the ingest benchmark), where a table is one probe into one array, and 16-32 bytes per visitor instead of ~80.
 */
final class InMemoryPresence implements Presence {
    private static final Logger log = LoggerFactory.getLogger(InMemoryPresence.class);

    private final Map<String, SiteVisitors> lastSeenBySite = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemoryPresence(EventStore store, Clock clock) {
        this.clock = clock;
        int restored = 0;
        for (ActiveVisitor visitor : store.activeSince(clock.instant().minus(WINDOW))) {
            seen(visitor.siteId(), visitor.visitorKey(), visitor.lastSeen());
            restored++;
        }
        log.info("Presence restored for {} visitors active in the last {} minutes", restored, WINDOW.toMinutes());
    }

    @Override
    public void seen(String siteId, long visitorKey, Instant at) {
        SiteVisitors visitors = lastSeenBySite.get(siteId);
        if (visitors == null) visitors = lastSeenBySite.computeIfAbsent(siteId, k -> new SiteVisitors());
        visitors.seen(visitorKey, at.toEpochMilli());
    }

    @Override
    public int online(String siteId, Instant now) {
        SiteVisitors visitors = lastSeenBySite.get(siteId);
        if (visitors == null) return 0;
        long cutoff = now.minus(WINDOW).toEpochMilli();
        int[] online = {0};
        // >= on purpose: a visitor seen exactly five minutes ago still counts, as in the store query.
        visitors.forEach((visitor, lastSeen) -> {
            if (lastSeen >= cutoff) online[0]++;
        });
        return online[0];
    }

    @Override
    public Map<Long, Instant> onlineVisitors(String siteId, Instant now) {
        SiteVisitors visitors = lastSeenBySite.get(siteId);
        if (visitors == null) return Map.of();
        long cutoff = now.minus(WINDOW).toEpochMilli();
        Map<Long, Instant> online = new HashMap<>();
        visitors.forEach((visitor, lastSeen) -> {
            // Same test as online(), so the map and the count always agree.
            if (lastSeen >= cutoff) online.put(visitor, Instant.ofEpochMilli(lastSeen));
        });
        return online;
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetIdleVisitors() {
        long cutoff = clock.instant().minus(WINDOW).toEpochMilli();
        lastSeenBySite.values().forEach(visitors -> visitors.forgetBefore(cutoff));
        lastSeenBySite.values().removeIf(SiteVisitors::isEmpty);
    }

    /**
     * One site's visitors: last-seen epoch milliseconds by visitor key, in {@link #STRIPES} Agrona tables with one
     * lock each, so that request threads recording different visitors rarely wait on each other.
     */
    private static final class SiteVisitors {
        private static final int STRIPES = 8;
        /** The tables' free-slot marker: no time of an accepted event is that far in the past. */
        private static final long NEVER = Long.MIN_VALUE;
        /** Small, as most sites have a handful of visitors online; a table grows with its visitors. */
        private static final int INITIAL_CAPACITY = 8;

        private final Long2LongHashMap[] stripes = new Long2LongHashMap[STRIPES];

        SiteVisitors() {
            for (int i = 0; i < STRIPES; i++) {
                stripes[i] = new Long2LongHashMap(INITIAL_CAPACITY, Hashing.DEFAULT_LOAD_FACTOR, NEVER);
            }
        }

        /** Keeps the later of the known time and this one (events of one visitor can arrive out of order). */
        void seen(long visitorKey, long epochMillis) {
            long at = Math.max(epochMillis, NEVER + 1);
            Long2LongHashMap table = stripe(visitorKey);
            synchronized (table) {
                if (table.get(visitorKey) < at) table.put(visitorKey, at);
            }
        }

        void forEach(LongLongConsumer visitor) {
            for (Long2LongHashMap table : stripes) {
                synchronized (table) {
                    table.forEachLong(visitor);
                }
            }
        }

        /** Drops the visitors last seen before {@code cutoff}, and gives back the room a burst of them took. */
        void forgetBefore(long cutoff) {
            for (Long2LongHashMap table : stripes) {
                synchronized (table) {
                    if (table.values().removeIfLong(lastSeen -> lastSeen < cutoff)) table.compact();
                }
            }
        }

        boolean isEmpty() {
            for (Long2LongHashMap table : stripes) {
                synchronized (table) {
                    if (!table.isEmpty()) return false;
                }
            }
            return true;
        }

        /** The top bits of Agrona's spread: the table takes its slot from the low bits of the same spread. */
        private Long2LongHashMap stripe(long visitorKey) {
            return stripes[Hashing.hash(visitorKey) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(STRIPES))];
        }
    }
}
