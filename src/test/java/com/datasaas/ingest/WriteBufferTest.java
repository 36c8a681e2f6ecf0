package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ActiveVisitor;
import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.EventStoreException;
import com.datasaas.events.EventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.RowMapper;

/** The buffer's promises under a store that fails or stalls; the store here is a stand-in we can break on purpose. */
class WriteBufferTest {

    static final class FlakyStore implements EventStore {
        final List<Event> stored = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void append(List<Event> batch) {
            attempts.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failuresLeft.getAndDecrement() > 0) {
                throw new EventStoreException("disk full", null);
            }
            stored.addAll(batch);
        }

        @Override
        public List<ActiveVisitor> activeSince(Instant since) {
            return List.of();
        }

        @Override
        public void deleteSite(String siteId) {}

        @Override
        public String dialect() {
            return "test";
        }

        @Override
        public <T> List<T> query(String sql, List<?> parameters, RowMapper<T> rows) {
            return List.of();
        }
    }

    static Event event(int i) {
        return new Event(
                "mrf_test",
                Instant.now(),
                EventType.PAGEVIEW,
                "v" + i,
                "s" + i,
                i,
                i,
                null,
                null,
                "example.com",
                "/",
                null,
                null,
                null,
                null,
                "Direct",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "desktop",
                "Firefox",
                "133",
                "Linux",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    static WriteBuffer buffer(FlakyStore store, int capacity) {
        return new WriteBuffer(
                store, new IngestSettings(100, capacity, 1000, Duration.ofMillis(20)), new SimpleMeterRegistry());
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void a_failing_store_is_retried_and_every_event_is_written_exactly_once() throws Exception {
        FlakyStore store = new FlakyStore();
        store.failuresLeft.set(3);
        WriteBuffer buffer = buffer(store, 1000);
        for (int i = 0; i < 50; i++) assertThat(buffer.offer(event(i))).isTrue();

        await(() -> store.stored.size() == 50);
        assertThat(store.attempts.get()).isGreaterThanOrEqualTo(4);
        assertThat(store.stored).extracting(Event::visitorId).doesNotHaveDuplicates();
        buffer.flushAndStop();
    }

    @Test
    void a_full_buffer_refuses_instead_of_dropping() throws Exception {
        FlakyStore store = new FlakyStore();
        store.gate = new CountDownLatch(1); // the store stalls
        WriteBuffer buffer = buffer(store, 10);
        assertThat(buffer.offer(event(0))).isTrue();
        await(() -> store.attempts.get() == 1); // the writer now holds that event, blocked in the store
        int accepted = 1;
        for (int i = 1; i < 100; i++) {
            if (buffer.offer(event(i))) accepted++;
        }
        assertThat(accepted).isEqualTo(11);
        store.gate.countDown();
        int expected = accepted;
        await(() -> store.stored.size() == expected);
        buffer.flushAndStop();
    }

    @Test
    void stopping_writes_everything_still_buffered() throws Exception {
        FlakyStore store = new FlakyStore();
        WriteBuffer buffer = buffer(store, 10_000);
        for (int i = 0; i < 5_000; i++) buffer.offer(event(i));
        buffer.flushAndStop();
        assertThat(store.stored).hasSize(5_000);
        assertThat(buffer.offer(event(-1))).isFalse();
    }
}
