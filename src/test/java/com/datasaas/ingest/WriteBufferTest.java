package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.ApiException;
import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.ActiveVisitor;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.EventStoreException;
import com.datasaas.events.EventType;
import com.datasaas.events.SpooledEvent;
import com.datasaas.events.TestEvent;
import com.datasaas.support.StoreOracle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.util.unit.DataSize;

/**
 * The write path's promises with the real DuckDB store behind a wrapper that fails on purpose: every event whose
 * {@link WriteBuffer#write} returned is stored exactly once, sessions equal a group-by over the events, and a fault is
 * visible until it is over.
 */
class WriteBufferTest {
    @TempDir
    Path dataDir;

    final List<AutoCloseable> open = new ArrayList<>();

    /** The real store; fails while {@code failuresLeft} > 0, half the time after the commit went through. */
    static final class FlakyStore implements EventStore {
        final DuckDbEventStore real;
        final AtomicInteger failuresLeft = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        /** Session merges fail while this is > 0. */
        final AtomicInteger mergeFailuresLeft = new AtomicInteger();

        final AtomicInteger merges = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        FlakyStore(DuckDbEventStore real) {
            this.real = real;
        }

        @Override
        public void append(List<Event> batch) {
            real.append(batch);
        }

        @Override
        public void appendSpooled(List<SpooledEvent> batch) {
            int attempt = attempts.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failuresLeft.getAndDecrement() > 0) {
                if (attempt % 2 == 0) {
                    real.appendSpooled(batch); // committed, but the caller hears a failure: the retry must not add
                    throw new EventStoreException("connection reset after commit", null);
                }
                throw new EventStoreException("No space left on device", null);
            }
            real.appendSpooled(batch);
        }

        @Override
        public long spoolWatermark() {
            return real.spoolWatermark();
        }

        @Override
        public long sessionWatermark() {
            return real.sessionWatermark();
        }

        @Override
        public boolean mergesSessionsApart() {
            return real.mergesSessionsApart();
        }

        /** The store's own flush interval (ClickHouse's is longer than DuckDB's). */
        volatile Duration flushInterval = EventStore.DEFAULT_FLUSH_INTERVAL;

        @Override
        public Duration flushInterval() {
            return flushInterval;
        }

        @Override
        public long mergeSessions() {
            merges.incrementAndGet();
            if (mergeFailuresLeft.getAndDecrement() > 0) throw new EventStoreException("No space left on device", null);
            return real.mergeSessions();
        }

        /** Checkpoints fail while this is > 0. */
        final AtomicInteger checkpointFailuresLeft = new AtomicInteger();

        final AtomicInteger checkpoints = new AtomicInteger();

        @Override
        public boolean checkpointIfDue() {
            checkpoints.incrementAndGet();
            if (checkpointFailuresLeft.getAndDecrement() > 0)
                throw new EventStoreException("Checkpointing the event store failed: No space left on device", null);
            return real.checkpointIfDue();
        }

        @Override
        public List<ActiveVisitor> activeSince(Instant since) {
            return real.activeSince(since);
        }

        @Override
        public void deleteSite(String siteId) {
            real.deleteSite(siteId);
        }

        @Override
        public long deleteVisitors(String siteId, List<String> visitorIds) {
            return real.deleteVisitors(siteId, visitorIds);
        }

        @Override
        public String dialect() {
            return real.dialect();
        }

        @Override
        public <T> List<T> query(String sql, List<?> parameters, RowMapper<T> rows) {
            return real.query(sql, parameters, rows);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    FlakyStore store() throws Exception {
        DuckDbEventStore real = new DuckDbEventStore(new DataSaasProperties(dataDir, null, null, null, null));
        open.add(real::close);
        return new FlakyStore(real);
    }

    WriteBuffer buffer(EventStore store, DataSize spoolMax) throws Exception {
        return buffer(store, spoolMax, Duration.ofSeconds(2));
    }

    WriteBuffer buffer(EventStore store, DataSize spoolMax, Duration shutdownFlush) throws Exception {
        return buffer(store, spoolMax, shutdownFlush, Duration.ofMillis(50));
    }

    WriteBuffer buffer(EventStore store, DataSize spoolMax, Duration shutdownFlush, Duration mergeInterval)
            throws Exception {
        WriteBuffer buffer = new WriteBuffer(
                store,
                new IngestSettings(
                        100,
                        500,
                        Duration.ofMillis(20),
                        spoolMax,
                        DataSize.ofKilobytes(64),
                        shutdownFlush,
                        mergeInterval),
                new DataSaasProperties(dataDir, null, null, null, null),
                new SimpleMeterRegistry());
        open.add(buffer::flushAndStop);
        return buffer;
    }

    @Test
    void without_a_configured_flush_interval_batches_gather_as_long_as_the_store_asks() throws Exception {
        FlakyStore store = store();
        store.flushInterval = Duration.ofMinutes(10);
        WriteBuffer buffer = new WriteBuffer(
                store,
                new IngestSettings(100, 500, null, DataSize.ofMegabytes(8), DataSize.ofKilobytes(64), null, null),
                new DataSaasProperties(dataDir, null, null, null, null),
                new SimpleMeterRegistry());
        buffer.write(event(1));
        Thread.sleep(1_500); // three embedded flush intervals
        assertThat(store.attempts.get())
                .as("batches written before the store's interval")
                .isZero();
        buffer.flushAndStop(); // a stop still stores what waits
        assertThat(store.attempts.get()).isEqualTo(1);
        assertThat(store.spoolWatermark()).isPositive();
    }

    static Event event(int i) {
        String visitor = "v" + i; // the marker: one visitor per event
        return TestEvent.bare(
                        "mrf_test", Instant.now(), i % 3 == 2 ? EventType.LEAVE : EventType.PAGEVIEW, visitor, "s" + i)
                .url(null)
                .hostname("example.com")
                .path("/p" + (i % 5))
                .channel("Direct")
                .deviceType("desktop")
                .browser("Firefox")
                .browserVersion("133")
                .os("Linux")
                .durationMs(i % 3 == 2 ? 1_000L : null)
                .scrollDepth(i % 3 == 2 ? 40 : null)
                .build();
    }

    /** Writes events 0..n-1 from several threads; returns the markers whose write returned (a 202). */
    static Set<String> writeConcurrently(WriteBuffer buffer, int n, int from) throws Exception {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            int id = i;
            futures.add(pool.submit(() -> {
                try {
                    buffer.write(event(id));
                    accepted.add("v" + id);
                } catch (ApiException refused) {
                    assertThat(refused.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(refused.retryAfter()).isNotNull();
                }
            }));
        }
        for (Future<?> f : futures) f.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        return accepted;
    }

    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    static Map<String, Long> stored(EventStore store) {
        Map<String, Long> out = new ConcurrentHashMap<>();
        store.query(
                "SELECT visitor_id, count(*) FROM events GROUP BY visitor_id",
                List.of(),
                (rs, n) -> out.put(rs.getString(1), rs.getLong(2)));
        return out;
    }

    /** The oracle every fault test ends with. */
    static void assertExactlyOnce(EventStore store, Set<String> accepted) {
        Map<String, Long> stored = stored(store);
        assertThat(stored.keySet()).as("every accepted event is stored").containsAll(accepted);
        assertThat(stored.entrySet().stream().filter(e -> e.getValue() != 1).toList())
                .as("no event is stored twice")
                .isEmpty();
        assertThat(StoreOracle.sessionsDifferingFromEvents(store))
                .as("sessions equal a group-by over events")
                .isEmpty();
    }

    @Test
    void a_store_that_fails_for_a_while_shows_the_fault_then_recovers_and_stores_every_event_once() throws Exception {
        FlakyStore store = store();
        store.failuresLeft.set(Integer.MAX_VALUE); // until we say so
        WriteBuffer buffer = buffer(store, DataSize.ofMegabytes(64));

        Set<String> accepted = writeConcurrently(buffer, 3_000, 0);
        assertThat(accepted).as("the spool accepts while the store fails").hasSize(3_000);
        // Health shows the latest attempt's cause, and this store's attempts alternate between two causes with a
        // backoff between them; a test thread held up for longer than the first backoff (a loaded CI machine) reads
        // the second one, so wait for the one asserted rather than read whichever is shown at the first look.
        await(() -> buffer.fault() != null, "the store fault is visible");
        await(
                () -> String.valueOf(buffer.fault()).contains("No space left on device"),
                "the store fault names its cause");
        assertThat(buffer.fault()).contains("the event store cannot write");
        await(() -> store.attempts.get() >= 4, "the writer retries");

        store.failuresLeft.set(0); // the fault goes away
        await(() -> buffer.depth() == 0 && buffer.sessionsBehind() == 0, "the writer catches up");
        await(() -> buffer.fault() == null, "the fault clears by itself");
        assertExactlyOnce(store, accepted);
        assertThat(stored(store)).hasSize(3_000);
    }

    @Test
    void a_full_spool_answers_503_and_everything_accepted_is_stored_once_when_the_store_is_back() throws Exception {
        FlakyStore store = store();
        store.gate = new CountDownLatch(1); // the store stalls
        WriteBuffer buffer = buffer(store, DataSize.ofKilobytes(200));

        Set<String> accepted = writeConcurrently(buffer, 2_000, 0);
        assertThat(accepted.size())
                .as("some events fit the 200 KB spool, not all")
                .isBetween(1, 1_999);
        assertThat(buffer.fault()).contains("spool is full");
        assertThatThrownBy(() -> buffer.write(event(5_000)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("spool is full")
                .hasMessageContaining("send it again");

        store.gate.countDown();
        await(() -> buffer.depth() == 0 && buffer.fault() == null, "the writer drains the spool");
        Set<String> more = writeConcurrently(buffer, 100, 10_000);
        assertThat(more).as("accepted again once there is room").hasSize(100);
        accepted.addAll(more);
        await(() -> buffer.depth() == 0 && buffer.sessionsBehind() == 0, "the writer stores the new events");
        assertExactlyOnce(store, accepted);
        assertThat(stored(store)).hasSize(accepted.size());
    }

    @Test
    void events_not_stored_at_shutdown_stay_in_the_spool_and_are_stored_once_at_the_next_start() throws Exception {
        FlakyStore store = store();
        store.failuresLeft.set(Integer.MAX_VALUE); // the store never works during this run
        WriteBuffer buffer = buffer(store, DataSize.ofMegabytes(64));
        Set<String> accepted = writeConcurrently(buffer, 1_500, 0);
        assertThat(accepted).hasSize(1_500);
        buffer.flushAndStop();
        assertThatThrownBy(() -> buffer.write(event(9_999))).isInstanceOf(ApiException.class);
        long storedBefore = stored(store).size(); // failures after commit did store some batches

        store.failuresLeft.set(0); // next start: the store works
        WriteBuffer restarted = buffer(store, DataSize.ofMegabytes(64));
        await(() -> stored(store).size() == 1_500, "the spool is replayed into the store");
        await(
                () -> restarted.depth() == 0 && restarted.sessionsBehind() == 0,
                "the writer counts the replay as stored");
        assertThat(storedBefore).isLessThan(1_500);
        assertExactlyOnce(store, accepted);
    }

    @Test
    void a_failing_session_merge_is_visible_keeps_the_events_and_merges_each_of_them_once_when_it_recovers()
            throws Exception {
        FlakyStore store = store();
        store.mergeFailuresLeft.set(Integer.MAX_VALUE);
        WriteBuffer buffer = buffer(store, DataSize.ofMegabytes(64));

        Set<String> accepted = writeConcurrently(buffer, 2_000, 0);
        await(() -> buffer.depth() == 0, "the events are stored while the merge fails");
        await(() -> store.merges.get() >= 3, "the writer retries the merge");
        assertThat(buffer.fault()).contains("cannot merge sessions").contains("No space left on device");
        assertThat(buffer.sessionsBehind()).isPositive();
        assertThat(StoreOracle.sessionsDifferingFromEvents(store))
                .as("the sessions lag the events meanwhile")
                .isNotEmpty();

        store.mergeFailuresLeft.set(0);
        await(() -> buffer.sessionsBehind() == 0 && buffer.fault() == null, "the merge recovers by itself");
        assertThat(store.sessionWatermark()).isEqualTo(store.spoolWatermark());
        assertExactlyOnce(store, accepted);
        assertThat(stored(store)).hasSize(2_000);
    }

    @Test
    void a_failing_checkpoint_is_no_fault_and_the_writer_keeps_storing_and_merging() throws Exception {
        FlakyStore store = store();
        store.checkpointFailuresLeft.set(Integer.MAX_VALUE);
        WriteBuffer buffer = buffer(store, DataSize.ofMegabytes(64));

        Set<String> accepted = writeConcurrently(buffer, 2_000, 0);
        await(() -> buffer.depth() == 0 && buffer.sessionsBehind() == 0, "stored and merged");
        assertThat(store.checkpoints.get())
                .as(
                        "asked after every committed batch (%d; the last one's may still be on its way)",
                        store.attempts.get())
                .isPositive()
                .isGreaterThanOrEqualTo(store.attempts.get() - 1);
        assertThat(buffer.fault()).isNull();
        assertExactlyOnce(store, accepted);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void sessions_follow_the_events_within_the_merge_interval_without_one_merge_per_batch() throws Exception {
        FlakyStore store = store();
        long start = System.nanoTime();
        WriteBuffer buffer = buffer(store, DataSize.ofMegabytes(64), Duration.ofSeconds(2), Duration.ofMillis(300));
        Set<String> accepted = new java.util.HashSet<>();
        int from = 0;
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1_500)) {
            accepted.addAll(writeConcurrently(buffer, 5, from));
            from += 5;
            Thread.sleep(25); // longer than the 20 ms flush interval: about a batch per round
        }
        await(() -> buffer.depth() == 0 && buffer.sessionsBehind() == 0, "stored and merged");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertExactlyOnce(store, accepted);
        assertThat(store.merges.get())
                .as(
                        "merges at most every 300 ms over %d ms, not one per batch (%d batches)",
                        elapsedMillis, store.attempts.get())
                .isLessThanOrEqualTo((int) (elapsedMillis / 300) + 2)
                .isLessThan(store.attempts.get());
    }

    @Test
    void stopping_stores_everything_spooled() throws Exception {
        FlakyStore store = store();
        // The stop's grace period is not what this test is about: 2 s was too short for 5,000 events on a shared,
        // loaded machine (the writer ran out of grace with ~1,000 left), which made it a timing test.
        WriteBuffer buffer = buffer(store, DataSize.ofMegabytes(64), Duration.ofSeconds(60));
        Set<String> accepted = writeConcurrently(buffer, 5_000, 0);
        buffer.flushAndStop();
        assertThat(stored(store)).hasSize(5_000);
        assertExactlyOnce(store, accepted);
        try (var segments = java.nio.file.Files.list(dataDir.resolve("spool"))) {
            assertThat(segments.count())
                    .as("stored segments are deleted, at most the last one stays")
                    .isLessThanOrEqualTo(1);
        }
    }
}
