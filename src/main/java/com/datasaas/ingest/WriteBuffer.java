package com.datasaas.ingest;

import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Accepted events wait here for the single writer thread, which appends them in batches at least every flush
 * interval. Bounded so memory is too: when full, {@link #offer} says no and the endpoint answers 503 rather than
 * accept an event it would lose. A failing store is retried with backoff while the batch stays in hand; on shutdown
 * everything still buffered is written before the store closes.
 */
@Component
final class WriteBuffer {
    private static final Logger log = LoggerFactory.getLogger(WriteBuffer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

    private final BlockingQueue<Event> queue;
    private final EventStore store;
    private final int maxBatch;
    private final long flushIntervalNanos;
    private final Thread writer;
    private final DistributionSummary flushSize;
    private final Timer flushLatency;
    private volatile boolean running = true;

    WriteBuffer(EventStore store, IngestSettings settings, MeterRegistry meters) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(settings.bufferCapacity());
        this.maxBatch = settings.maxBatch();
        this.flushIntervalNanos = settings.flushInterval().toNanos();
        meters.gauge("datasaas.ingest.buffer.depth", queue, BlockingQueue::size);
        this.flushSize = DistributionSummary.builder("datasaas.ingest.flush.size")
                .description("Events written per batch")
                .register(meters);
        this.flushLatency = Timer.builder("datasaas.ingest.flush.latency")
                .description("Time to append one batch to the event store")
                .publishPercentileHistogram()
                .register(meters);
        this.writer = new Thread(this::writeLoop, "event-writer");
        this.writer.start();
    }

    boolean offer(Event event) {
        return running && queue.offer(event);
    }

    int depth() {
        return queue.size();
    }

    private void writeLoop() {
        List<Event> batch = new ArrayList<>(Math.min(maxBatch, 65_536));
        while (running || !queue.isEmpty()) {
            try {
                Event first = queue.poll(flushIntervalNanos, TimeUnit.NANOSECONDS);
                if (first == null) continue;
                batch.add(first);
                // Wait a little for company: one append of many rows is far cheaper than many appends of one.
                long deadline = System.nanoTime() + flushIntervalNanos;
                while (batch.size() < maxBatch && running) {
                    queue.drainTo(batch, maxBatch - batch.size());
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || batch.size() >= maxBatch) break;
                    Event next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
                    if (next != null) batch.add(next);
                }
                queue.drainTo(batch, maxBatch - batch.size());
                writeUntilStored(batch);
                batch.clear();
            } catch (InterruptedException e) {
                // Shutdown interrupts only after the grace period; the remaining batch is lost then, say so.
                log.error("Event writer interrupted with {} events unwritten", batch.size() + queue.size());
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeUntilStored(List<Event> batch) throws InterruptedException {
        long backoffMillis = 100;
        while (true) {
            long start = System.nanoTime();
            try {
                store.append(batch);
                flushLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                flushSize.record(batch.size());
                return;
            } catch (RuntimeException e) {
                log.warn(
                        "Writing {} events failed, retrying in {} ms (buffered: {}): {}",
                        batch.size(),
                        backoffMillis,
                        queue.size(),
                        e.getMessage());
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    /** Runs before the event store closes (it depends on the store), after the web server stopped taking requests. */
    @PreDestroy
    void flushAndStop() throws InterruptedException {
        int pending = queue.size();
        running = false;
        writer.join(SHUTDOWN_GRACE.toMillis());
        if (writer.isAlive()) {
            writer.interrupt();
            writer.join(1_000);
        } else {
            log.info("Event writer stopped; flushed {} buffered events", pending);
        }
    }
}
