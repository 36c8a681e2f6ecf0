package com.datasaas.ingest;

import com.datasaas.app.ApiException;
import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.Event;
import com.datasaas.events.EventFields;
import com.datasaas.events.EventStore;
import com.datasaas.events.SpooledRecords;
import com.datasaas.events.SpooledRecords.Unreadable;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Between an accepted event and the event store. {@link #write} returns only once the event is fsync'd in the
 * {@link Spool} under the data dir, so a 202 survives kill -9 and power loss; when the spool cannot take it (over its
 * size bound, or the disk refuses the write) the caller answers 503 instead. The single writer thread moves spooled
 * events into the store in batches, at least every flush interval; each batch is one store transaction that also
 * records the batch's highest spool id, and only segments the store holds are deleted. At start-up the spool is
 * replayed from the store's watermark, so nothing is lost and nothing counted twice.
 *
 * <p>The same thread merges the stored events' sessions ({@link EventStore#mergeSessions}) between batches, at most
 * once per session-merge interval: one merge per second instead of one per batch. Until a merge, whole-session
 * numbers lag the events by at most that interval; the merge has its own watermark, so a crash in between leaves the
 * tail to the next merge (at the latest, the store's next start).
 *
 * <p>A failing store is retried with backoff while events stay in the spool. The fault is logged once per episode,
 * with its root cause, and shown by {@link IngestHealth} until a batch commits again.
 */
@Component
final class WriteBuffer {
    private static final Logger log = LoggerFactory.getLogger(WriteBuffer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How long a request waits for its fsync before it is answered 503 (a disk that stalls, not one that fails). */
    static final long SPOOL_WAIT_MILLIS = 10_000;

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /** A fault in progress: what failed, since when, how often. */
    record Fault(String cause, Instant since, long attempts) {}

    /**
     * One way the writer can fail (the store, the session merge), as episodes: an episode runs from a failure to the
     * next success. Its cause is logged once, with the root cause, when it starts, and once more when it ends; the
     * retries in between are only counted. While it runs, health shows it ({@link #describe}, OUT_OF_SERVICE through
     * {@link IngestHealth}).
     *
     * @param failing the start of the log line that opens an episode ("Cannot write events to the store")
     * @param recovering the log line that ends it, before the attempts ("The event store writes again")
     * @param shown what health says while it runs, before "since" ("the event store cannot write")
     */
    private static final class FaultEpisodes {
        private final String failing;
        private final String recovering;
        private final String shown;
        private volatile Fault current;

        FaultEpisodes(String failing, String recovering, String shown) {
            this.failing = failing;
            this.recovering = recovering;
            this.shown = shown;
        }

        /** @param meanwhile what happens until it recovers, for the episode's first line (built only then) */
        void failed(RuntimeException e, Supplier<String> meanwhile) {
            Fault f = current;
            if (f == null) {
                log.error("{}: {}. {}", failing, e.getMessage(), meanwhile.get(), e);
                current = new Fault(e.getMessage(), Instant.now(), 1);
            } else {
                current = new Fault(e.getMessage(), f.since(), f.attempts() + 1);
            }
        }

        void succeeded() {
            Fault recovered = current;
            if (recovered != null) {
                current = null;
                log.info("{} after {} failed attempts since {}", recovering, recovered.attempts(), recovered.since());
            }
        }

        /** The episode in progress for health (no file names: health details may be public), or null. */
        String describe() {
            Fault f = current;
            return f == null ? null : shown + " since " + f.since() + ": " + Spool.publicCause(f.cause());
        }
    }

    private final EventStore store;
    private final Spool spool;
    private final int maxBatch;
    private final long flushIntervalNanos;
    private final long mergeIntervalNanos;
    private final boolean mergesApart;
    private final Duration shutdownFlush;
    private final Thread writer;
    private final DistributionSummary flushSize;
    private final Timer flushLatency;
    private final Timer spoolWait;
    private final Timer mergeLatency;
    private final Timer checkpointLatency;
    /** Whether the last checkpoint failed: logged once per run of failures (DuckDB's own checkpoint is the net). */
    private boolean checkpointFailing;

    private volatile boolean stopping;
    private volatile long stopDeadlineNanos;
    private final FaultEpisodes storeFaults = new FaultEpisodes(
            "Cannot write events to the store", "The event store writes again", "the event store cannot write");
    /** Highest spool id the store holds. */
    private volatile long committedId;
    /** Highest spool id whose session the store's sessions hold. */
    private volatile long mergedId;
    /** A failing session merge: events are stored, their sessions go stale until it recovers. */
    private final FaultEpisodes mergeFaults =
            new FaultEpisodes("Cannot merge sessions", "Sessions merge again", "the event store cannot merge sessions");

    WriteBuffer(EventStore store, IngestSettings settings, DataSaasProperties properties, MeterRegistry meters)
            throws IOException {
        this.store = store;
        this.maxBatch = settings.maxBatch();
        this.flushIntervalNanos =
                (settings.flushInterval() != null ? settings.flushInterval() : store.flushInterval()).toNanos();
        this.shutdownFlush = settings.shutdownFlush();
        this.mergeIntervalNanos = settings.sessionMergeInterval().toNanos();
        this.mergesApart = store.mergesSessionsApart();
        this.committedId = store.spoolWatermark();
        this.mergedId = store.sessionWatermark();
        this.spool = new Spool(
                properties.dataDir().resolve("spool"),
                settings.spoolMaxSize().toBytes(),
                settings.spoolSegmentSize().toBytes(),
                committedId,
                this::onDurable,
                meters);
        meters.gauge("datasaas.ingest.buffer.depth", this, WriteBuffer::depth);
        meters.gauge("datasaas.ingest.spool.bytes", spool, Spool::diskBytes);
        meters.gauge("datasaas.ingest.sessions.behind", this, WriteBuffer::sessionsBehind);
        this.flushSize = DistributionSummary.builder("datasaas.ingest.flush.size")
                .description("Events written per batch")
                .register(meters);
        this.flushLatency = Timer.builder("datasaas.ingest.flush.latency")
                .description("Time to append one batch to the event store")
                .publishPercentileHistogram()
                .register(meters);
        this.spoolWait = Timer.builder("datasaas.ingest.spool.wait")
                .description("Time a request waits for its event's fsync, hand-over to wake-up")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(meters);
        this.mergeLatency = Timer.builder("datasaas.ingest.sessions.merge")
                .description("Time of one session merge")
                .publishPercentileHistogram()
                .register(meters);
        this.checkpointLatency = Timer.builder("datasaas.ingest.checkpoint")
                .description("Time of one checkpoint of the event store's log, a writer step of its own")
                .publishPercentileHistogram()
                .register(meters);
        this.writer = new Thread(this::writeLoop, "event-writer");
        this.writer.start();
    }

    /**
     * Returns once the event is on disk in the spool (then a 202 may promise it is kept); otherwise throws a 503 that
     * says why, with Retry-After. For callers that answer on their own thread (server-side events).
     */
    void write(Event event) {
        long start = System.nanoTime();
        CompletableFuture<Long> durable = hand(event);
        try {
            durable.get(SPOOL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            confirmed(start);
        } catch (ExecutionException e) {
            throw refused(e.getCause());
        } catch (TimeoutException e) {
            throw unconfirmed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE, "The service is shutting down; send the event again.", RETRY_AFTER);
        }
    }

    /**
     * Hands the event to the spool without waiting: the future completes (on the spool's writer thread) once the
     * event is fsync'd, or fails with the cause to answer with {@link #refused}. A refusal known at once (the spool is
     * full or closing) is thrown as the 503. The caller answers 202 only on completion, and answers 503
     * ({@link #unconfirmed}) when that takes longer than {@link #SPOOL_WAIT_MILLIS}.
     */
    CompletableFuture<Long> hand(Event event) {
        byte[] record = SpoolRecord.encode(event);
        try {
            return spool.appendAsync(record);
        } catch (Spool.Refused e) {
            throw refused(e);
        }
    }

    /** Records the wait for a confirmed write, from {@code handedNanos} ({@link System#nanoTime}) to now. */
    void confirmed(long handedNanos) {
        spoolWait.record(System.nanoTime() - handedNanos, TimeUnit.NANOSECONDS);
    }

    /** The 503 for a write the spool refused or could not make durable. */
    static ApiException refused(Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                cause.getMessage() + ". The event was not recorded; send it again in a few seconds.",
                RETRY_AFTER);
    }

    /** The 503 for a write not confirmed within {@link #SPOOL_WAIT_MILLIS} (a disk that stalls, not one that fails). */
    static ApiException unconfirmed() {
        return refused(new IOException("The disk did not confirm the write within " + SPOOL_WAIT_MILLIS + " ms"));
    }

    /** Spooled events not yet in the store (at most: ids of refused writes leave gaps). */
    long depth() {
        return Math.max(0, spool.lastDurableId() - committedId);
    }

    /** Stored events whose sessions are not merged yet (spool ids, so at most). */
    long sessionsBehind() {
        return Math.max(0, committedId - mergedId);
    }

    /**
     * What keeps events from being stored or accepted right now, or null when all is well. Without file names: health
     * details may be public.
     */
    String fault() {
        String store = storeFaults.describe();
        if (store != null) return store;
        IOException spoolFailure = spool.writeFailure();
        if (spoolFailure != null)
            return "the event spool cannot write: " + Spool.publicCause(spoolFailure.getMessage());
        if (spool.full()) return "the event spool is full (" + spool.maxBytes() + " bytes)";
        return mergeFaults.describe();
    }

    private void onDurable() {
        if (spool.unread() >= maxBatch) LockSupport.unpark(writer);
    }

    private void writeLoop() {
        long lastFlush = System.nanoTime();
        long lastMerge = lastFlush - mergeIntervalNanos; // what a crash left unmerged goes first
        while (true) {
            long now = System.nanoTime();
            if (mergedId < committedId && now - lastMerge - mergeIntervalNanos >= 0) {
                mergeSessions();
                lastMerge = now;
                continue;
            }
            long waitNanos = lastFlush + flushIntervalNanos - now;
            if (mergedId < committedId) waitNanos = Math.min(waitNanos, lastMerge + mergeIntervalNanos - now);
            if (!stopping && waitNanos > 0 && spool.unread() < maxBatch) {
                LockSupport.parkNanos(this, waitNanos); // a full batch or shutdown wakes us early
                continue;
            }
            lastFlush = System.nanoTime();
            Batch batch;
            try {
                batch = readBatch();
            } catch (IOException e) {
                log.error("Reading the event spool failed: {}", e.getMessage(), e);
                if (stopping) return;
                LockSupport.parkNanos(MAX_BACKOFF.toNanos());
                continue;
            }
            if (batch.isEmpty()) {
                if (stopping) {
                    if (mergedId < committedId) mergeSessions(); // a clean stop leaves whole sessions
                    return;
                }
                continue;
            }
            if (stopping && System.nanoTime() - stopDeadlineNanos > 0) return; // the rest is replayed at next start
            if (!storeUntilCommitted(batch)) return;
            committedId = batch.lastId();
            if (!mergesApart) mergedId = committedId; // the batch carried its sessions
            spool.release(committedId);
            checkpointIfDue();
        }
    }

    /**
     * After a batch, never inside one or a merge: the store's checkpoint is the writer's longest step, and on its own
     * it shows in its own figures. A failure is not a fault (the events and sessions are committed; the store's own
     * checkpoint still bounds its log): logged once per run of failures, retried after the next batch.
     */
    private void checkpointIfDue() {
        long start = System.nanoTime();
        try {
            if (!store.checkpointIfDue()) return;
            long took = System.nanoTime() - start;
            checkpointLatency.record(took, TimeUnit.NANOSECONDS);
            log.debug("Checkpoint: {} ms", took / 1_000_000);
            if (checkpointFailing) log.info("The event store checkpoints again");
            checkpointFailing = false;
        } catch (RuntimeException e) {
            if (!checkpointFailing) log.warn("{}; retried after the next batch", e.getMessage());
            checkpointFailing = true;
        }
    }

    /** One merge; a failure is logged once per episode and retried at the next interval, events stay stored. */
    private void mergeSessions() {
        long target = committedId;
        long start = System.nanoTime();
        try {
            store.mergeSessions();
            long took = System.nanoTime() - start;
            mergeLatency.record(took, TimeUnit.NANOSECONDS);
            log.debug("Session merge: {} ms", took / 1_000_000);
            mergedId = target;
            mergeFaults.succeeded();
        } catch (RuntimeException e) {
            mergeFaults.failed(
                    e,
                    () -> "Events are stored; whole-session numbers lag until a merge succeeds (retried every "
                            + TimeUnit.NANOSECONDS.toMillis(mergeIntervalNanos) + " ms).");
        }
    }

    /**
     * The next batch, still in the spool's encoding: the store reads the fields from the records' bytes, and that one
     * walk is also where a record that does not read is found and skipped ({@link SpooledRecords.Unreadable}). Crash
     * replay and steady state take this same way.
     */
    private Batch readBatch() throws IOException {
        return new Batch(spool.read(maxBatch));
    }

    /**
     * Spool records in id order. A record that does not read as an event is logged the first time a walk finds it (a
     * batch the store retries is walked again) and left out by the store.
     */
    static final class Batch implements SpooledRecords {
        private final List<Spool.Record> records;
        /** Indexes of records found unreadable: logged once each, however often the batch is walked. */
        private final BitSet unreadable = new BitSet();

        Batch(List<Spool.Record> records) {
            this.records = records;
        }

        @Override
        public int size() {
            return records.size();
        }

        @Override
        public long id(int i) {
            return records.get(i).id();
        }

        @Override
        public Event event(int i) {
            try {
                return SpoolRecord.decode(records.get(i).payload());
            } catch (RuntimeException e) {
                // Nothing but the record's bytes is involved in decoding (no sink): any failure is the record's.
                throw skipped(i, e instanceof Unreadable u ? u : new Unreadable(e.getMessage(), e));
            }
        }

        @Override
        public boolean fields(int i, EventFields sink) {
            try {
                return SpoolRecord.fields(records.get(i).payload(), sink);
            } catch (Unreadable e) { // only the record's own reading: the sink's failures pass through
                throw skipped(i, e);
            }
        }

        private Unreadable skipped(int i, Unreadable e) {
            if (!unreadable.get(i)) {
                unreadable.set(i);
                log.error(
                        "Spool record {} cannot be read as an event and is skipped: {}",
                        records.get(i).id(),
                        e.getMessage());
            }
            return e;
        }

        /** Ids of the records found unreadable so far. */
        List<Long> unreadableIds() {
            return unreadable.stream().mapToObj(this::id).toList();
        }

        boolean isEmpty() {
            return records.isEmpty();
        }

        long lastId() {
            return records.get(records.size() - 1).id();
        }
    }

    /** Retries until the batch is committed; false when shutdown's grace ran out first (the batch stays spooled). */
    private boolean storeUntilCommitted(Batch batch) {
        long backoffMillis = 100;
        while (true) {
            long start = System.nanoTime();
            try {
                store.appendSpooled(batch);
                long took = System.nanoTime() - start;
                flushLatency.record(took, TimeUnit.NANOSECONDS);
                log.debug("Stored a batch of {} events: {} ms", batch.size(), took / 1_000_000);
                flushSize.record(batch.size());
                storeFaults.succeeded();
                return true;
            } catch (RuntimeException e) {
                storeFaults.failed(
                        e,
                        () -> "Accepted events wait in the spool (" + spool.diskBytes() + " bytes, bound "
                                + spool.maxBytes() + ") and are retried with backoff up to " + MAX_BACKOFF.toSeconds()
                                + " s.");
                if (stopping && System.nanoTime() - stopDeadlineNanos > 0) return false;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    /**
     * Runs before the event store closes (it depends on the store), after the web server stopped taking requests:
     * moves what the spool holds into the store for up to the shutdown-flush setting; what is left stays in the spool
     * and is stored at the next start.
     */
    @PreDestroy
    void flushAndStop() throws InterruptedException, IOException {
        spool.stopAccepting();
        stopDeadlineNanos = System.nanoTime() + shutdownFlush.toNanos();
        stopping = true;
        LockSupport.unpark(writer);
        writer.join(shutdownFlush.toMillis() + 5_000);
        if (writer.isAlive()) {
            writer.interrupt();
            writer.join(1_000);
        }
        long left = depth();
        if (left > 0) {
            log.warn(
                    "Event writer stopped with about {} events still in the spool; they are stored at the next start",
                    left);
        } else {
            log.info("Event writer stopped; everything accepted is in the store");
        }
        spool.close();
    }
}
