package com.datasaas.ingest;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepted events on disk before their 202: a plain append-only segment log under {@code <data-dir>/spool}. A
 * library (Chronicle Queue) would need {@code --add-opens} on Java 17 and brings its own memory-mapped file
 * lifecycle; the log we need is a few hundred lines with one file format and one fsync policy we can state exactly.
 *
 * <p>Format: segment files {@code <first id>.seg}, each a run of records {@code [int length][int crc32c][long
 * id][payload]}, the CRC over id and payload. Ids are a monotonic sequence, one per accepted event, continued from the
 * highest id found on disk or in the store at start-up. The open segment is kept {@link #PREALLOCATE_BYTES} ahead of its
 * last record in written zeros (so a group's fdatasync changes no file size); a zero header ends the records like any
 * other header that does not fit.
 *
 * <p>Group commit: request threads hand their serialized event to one spool-writer thread and wait. The writer takes
 * everything that arrived meanwhile, writes it with one {@code write} and one {@link FileChannel#force} (fdatasync),
 * and only then completes every waiter. No timer: while one fsync runs the next group gathers, so under load a group
 * covers the last few milliseconds and alone an event waits for one fsync.
 *
 * <p>A failed write or fsync (a full disk) answers the whole group "not accepted" and truncates the segment back to
 * its last good record; if even that fails the segment is sealed there and the next group starts a new file, so a
 * good record never follows garbage. At start-up each segment is read until the first record whose length or CRC is
 * wrong (a torn tail from a crash) and cut there: such records were never acknowledged.
 *
 * <p>The store writer is the only reader: it {@link #read}s durable records in id order and {@link #release}s whole
 * segments once the store's watermark covers them.
 */
final class Spool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);

    static final int HEADER_BYTES = 4 + 4 + 8;
    /** Far above any event (request bodies are capped at 32 KB); a larger length means a torn or foreign record. */
    static final int MAX_RECORD_BYTES = 1 << 20;

    private static final int MAX_GROUP = 4_096;
    /**
     * The open segment is kept this much ahead of its last record in written zeros. A group then overwrites blocks the
     * file already has, so its fdatasync flushes data only: no size change, so no ext4 journal commit, which would
     * also wait for every other file's pending data (DuckDB's checkpoints on the same disk). One journal commit per
     * megabyte instead of one per group. Small, so a full disk still turns into 503s soon (at most this much more).
     */
    static final int PREALLOCATE_BYTES = 1 << 20;

    private static final ByteBuffer ZEROS =
            ByteBuffer.allocateDirect(PREALLOCATE_BYTES).asReadOnlyBuffer();
    private static final long PROBE_INTERVAL_MILLIS = 1_000;
    /** An fdatasync this slow is logged at debug level, to line it up with other work on the disk. */
    private static final long SLOW_FSYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private static final int READ_CHUNK_BYTES = 4 << 20;
    private static final String SUFFIX = ".seg";

    record Record(long id, byte[] payload) {}

    /** Why an event was not accepted; the message is meant for the client and the log. */
    static final class Refused extends Exception {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Segment {
        final Path path;
        final long firstId;
        /** Durable end: every byte before it is a good, fsync'd record. Written by the spool writer only. */
        volatile long end;
        /** Id of the last durable record, firstId - 1 while empty. */
        volatile long lastId;
        /** No more records will come; set after end is final. */
        volatile boolean sealed;

        Segment(Path path, long firstId) {
            this.path = path;
            this.firstId = firstId;
            this.lastId = firstId - 1;
        }
    }

    private static final class Pending {
        final byte[] payload;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        /** When the request handed it over: its time in the queue is what a busy or descheduled writer costs. */
        final long handedNanos = System.nanoTime();

        Pending(byte[] payload) {
            this.payload = payload;
        }
    }

    /**
     * Where a 202's wait goes, as histograms (a tail needs whole distributions, not means): time in the queue before
     * its group's write starts, the group's write and its fdatasync, and the events per group.
     */
    private record Meters(Timer queued, Timer write, Timer fsync, DistributionSummary group) {
        static Meters on(MeterRegistry registry) {
            return new Meters(
                    histogram("datasaas.ingest.spool.queued", "Time an event waits for its group's write to start")
                            .register(registry),
                    histogram("datasaas.ingest.spool.write", "Time to write one group (and any room ahead)")
                            .register(registry),
                    histogram("datasaas.ingest.spool.fsync", "Time of one group's fdatasync")
                            .register(registry),
                    DistributionSummary.builder("datasaas.ingest.spool.group")
                            .description("Events per group commit")
                            .publishPercentileHistogram()
                            .register(registry));
        }

        private static Timer.Builder histogram(String name, String description) {
            return Timer.builder(name)
                    .description(description)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
                    .maximumExpectedValue(Duration.ofSeconds(10));
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Runnable onDurable;
    private final Meters meters;
    private final List<Segment> segments = new ArrayList<>(); // guarded by itself
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(65_536);
    private final AtomicLong diskBytes = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread writer;
    private volatile boolean accepting = true;
    private volatile IOException writeFailure;
    /** An event was refused for want of room, and no stored segment has been deleted since. */
    private volatile boolean refusedForSpace;

    private volatile long lastDurableId;

    // spool-writer thread only
    private Segment current;
    private FileChannel currentChannel;
    /** Bytes of the open segment written so far, records and the zeros after them. */
    private long currentWritten;

    private long nextId;
    private long failedGroups;

    // reader (store writer thread) only
    private Segment readSegment;
    private FileChannel readChannel;
    private long readPosition;
    private volatile long lastReadId; // read by unread() from other threads

    /**
     * Opens the spool, cutting torn tails and deleting segments the store holds already.
     *
     * @param storedWatermark highest id the store holds: replay starts after it
     * @param onDurable told after each group commit, from the spool-writer thread
     */
    Spool(Path dir, long maxBytes, long segmentBytes, long storedWatermark, Runnable onDurable) throws IOException {
        this(dir, maxBytes, segmentBytes, storedWatermark, onDurable, new SimpleMeterRegistry());
    }

    /** @param registry where the group commit's histograms go ({@code datasaas.ingest.spool.*}) */
    Spool(Path dir, long maxBytes, long segmentBytes, long storedWatermark, Runnable onDurable, MeterRegistry registry)
            throws IOException {
        this.dir = dir;
        this.meters = Meters.on(registry);
        this.maxBytes = maxBytes;
        // Only sealed segments are deleted, so the open one must be well below the bound or a full spool could stay
        // full with everything stored.
        this.segmentBytes = Math.max(1, Math.min(segmentBytes, maxBytes / 4));
        this.onDurable = onDurable;
        Files.createDirectories(dir);
        long lastId = storedWatermark;
        long replay = 0;
        for (Path file : segmentFiles(dir)) {
            Segment s = recover(file);
            if (s.lastId <= storedWatermark) {
                Files.delete(file);
                continue;
            }
            s.sealed = true; // new records always go to a new segment
            segments.add(s);
            diskBytes.addAndGet(s.end);
            lastId = Math.max(lastId, s.lastId);
            replay += s.end;
        }
        this.nextId = lastId + 1;
        this.lastDurableId = lastId;
        this.lastReadId = storedWatermark;
        if (!segments.isEmpty()) {
            log.info(
                    "Spool {}: replaying events {}..{} not yet in the store ({} segments, {} bytes)",
                    dir,
                    storedWatermark + 1,
                    lastId,
                    segments.size(),
                    replay);
        }
        this.writer = new Thread(this::writeLoop, "spool-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted((a, b) -> Long.compare(firstId(a), firstId(b)))
                    .toList();
        }
    }

    private static long firstId(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    /** Reads a segment to its last good record and cuts anything after it. */
    private static Segment recover(Path file) throws IOException {
        Segment s = new Segment(file, firstId(file));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long position = 0;
            long previousId = s.firstId - 1;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (position + HEADER_BYTES <= size) {
                header.clear();
                readFully(ch, header, position);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                long id = header.getLong();
                if (length < 0 || length > MAX_RECORD_BYTES || position + HEADER_BYTES + length > size) break;
                if (id <= previousId) break;
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, position + HEADER_BYTES);
                if (crc(id, payload.array(), 0, length) != crc) break;
                previousId = id;
                position += HEADER_BYTES + length;
            }
            if (position < size) {
                if (zeros(ch, position, size)) {
                    log.debug(
                            "Spool segment {}: {} bytes of preallocated room after the last record",
                            file,
                            size - position);
                } else {
                    log.warn(
                            "Spool segment {}: cut {} bytes of an unfinished write at offset {} (never acknowledged)",
                            file,
                            size - position,
                            position);
                }
                ch.truncate(position);
                ch.force(true);
            }
            s.end = position;
            s.lastId = previousId;
        }
        return s;
    }

    /** Whether the file holds only zero bytes from {@code from} to {@code to}: room {@link #preallocate} wrote. */
    private static boolean zeros(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        for (long at = from; at < to; at += buffer.limit()) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), to - at));
            readFully(ch, buffer, at);
            for (int i = 0; i < buffer.limit(); i++) {
                if (buffer.get(i) != 0) return false;
            }
        }
        return true;
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, position + buffer.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }

    static int crc(long id, byte[] payload, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, id));
        crc.update(payload, offset, length);
        return (int) crc.getValue();
    }

    /**
     * Appends one record and returns its id once it is on disk (fsync'd).
     *
     * @throws Refused when the spool is over its size bound, the disk write failed, or the spool is closing
     */
    long append(byte[] payload, long timeoutMillis) throws Refused, InterruptedException {
        CompletableFuture<Long> durable = appendAsync(payload);
        try {
            return durable.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new Refused(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new Refused("The disk did not confirm the write within " + timeoutMillis + " ms", e);
        }
    }

    /**
     * Hands one record to the spool writer without waiting: the future completes with its id once the record is
     * fsync'd, or exceptionally when the write failed. For a request path that answers asynchronously, so more events
     * than request threads can share one fsync.
     *
     * @throws Refused at once when the spool is over its size bound or closing
     */
    CompletableFuture<Long> appendAsync(byte[] payload) throws Refused {
        if (!accepting) throw new Refused("The service is shutting down", null);
        long size = HEADER_BYTES + (long) payload.length;
        while (true) { // reserve the room atomically, so concurrent requests cannot overshoot the bound together
            long queued = queuedBytes.get();
            if (diskBytes.get() + queued + size > maxBytes) {
                refusedForSpace = true;
                throw new Refused(
                        "The event spool is full (" + maxBytes + " bytes of accepted events are waiting for the store)",
                        null);
            }
            if (queuedBytes.compareAndSet(queued, queued + size)) break;
        }
        Pending p = new Pending(payload);
        if (!queue.offer(p)) {
            queuedBytes.addAndGet(-size);
            throw new Refused("Too many events are waiting for the disk", null);
        }
        return p.done;
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>(MAX_GROUP);
        while (accepting || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (writeFailure != null) probe();
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                writeGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                fail(group, new IOException(e));
            } finally {
                group.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done.completeExceptionally(new IOException("The service is shutting down"));
        }
    }

    private void writeGroup(List<Pending> group) {
        long bytes = 0;
        for (Pending p : group) bytes += HEADER_BYTES + p.payload.length;
        try {
            if (current == null || current.end >= segmentBytes) roll();
        } catch (IOException e) {
            fail(group, e);
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, bytes));
        long firstId = nextId;
        for (Pending p : group) {
            long id = nextId++; // ids of a failed group are never reused: a half-written copy might survive
            buffer.putInt(p.payload.length)
                    .putInt(crc(id, p.payload, 0, p.payload.length))
                    .putLong(id)
                    .put(p.payload);
        }
        buffer.flip();
        long start = current.end;
        long writeStart = System.nanoTime();
        for (Pending p : group) meters.queued().record(writeStart - p.handedNanos, TimeUnit.NANOSECONDS);
        meters.group().record(group.size());
        try {
            while (buffer.hasRemaining()) {
                currentChannel.write(buffer, start + buffer.position());
            }
            currentWritten = Math.max(currentWritten, start + bytes);
            boolean ahead = currentWritten - (start + bytes) < PREALLOCATE_BYTES / 4;
            if (ahead) preallocate();
            long syncStart = System.nanoTime();
            meters.write().record(syncStart - writeStart, TimeUnit.NANOSECONDS);
            currentChannel.force(false);
            long syncNanos = System.nanoTime() - syncStart;
            meters.fsync().record(syncNanos, TimeUnit.NANOSECONDS);
            if (syncNanos > SLOW_FSYNC_NANOS) {
                log.debug(
                        "Slow fdatasync: {} ms for {} events{}",
                        syncNanos / 1_000_000,
                        group.size(),
                        ahead ? " and the room ahead" : "");
            }
        } catch (IOException e) {
            cutBack(start);
            fail(group, e);
            return;
        }
        current.lastId = nextId - 1;
        current.end = start + bytes; // publish after the fsync: the reader never sees an unconfirmed byte
        diskBytes.addAndGet(bytes);
        lastDurableId = nextId - 1;
        queuedBytes.addAndGet(-bytes);
        if (writeFailure != null) {
            log.info("Spool writes work again after {} failed groups: {}", failedGroups, dir);
            writeFailure = null;
            failedGroups = 0;
        }
        long id = firstId;
        for (Pending p : group) p.done.complete(id++);
        onDurable.run();
    }

    /**
     * Writes the next {@link #PREALLOCATE_BYTES} of zeros after what the open segment holds; the group's fdatasync
     * makes them durable with it. A failure (a full disk) costs nothing but the saving: the group's records are
     * written already, and the next group tries again.
     */
    private void preallocate() {
        ByteBuffer zeros = ZEROS.duplicate();
        long at = currentWritten;
        try {
            while (zeros.hasRemaining()) {
                currentChannel.write(zeros, at + zeros.position());
            }
            currentWritten = at + PREALLOCATE_BYTES;
        } catch (IOException e) {
            // Whatever part of the zeros made it is still zeros: a reader stops at them (see recover).
            log.debug("Spool segment {}: no room to preallocate ({})", current.path, e.getMessage());
        }
    }

    /**
     * While writes fail and no event comes to try again (a load balancer stops sending traffic to a node that is not
     * UP), a small fsync'd probe file tells when the disk takes writes again, so health can recover by itself.
     */
    private void probe() {
        Path file = dir.resolve("probe.tmp");
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096));
            ch.force(false);
        } catch (IOException stillFailing) {
            return;
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // tried again at the next probe
            }
        }
        log.info("Spool writes work again after {} failed groups: {}", failedGroups, dir);
        writeFailure = null;
        failedGroups = 0;
    }

    /**
     * The operating system's reason without the file names around it ("No space left on device"), for answers that
     * anyone can read (a 503 body, public health details); the log keeps the whole message.
     */
    static String publicCause(String message) {
        if (message == null || message.isBlank()) return "I/O error";
        String reason = message.substring(message.lastIndexOf(": ") + 1).strip();
        return reason.isEmpty() || reason.contains("/") || reason.contains("\\") ? "I/O error (see the log)" : reason;
    }

    /** After a failed write: take the segment back to its last good record, or leave it for a new one. */
    private void cutBack(long goodEnd) {
        try {
            currentChannel.truncate(goodEnd);
            currentChannel.force(true);
            currentWritten = goodEnd;
        } catch (IOException e) {
            log.warn(
                    "Spool segment {}: cannot cut back to {} ({}); continuing in a new segment",
                    current.path,
                    goodEnd,
                    e.getMessage());
            sealCurrent();
        }
    }

    private void fail(List<Pending> group, IOException e) {
        long bytes = 0;
        for (Pending p : group) bytes += HEADER_BYTES + p.payload.length;
        queuedBytes.addAndGet(-bytes);
        failedGroups++;
        if (writeFailure == null) {
            // once per episode: every later failure until a write succeeds is the same story
            log.error(
                    "Cannot write accepted events to the spool {}: {}. Events are answered 503 until a write succeeds.",
                    dir,
                    e.getMessage());
        }
        writeFailure = e;
        IOException cause = new IOException("The event spool cannot write: " + publicCause(e.getMessage()), e);
        for (Pending p : group) p.done.completeExceptionally(cause);
    }

    private void roll() throws IOException {
        sealCurrent();
        Path file = dir.resolve(String.format(Locale.ROOT, "%020d%s", nextId, SUFFIX));
        // An existing file of this name can only be an earlier roll that failed before any record went in.
        FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true); // the new file's name must survive a crash too
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
        Segment s = new Segment(file, nextId);
        synchronized (segments) {
            segments.add(s);
        }
        current = s;
        currentChannel = channel;
        currentWritten = 0;
    }

    private void sealCurrent() {
        if (current == null) return;
        current.sealed = true;
        try {
            currentChannel.close();
        } catch (IOException ignored) {
            // nothing more is written through it
        }
        current = null;
        currentChannel = null;
    }

    /** Durable records after the last one read, in id order, at most {@code max}. Store writer thread only. */
    List<Record> read(int max) throws IOException {
        List<Record> out = new ArrayList<>();
        while (out.size() < max) {
            if (readSegment == null) {
                readSegment = after(Long.MIN_VALUE);
                if (readSegment == null) break;
                openRead();
            }
            boolean sealed = readSegment.sealed; // read before end: once sealed, end is final
            long end = readSegment.end;
            if (readPosition >= end) {
                Segment next = sealed ? after(readSegment.firstId) : null;
                if (next == null) break;
                readSegment = next;
                openRead();
                continue;
            }
            // end is a record boundary and a record is smaller than a chunk, so a chunk holds at least one record
            int chunk = (int) Math.min(READ_CHUNK_BYTES, end - readPosition);
            ByteBuffer buffer = ByteBuffer.allocate(chunk);
            readFully(readChannel, buffer, readPosition);
            buffer.flip();
            int parsed = 0;
            while (out.size() < max && buffer.remaining() >= HEADER_BYTES) {
                int at = buffer.position();
                int length = buffer.getInt();
                int crc = buffer.getInt();
                long id = buffer.getLong();
                if (length < 0 || length > MAX_RECORD_BYTES) {
                    throw new IOException(
                            "Spool segment " + readSegment.path + " is damaged at " + (readPosition + at));
                }
                if (buffer.remaining() < length) break; // continues in the next chunk
                byte[] payload = new byte[length];
                buffer.get(payload);
                if (crc(id, payload, 0, length) != crc) {
                    throw new IOException("Spool segment " + readSegment.path + " fails its checksum at "
                            + (readPosition + at) + "; the disk changed data after it was written");
                }
                parsed = buffer.position();
                if (id > lastReadId) {
                    out.add(new Record(id, payload));
                    lastReadId = id;
                }
            }
            readPosition += parsed;
        }
        return out;
    }

    private Segment after(long firstId) {
        synchronized (segments) {
            for (Segment s : segments) {
                if (s.firstId > firstId) return s;
            }
            return null;
        }
    }

    private void openRead() throws IOException {
        if (readChannel != null) readChannel.close();
        readChannel = FileChannel.open(readSegment.path, StandardOpenOption.READ);
        readPosition = 0;
    }

    /** Deletes every sealed segment the store holds entirely ({@code lastId <= storedWatermark}). */
    void release(long storedWatermark) {
        List<Segment> done = new ArrayList<>();
        synchronized (segments) {
            for (Segment s : segments) {
                if (!s.sealed || s.lastId > storedWatermark) break;
                if (s == readSegment && readPosition < s.end) break;
                done.add(s);
            }
            segments.removeAll(done);
        }
        for (Segment s : done) {
            try {
                if (s == readSegment) {
                    readChannel.close();
                    readChannel = null;
                    readSegment = null;
                }
                Files.deleteIfExists(s.path);
                diskBytes.addAndGet(-s.end);
                refusedForSpace = false;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete the stored spool segment " + s.path, e);
            }
        }
    }

    /** Durable events the reader has not taken yet (ids may have gaps after failed groups, so at most this). */
    long unread() {
        return Math.max(0, lastDurableId - lastReadId);
    }

    /** Id of the newest durable record. */
    long lastDurableId() {
        return lastDurableId;
    }

    long diskBytes() {
        return diskBytes.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    /** The last write failure, until a write succeeds again; null when writes work. */
    IOException writeFailure() {
        return writeFailure;
    }

    /** Over its bound: new events are refused until the store has taken enough to delete a segment. */
    boolean full() {
        return refusedForSpace;
    }

    /** Refuses new events, writes the ones already handed over, and stops the spool writer. */
    void stopAccepting() throws InterruptedException {
        accepting = false;
        writer.join(10_000);
    }

    @Override
    public void close() throws IOException {
        accepting = false;
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sealCurrent();
        if (readChannel != null) readChannel.close();
    }
}
