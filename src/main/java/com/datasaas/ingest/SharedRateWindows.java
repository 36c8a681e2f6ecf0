package com.datasaas.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The per-address event limit summed over nodes, without a database round trip per event (that would cost more than
 * the rest of ingest). Each node counts the events it accepts per address and clock minute in memory; about once a
 * second ({@link #FLUSH_MILLIS}) it adds what it has not shared yet to {@code event_rate_windows} (one row per address
 * and clock minute) in one statement, which answers which of those addresses all nodes together took to the limit
 * this minute. Those are refused on this node until the minute ends.
 *
 * <p>An address is shared only once this node accepted {@link #shareFrom} events from it in the minute (5 for the
 * limit of 100), and then with its whole count: most addresses send a few events a minute, and writing a row for each
 * of them was a third of PostgreSQL's CPU per event under load, for addresses that can never reach the limit. Below
 * that count an address is only a number in an {@link ExpiringLongMap} (its window and count in one long, no object);
 * it gets a {@code Count} in the window's map when it reaches {@code shareFrom}, so the flush walks only the addresses
 * it shares. Counting every address in that map made the once-a-second flush walk every address of the minute (~900k
 * under the benchmark's random addresses) and was most of what server mode added to the app's CPU per event.
 *
 * <p>Accuracy, per address and clock minute, with {@code N} nodes: each node's own local bucket is exact. Across
 * nodes the address gets at most {@code limit + N * (shareFrom - 1)} events plus, per node, what that node accepts from
 * it between two flushes (about one second of its traffic): a node that has not shared the address holds back at most
 * {@code shareFrom - 1} of its events, and a node learns that the others took the address to the limit at its first
 * flush after it shared it. Never more than the limit per node. Windows are clock minutes, so a burst split across a
 * minute boundary can reach twice the limit, as with the local bucket's interval refill. Under more than {@link
 * EventRateLimiter#MAX_ADDRESSES} addresses a minute on one node, an address below {@code shareFrom} may be forgotten
 * and counted afresh, as the local window of {@link EventRateLimiter} is. {@code SharedRateWindowsTest} checks the
 * bound on two nodes.
 */
final class SharedRateWindows implements RateWindows {
    private static final Logger log = LoggerFactory.getLogger(SharedRateWindows.class);
    static final long FLUSH_MILLIS = 1_000;
    private static final long WINDOW_MILLIS = EventRateLimiter.PERIOD.toMillis();
    /** Bits of an address's count in its {@code below} state: the count passes shareFrom long before it fills them. */
    private static final int COUNT_BITS = 32;

    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /**
     * Adds this node's counts and answers, of the addresses it added to, those that all nodes together took to the
     * limit: the sum comes back from the row the statement wrote, so learning it costs no scan of the window.
     */
    private static final String ADD =
            "WITH added AS (INSERT INTO event_rate_windows AS w (address, window_start, events)"
                    + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::int[])"
                    + " ON CONFLICT (address, window_start) DO UPDATE SET events = w.events + excluded.events"
                    + " RETURNING address, window_start, events)"
                    + " SELECT address, window_start FROM added WHERE events >= ?";

    /** This node's count of one address in one window, and how much of it is in PostgreSQL. */
    private static final class Count {
        final AtomicInteger accepted = new AtomicInteger();
        /** Written by the flush only. */
        int shared;
    }

    /** One clock minute's counts on this node. */
    private record Window(long start, Map<String, Count> counts) {}

    private final DataSource dataSource;
    private final Clock clock;
    private final int perMinute;
    /** From this many events of an address in a window on this node, its count is shared (see the class comment). */
    final int shareFrom;

    /** Per address ({@link ExpiringLongMap#hash}): the start of its window in minutes, then its count on this node. */
    private final ExpiringLongMap below;

    private volatile Window current;
    /** The window before {@link #current}, until a flush has shared its last counts. */
    private volatile Window previous;
    /** Addresses over the limit across nodes, with the end of the window that blocks them (epoch millis). */
    private final Map<String, Long> blockedUntil = new ConcurrentHashMap<>();

    SharedRateWindows(DataSource dataSource, Clock clock, IngestSettings settings) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.perMinute = settings.rateLimitPerMinute();
        this.shareFrom = Math.max(1, perMinute / 20);
        this.below = new ExpiringLongMap(EventRateLimiter.MAX_ADDRESSES, EventRateLimiter.PERIOD, nowNanos());
        this.current = new Window(windowStart(), new ConcurrentHashMap<>());
    }

    private long windowStart() {
        return clock.millis() / WINDOW_MILLIS * WINDOW_MILLIS;
    }

    @Override
    public Duration blocked(String address) {
        Long until = blockedUntil.get(address);
        if (until == null) return Duration.ZERO;
        long left = until - clock.millis();
        if (left > 0) return Duration.ofMillis(left);
        blockedUntil.remove(address, until);
        return Duration.ZERO;
    }

    private long nowNanos() {
        return clock.millis() * 1_000_000;
    }

    @Override
    public void accepted(String address) {
        Window w = window();
        long minute = w.start() / WINDOW_MILLIS;
        long state = below.update(
                ExpiringLongMap.hash(address),
                0,
                s -> s >>> COUNT_BITS == minute ? s + 1 : minute << COUNT_BITS | 1,
                nowNanos());
        long n = state & COUNT_MASK;
        if (n < shareFrom) return;
        // The event that reaches shareFrom brings the ones before it; the update above is atomic per address, so
        // exactly one event does, whichever thread creates the Count.
        w.counts().computeIfAbsent(address, k -> new Count()).accepted.addAndGet(n == shareFrom ? shareFrom : 1);
    }

    /** The window of now, starting a new one when the minute has turned. */
    private Window window() {
        Window w = current;
        long start = windowStart();
        if (w.start() == start) return w;
        synchronized (this) {
            w = current;
            if (w.start() != start) {
                // A previous window not flushed yet (no flush for a whole minute) is dropped: its minute is over.
                previous = w;
                w = new Window(start, new ConcurrentHashMap<>());
                current = w;
            }
            return w;
        }
    }

    @Scheduled(fixedDelay = FLUSH_MILLIS, initialDelay = FLUSH_MILLIS)
    void flush() {
        Window now = window();
        Window before = previous;
        List<String> addresses = new ArrayList<>();
        List<Long> windows = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        List<Count> sharing = new ArrayList<>();
        List<Integer> amounts = new ArrayList<>();
        for (Window w : before == null ? List.of(now) : List.of(before, now)) {
            w.counts().forEach((address, count) -> {
                int accepted = count.accepted.get();
                if (accepted >= shareFrom && accepted > count.shared) {
                    addresses.add(address);
                    windows.add(w.start());
                    counts.add(accepted - count.shared);
                    sharing.add(count);
                    amounts.add(accepted);
                }
            });
        }
        if (addresses.isEmpty()) {
            if (before != null) previous = null;
            return;
        }
        try (var connection = dataSource.getConnection()) {
            // Of the addresses this node shares now: one that other nodes took to the limit is learnt here at the
            // first flush after this node shares it (the bound in the class comment). Reading every address over the
            // limit instead scanned the whole minute's rows every second.
            add(connection, addresses, windows, counts, perMinute)
                    .forEach((address, windowStart) ->
                            blockedUntil.merge(address, windowStart + WINDOW_MILLIS, Math::max));
            for (int i = 0; i < sharing.size(); i++) sharing.get(i).shared = amounts.get(i);
            if (before != null) previous = null;
        } catch (SQLException e) {
            // Counting is best effort: the local bucket still limits each node; the counts go at the next flush.
            log.warn("Cannot share event rate counts with the other nodes: {}", e.getMessage());
        }
    }

    /**
     * Adds the counts; answers the addresses among them whose window reached {@code limit} across nodes, with the
     * latest such window's start.
     */
    private static Map<String, Long> add(
            Connection connection, List<String> addresses, List<Long> windows, List<Integer> counts, int limit)
            throws SQLException {
        Map<String, Long> over = new java.util.HashMap<>();
        try (PreparedStatement add = connection.prepareStatement(ADD)) {
            add.setArray(1, connection.createArrayOf("text", addresses.toArray()));
            add.setArray(2, connection.createArrayOf("bigint", windows.toArray()));
            add.setArray(3, connection.createArrayOf("integer", counts.toArray()));
            add.setInt(4, limit);
            try (ResultSet blocked = add.executeQuery()) {
                while (blocked.next()) over.merge(blocked.getString(1), blocked.getLong(2), Math::max);
            }
        }
        return over;
    }

    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void forgetOldWindows() {
        long current = windowStart();
        try (var connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM event_rate_windows WHERE window_start < ?")) {
            delete.setLong(1, current - WINDOW_MILLIS);
            delete.executeUpdate();
        } catch (SQLException e) {
            log.warn("Cannot delete old event rate windows: {}", e.getMessage());
        }
        blockedUntil.values().removeIf(until -> until <= clock.millis());
    }
}
