package com.datasaas.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Who is on a site right now: distinct visitors with any accepted event (heartbeats included) in the last
 * {@link #WINDOW}. One node's memory in the embedded mode ({@link InMemoryPresence}); a PostgreSQL table that every
 * node feeds in server mode ({@link SharedPresence}).
 */
public interface Presence {
    Duration WINDOW = Duration.ofMinutes(5);

    void seen(String siteId, long visitorKey, Instant at);

    int online(String siteId, Instant now);

    /** The visitors {@link #online} counts, each with the time of their latest event. */
    Map<Long, Instant> onlineVisitors(String siteId, Instant now);
}
