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
 * the rest of ingest). Each node counts the events it accepts per address in memory; about once a second
 * ({@link #FLUSH_MILLIS}) it adds its counts to {@code event_rate_windows} (one row per address and clock minute) in
 * one statement, which answers which of those addresses all nodes together took to the limit this minute. Those are
 * refused on this node until the minute ends.
 *
 * <p>Accuracy: besides each node's own exact local bucket, an address can get past the cluster-wide limit by what the
 * nodes accept from it between two flushes (at most one flush interval's worth per node, and never more than the
 * limit per node). Windows are clock minutes, so a burst split across a minute boundary can reach twice the limit, as
 * with the local bucket's interval refill.
 */
final class SharedRateWindows implements RateWindows {
    private static final Logger log = LoggerFactory.getLogger(SharedRateWindows.class);
    static final long FLUSH_MILLIS = 1_000;
    private static final long WINDOW_MILLIS = EventRateLimiter.PERIOD.toMillis();
    /**
     * Adds this node's counts and answers, of the addresses it added to, those that all nodes together took to the
     * limit: the sum comes back from the row the statement wrote, so learning it costs no scan of the window.
     */
    private static final String ADD =
            "WITH added AS (INSERT INTO event_rate_windows AS w (address, window_start, events)"
                    + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::int[])"
                    + " ON CONFLICT (address, window_start) DO UPDATE SET events = w.events + excluded.events"
                    + " RETURNING address, events)"
                    + " SELECT address FROM added WHERE events >= ?";

    private final DataSource dataSource;
    private final Clock clock;
    private final int perMinute;
    /** Accepted here since the last flush, per address; the window is the one current at flush time. */
    private volatile Map<String, AtomicInteger> pending = new ConcurrentHashMap<>();
    /** Addresses over the limit across nodes, with the end of the window that blocks them (epoch millis). */
    private final Map<String, Long> blockedUntil = new ConcurrentHashMap<>();

    SharedRateWindows(DataSource dataSource, Clock clock, IngestSettings settings) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.perMinute = settings.rateLimitPerMinute();
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

    @Override
    public void accepted(String address) {
        pending.computeIfAbsent(address, k -> new AtomicInteger()).incrementAndGet();
    }

    @Scheduled(fixedDelay = FLUSH_MILLIS, initialDelay = FLUSH_MILLIS)
    void flush() {
        Map<String, AtomicInteger> batch = pending;
        if (batch.isEmpty()) return;
        pending = new ConcurrentHashMap<>();
        long window = clock.millis() / WINDOW_MILLIS * WINDOW_MILLIS;
        try (var connection = dataSource.getConnection()) {
            // Only the addresses this node accepted since the last flush: one that other nodes took to the limit is
            // learnt here at the first flush after this node accepts from it, so this node lets through at most one
            // flush interval of its traffic (the bound in the class comment). Reading every address over the limit
            // instead scanned the whole minute's rows every second, PostgreSQL's main cost under load.
            for (String address : add(connection, batch, window, perMinute)) {
                blockedUntil.put(address, window + WINDOW_MILLIS);
            }
        } catch (SQLException e) {
            // Counting is best effort: the local bucket still limits each node; the counts come back next flush.
            batch.forEach((address, count) ->
                    pending.computeIfAbsent(address, k -> new AtomicInteger()).addAndGet(count.get()));
            log.warn("Cannot share event rate counts with the other nodes: {}", e.getMessage());
        }
    }

    /** Adds the counts; answers the addresses among them whose window reached {@code limit} across nodes. */
    private static List<String> add(Connection connection, Map<String, AtomicInteger> batch, long window, int limit)
            throws SQLException {
        List<String> addresses = new ArrayList<>(batch.size());
        List<Long> windows = new ArrayList<>(batch.size());
        List<Integer> counts = new ArrayList<>(batch.size());
        batch.forEach((address, count) -> {
            addresses.add(address);
            windows.add(window);
            counts.add(count.get());
        });
        List<String> over = new ArrayList<>();
        try (PreparedStatement add = connection.prepareStatement(ADD)) {
            add.setArray(1, connection.createArrayOf("text", addresses.toArray()));
            add.setArray(2, connection.createArrayOf("bigint", windows.toArray()));
            add.setArray(3, connection.createArrayOf("integer", counts.toArray()));
            add.setInt(4, limit);
            try (ResultSet blocked = add.executeQuery()) {
                while (blocked.next()) over.add(blocked.getString(1));
            }
        }
        return over;
    }

    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void forgetOldWindows() {
        long current = clock.millis() / WINDOW_MILLIS * WINDOW_MILLIS;
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
