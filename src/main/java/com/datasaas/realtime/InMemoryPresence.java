package com.datasaas.realtime;

import com.datasaas.events.ActiveVisitor;
import com.datasaas.events.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Last-seen time per visitor per site, in memory: the embedded mode's presence (one node sees every event). Rebuilt
 * from the store's last five minutes at start-up, so the online count survives a restart.
 */
final class InMemoryPresence implements Presence {
    private static final Logger log = LoggerFactory.getLogger(InMemoryPresence.class);

    private final Map<String, Map<Long, Long>> lastSeenBySite = new ConcurrentHashMap<>();
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
        long millis = at.toEpochMilli();
        lastSeenBySite.computeIfAbsent(siteId, k -> new ConcurrentHashMap<>()).merge(visitorKey, millis, Math::max);
    }

    @Override
    public int online(String siteId, Instant now) {
        Map<Long, Long> visitors = lastSeenBySite.get(siteId);
        if (visitors == null) return 0;
        long cutoff = now.minus(WINDOW).toEpochMilli();
        int online = 0;
        for (long lastSeen : visitors.values()) {
            // >= on purpose: a visitor seen exactly five minutes ago still counts, as in the store query.
            if (lastSeen >= cutoff) online++;
        }
        return online;
    }

    @Override
    public Map<Long, Instant> onlineVisitors(String siteId, Instant now) {
        Map<Long, Long> visitors = lastSeenBySite.get(siteId);
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
        lastSeenBySite.values().forEach(visitors -> visitors.values().removeIf(lastSeen -> lastSeen < cutoff));
        lastSeenBySite.values().removeIf(Map::isEmpty);
    }
}
