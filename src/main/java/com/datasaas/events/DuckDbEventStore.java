package com.datasaas.events;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.sites.WebsiteDeleted;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Events in a DuckDB file under the data dir. DuckDB allows one writing process, so this class owns the only
 * connection; the single writer thread appends through it, and each query runs on a cheap duplicate of it.
 *
 * <p>A batch is one real transaction. DuckDB's appender commits on its own whatever the connection's auto-commit
 * says, so it only ever fills {@code event_batch}, a TEMP table (in memory, private to this connection, emptied
 * before every batch). Then one explicit transaction copies those rows into {@code events}, marks their closed hours
 * dirty and, for spooled events, raises the watermark: a failure at any point leaves none of it behind, and a retry of
 * the same batch cannot duplicate.
 *
 * <p>Spooled events get their sessions later, from {@link #mergeSessions}: one transaction folds every spooled event
 * above the sessions watermark into {@code sessions} and raises that watermark, so the merge (most of a batch's cost
 * when it ran per batch, a fixed cost over the whole {@code sessions} table) runs once per interval instead of once
 * per batch, and a crash between a batch and its merge leaves the tail to the next merge, never counted twice. The
 * rolls and deletions that read or rewrite {@code sessions} merge the tail first, in their own transaction. Other
 * writes ({@link #append}, bulk loads) carry no spool id and still merge their sessions in their own transaction.
 */
@Component
@Conditional(EventStoreSelection.Embedded.class)
@DependsOn("dataDirectory") // the data dir gets its owner-only permissions before the file opens
public class DuckDbEventStore implements EventStore {
    private static final Logger log = LoggerFactory.getLogger(DuckDbEventStore.class);

    /**
     * DuckDB defaults to 80% of the machine's memory for its buffers; on a small shared server that crowds out
     * everything else, the JVM included. It gets a quarter of the machine's memory instead, between these bounds, so
     * the whole process stays near 1.5 GB on an ordinary server; queries that need more spill to disk rather than
     * fail. {@code DATASAAS_DUCKDB_MEMORY_LIMIT} overrides it.
     */
    static final long MIN_MEMORY_LIMIT_MB = 256;

    static final long MAX_MEMORY_LIMIT_MB = 1024;

    /**
     * Overrides, as environment variables or JVM system properties ({@code -Ddatasaas.duckdb.memory-limit=2GB}). Read
     * here rather than through Spring's binding because the offline commands (sample data, backup) open the store
     * without the service's context, and they must get the same limits.
     */
    static final String MEMORY_LIMIT_ENV = "DATASAAS_DUCKDB_MEMORY_LIMIT";

    static final String MEMORY_LIMIT_PROPERTY = "datasaas.duckdb.memory-limit";
    static final String THREADS_ENV = "DATASAAS_DUCKDB_THREADS";
    static final String THREADS_PROPERTY = "datasaas.duckdb.threads";

    /**
     * One DuckDB thread fewer than the processors this JVM may use (a container's CPU quota, not the host's core
     * count), at least one, unless {@code DATASAAS_DUCKDB_THREADS} says otherwise. DuckDB's threads serve the writer's
     * batches, merges and checkpoints as well as the dashboard's queries; with one per processor a merge or checkpoint
     * took every core from the request threads, and the open loop's slowest answers fell in those bursts. On 2 cores
     * one thread also cost the writer less CPU and answered the dashboard as fast (docs/benchmarks.md, "The open-loop
     * tail and DuckDB's threads").
     */
    static int threads() {
        return threads(
                setting(THREADS_PROPERTY, THREADS_ENV), Runtime.getRuntime().availableProcessors());
    }

    static int threads(String override, int processors) {
        if (override == null || override.isBlank()) return Math.max(1, processors - 1);
        try {
            int threads = Integer.parseInt(override.strip());
            if (threads >= 1) return threads;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(
                THREADS_ENV + " must be a whole number of threads, at least 1 (got \"" + override + "\")");
    }

    /** A quarter of the machine's (or container's) memory within the bounds above, or the override, in megabytes. */
    static long memoryLimitMb() {
        return memoryLimitMb(setting(MEMORY_LIMIT_PROPERTY, MEMORY_LIMIT_ENV), physicalMemoryBytes());
    }

    static long memoryLimitMb(String override, long machineBytes) {
        if (override != null && !override.isBlank()) {
            try {
                long mb = org.springframework.util.unit.DataSize.parse(
                                override.strip(), org.springframework.util.unit.DataUnit.MEGABYTES)
                        .toMegabytes();
                if (mb >= 64) return mb;
            } catch (IllegalArgumentException e) {
                // answered below
            }
            throw new IllegalArgumentException(MEMORY_LIMIT_ENV
                    + " must be a size of at least 64MB, like 512MB or 2GB (got \"" + override + "\")");
        }
        long quarter = machineBytes <= 0 ? MAX_MEMORY_LIMIT_MB : machineBytes / 4 / (1024 * 1024);
        return Math.max(MIN_MEMORY_LIMIT_MB, Math.min(MAX_MEMORY_LIMIT_MB, quarter));
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }

    private static long physicalMemoryBytes() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize(); // the cgroup limit inside a container (JDK 14+)
        }
        return -1;
    }

    private static final String BATCH_TABLE = "event_batch";

    /**
     * Empties the staging table by replacing it: DuckDB never frees the storage of rows deleted from a TEMP table
     * (measured on 1.5.6: 21 MB more after each 500k-row insert and {@code DELETE}), so deleting grew the process by
     * every batch ever written and made each batch's scan longer.
     */
    static final String EMPTY_BATCH_TABLE =
            "CREATE OR REPLACE TEMP TABLE " + BATCH_TABLE + " AS SELECT * FROM events LIMIT 0";

    /**
     * A batch's statements, built once: the session merge alone is a few kilobytes of SQL assembled from the session
     * columns, and building it for every batch was a tenth of the writer's sampled allocation at a low event rate (JFR,
     * small batches).
     */
    /**
     * Deletes the batch's events the store holds already (a batch committed just before a crash, replayed), and with
     * them the rows of records that did not read: those end with {@link EventColumn.AppenderRow#SKIPPED_ID}, below
     * every watermark.
     */
    private static final String SKIP_STORED =
            "DELETE FROM " + BATCH_TABLE + " WHERE event_id <= (SELECT max(event_id) FROM spool_watermark)";

    private static final String INSERT_BATCH = "INSERT INTO events SELECT * FROM " + BATCH_TABLE;
    private static final String MERGE_BATCH_SESSIONS = SessionRollup.merge(BATCH_TABLE);
    private static final String MARK_BATCH_DIRTY = HourlyRollup.markDirty(BATCH_TABLE);
    private static final String RAISE_WATERMARK = "UPDATE spool_watermark SET event_id = greatest(event_id, (SELECT"
            + " coalesce(max(event_id), 0) FROM " + BATCH_TABLE + "))";

    /**
     * The ingest writer checkpoints (writes DuckDB's write-ahead log into the database file) once the log passes this
     * size; DuckDB's default is 16 MB. Each batch updates sessions spread over the whole {@code sessions} table, so
     * every checkpoint rewrites most of that table and its primary-key index: with 16 MB that was 40-55% of the writer's time, in the
     * commit of whichever batch crossed the size. Four times the size means a quarter of the checkpoints. The price: a
     * restart after a crash replays up to this much log (a clean stop checkpoints, see {@link #close}), and the log
     * takes up to this much disk beside the database.
     */
    static final long CHECKPOINT_LOG_BYTES = 64L * 1024 * 1024;

    /**
     * DuckDB's own checkpoint at a commit, only a safety net above {@link #CHECKPOINT_LOG_BYTES}: the ingest writer
     * checkpoints at that size as a step of its own ({@link #checkpointIfDue}), after a batch. Left to DuckDB, the
     * checkpoint ran inside whichever commit crossed the size, mostly a session merge's (a 90 ms merge became a 0.9 to
     * 5 s one), which hid it in the merge's figures and made the longest merges checkpoints. The offline commands and
     * anything the writer does not cover still get DuckDB's checkpoint here, and a clean stop checkpoints.
     */
    static final String CHECKPOINT_THRESHOLD = "256MB";

    /** Test seam: the log size {@link #checkpointIfDue} checkpoints at. */
    private volatile long checkpointLogBytes = CHECKPOINT_LOG_BYTES;

    /** Test seam: called with each step's name before it runs, so a test can fail a batch between statements. */
    interface StepHook {
        void before(String step) throws SQLException;
    }

    private final Path file;
    private final Object writeLock = new Object();
    private volatile DuckDBConnection connection;
    private volatile StepHook stepHook = step -> {};

    public DuckDbEventStore(DataSaasProperties properties) throws SQLException {
        Path dir = properties.dataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dir, e);
        }
        this.file = dir.resolve("events.duckdb").toAbsolutePath();
        this.connection = open(file);
        // What a crash left between a batch and its merge; offline commands (backups, the move to server mode) open
        // the store this way too and then read whole sessions.
        try {
            mergeSessions();
        } catch (EventStoreException e) {
            // Not fatal: the events are stored, and the writer retries the merge and reports it while it fails.
            log.warn("Merging the sessions of stored events at start-up failed: {}", e.getMessage());
        }
        log.info(
                "Event store ready: {} (schema version {}, DuckDB memory limit {} MB, {} threads)",
                file,
                DuckDbSchema.MIGRATIONS.size(),
                memoryLimitMb(),
                threads());
    }

    private static DuckDBConnection open(Path file) throws SQLException {
        java.util.Properties config = new java.util.Properties();
        config.setProperty("memory_limit", memoryLimitMb() + "MiB"); // megabytes of 2^20 bytes, as DataSize reads them
        config.setProperty("threads", Integer.toString(threads()));
        config.setProperty("checkpoint_threshold", CHECKPOINT_THRESHOLD);
        DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, config);
        try (Statement st = c.createStatement()) {
            DuckDbSchema.migrate(c);
            st.execute("CREATE TEMP TABLE IF NOT EXISTS " + BATCH_TABLE + " AS SELECT * FROM events LIMIT 0");
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    void onEachStep(StepHook hook) {
        this.stepHook = hook;
    }

    @Override
    public String dialect() {
        return "duckdb";
    }

    @Override
    public void append(List<Event> batch) {
        write(
                batch.size(),
                appender -> {
                    for (Event e : batch) appendRow(appender, e, null);
                },
                false);
    }

    @Override
    public void appendSpooled(List<SpooledEvent> batch) {
        write(
                batch.size(),
                appender -> {
                    for (SpooledEvent e : batch) appendRow(appender, e.event(), e.id());
                },
                true);
    }

    /**
     * The spool's records straight into the appender: their UTF-8 texts never become Strings on the way. This walk is
     * the only one over the records; one that does not read ({@link SpooledRecords.Unreadable}) has its part-row ended
     * as a {@linkplain EventColumn.AppenderRow#abandon skipped row}, which the batch's skip-stored step deletes before
     * anything reaches {@code events}.
     */
    @Override
    public void appendSpooled(SpooledRecords batch) {
        write(
                batch.size(),
                appender -> {
                    EventColumn.AppenderRow row = new EventColumn.AppenderRow(appender);
                    for (int i = 0; i < batch.size(); i++) {
                        long id = batch.id(i);
                        try {
                            if (batch.fields(i, row)) row.end(id);
                            else appendRow(appender, batch.event(i), id); // event(i) throws before any append
                        } catch (SpooledRecords.Unreadable skipped) {
                            row.abandon();
                        }
                    }
                },
                true);
    }

    @Override
    public long spoolWatermark() {
        synchronized (writeLock) {
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT max(event_id) FROM spool_watermark")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new EventStoreException("Reading the spool watermark failed: " + rootCause(e), e);
            }
        }
    }

    @Override
    public long sessionWatermark() {
        try (Connection reader = connection.duplicate();
                Statement st = reader.createStatement();
                ResultSet rs = st.executeQuery("SELECT max(event_id) FROM session_watermark")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new EventStoreException("Reading the sessions watermark failed: " + rootCause(e), e);
        }
    }

    @Override
    public boolean mergesSessionsApart() {
        return true;
    }

    /**
     * Merges the sessions of every spooled event above the sessions watermark and raises it, in one transaction under
     * the write lock (between batches). Returns how many spool ids the merge covered (0 when there was nothing).
     */
    @Override
    public long mergeSessions() {
        synchronized (writeLock) {
            DuckDBConnection c = connection;
            try {
                run(c, "begin_merge", "BEGIN TRANSACTION");
                long merged = mergeTail(c);
                run(c, "commit_merge", "COMMIT");
                return merged;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw new EventStoreException("Merging sessions failed: " + rootCause(e), e);
            }
        }
    }

    /**
     * Checkpoints once the write-ahead log has passed {@link #CHECKPOINT_LOG_BYTES}, under the write lock, between
     * batches and merges, unless a read has a transaction open (then the next call tries again). The checkpoint is the
     * writer's longest step (it compresses the appended events and rewrites the sessions' changed row groups and their
     * index); as a step of its own it neither lengthens a merge nor hides in its figures. Checking is one {@code stat}
     * of the log file.
     */
    @Override
    public boolean checkpointIfDue() {
        if (walBytes() < checkpointLogBytes) return false;
        synchronized (writeLock) {
            try {
                run(connection, "checkpoint", "CHECKPOINT");
                return true;
            } catch (SQLException e) {
                // DuckDB refuses while another connection has a transaction open (a dashboard read holding its
                // snapshot); not a failure: the next batch asks again. FORCE CHECKPOINT would wait for the read
                // instead, with the writer, and ingest behind it, blocked meanwhile.
                if (String.valueOf(e.getMessage()).contains("Cannot CHECKPOINT")) {
                    log.debug("Checkpoint put off: {}", e.getMessage());
                    return false;
                }
                throw new EventStoreException("Checkpointing the event store failed: " + rootCause(e), e);
            } catch (RuntimeException e) {
                throw new EventStoreException("Checkpointing the event store failed: " + rootCause(e), e);
            }
        }
    }

    void checkpointAt(long logBytes) {
        this.checkpointLogBytes = logBytes;
    }

    /** The merge of the tail inside the caller's open transaction; returns how many spool ids it covered. */
    private long mergeTail(DuckDBConnection c) throws SQLException {
        long after;
        long upTo;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(SessionRollup.WATERMARKS)) {
            rs.next();
            after = rs.getLong(1);
            upTo = rs.getLong(2);
        }
        if (upTo <= after) return 0;
        for (SessionRollup.Step step : SessionRollup.mergeTail(after, upTo)) run(c, step.name(), step.sql());
        return upTo - after;
    }

    private interface Rows {
        void appendTo(DuckDBAppender appender) throws SQLException;
    }

    /** Spooled batches leave their sessions to {@link #mergeSessions}; other writes merge them in the batch. */
    private void write(int size, Rows rows, boolean spooled) {
        if (size == 0) return;
        synchronized (writeLock) {
            DuckDBConnection c = connection;
            try {
                run(c, "clear_batch", EMPTY_BATCH_TABLE); // what a failed batch may have left
                stepHook.before("append_rows");
                try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, BATCH_TABLE)) {
                    rows.appendTo(appender);
                    appender.flush();
                }
                run(c, "begin", "BEGIN TRANSACTION");
                if (spooled) run(c, "skip_stored", SKIP_STORED);
                run(c, "insert_events", INSERT_BATCH);
                if (!spooled) run(c, "merge_sessions", MERGE_BATCH_SESSIONS);
                run(c, "mark_rollup_dirty", MARK_BATCH_DIRTY);
                if (spooled) run(c, "raise_watermark", RAISE_WATERMARK);
                run(c, "commit", "COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw new EventStoreException("Writing " + size + " events failed: " + rootCause(e), e);
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute(EMPTY_BATCH_TABLE);
                } catch (SQLException ignored) {
                    // the next batch clears it first anyway
                }
            }
        }
    }

    private void run(DuckDBConnection c, String step, String sql) throws SQLException {
        stepHook.before(step);
        long wal = log.isDebugEnabled() ? walBytes() : -1;
        long start = System.nanoTime();
        // A fresh statement each time: DuckDB's driver closes a statement whose execution failed.
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
        if (wal >= 0) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            long after = walBytes();
            if (after < wal) log.debug("Checkpoint in step {}: {} ms, log {} -> {} bytes", step, ms, wal, after);
            else if (ms >= 20) log.debug("Slow step {}: {} ms, log {} bytes", step, ms, after);
        }
    }

    /** The write-ahead log's size (0 when there is none): it shrinks when a commit checkpoints. */
    private long walBytes() {
        try {
            return Files.size(file.resolveSibling(file.getFileName() + ".wal"));
        } catch (IOException e) {
            return 0;
        }
    }

    private void rollback(DuckDBConnection c, Exception cause) {
        try (Statement st = c.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            // "no transaction is active" is the normal answer when the failure came before BEGIN or in COMMIT
            if (!String.valueOf(e.getMessage()).contains("no transaction is active")) cause.addSuppressed(e);
        }
        if (String.valueOf(rootCause(cause)).contains("invalidated")) {
            // DuckDB refuses every statement after a fatal error until the database is opened again.
            try {
                DuckDBConnection fresh = open(file);
                connection = fresh;
                c.close();
                log.warn("Reopened the event store after a fatal DuckDB error");
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** The innermost message, e.g. "No space left on device", which is what an operator needs to read. */
    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void appendRow(DuckDBAppender a, Event e, Long id) throws SQLException {
        EventColumn.appendRow(a, e, id);
    }

    @Override
    public List<ActiveVisitor> activeSince(Instant since) {
        return query(
                "SELECT site_id, visitor_key, max(ts) AS last_seen FROM events WHERE ts >= ? GROUP BY site_id,"
                        + " visitor_key",
                List.of(OffsetDateTime.ofInstant(since, ZoneOffset.UTC)),
                (rs, row) -> new ActiveVisitor(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
    }

    @Override
    public void deleteSite(String siteId) {
        synchronized (writeLock) {
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM events WHERE site_id = ?")) {
                st.setString(1, siteId);
                st.executeUpdate();
                SessionRollup.deleteSite(connection, siteId);
                HourlyRollup.deleteSite(connection, siteId);
                DayRollup.deleteSite(connection, siteId);
            } catch (SQLException e) {
                throw new EventStoreException("Deleting the events of " + siteId + " failed", e);
            }
        }
    }

    @Override
    public long deleteVisitors(String siteId, List<String> visitorIds) {
        if (visitorIds.isEmpty()) return 0;
        String ids = String.join(", ", java.util.Collections.nCopies(visitorIds.size(), "?"));
        synchronized (writeLock) {
            DuckDBConnection c = connection;
            try {
                List<Long> sessionKeys = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("SELECT DISTINCT session_key FROM events"
                        + " WHERE site_id = ? AND visitor_id IN (" + ids + ")")) {
                    bind(st, siteId, visitorIds);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) sessionKeys.add(rs.getLong(1));
                    }
                }
                run(c, "begin", "BEGIN TRANSACTION");
                // derive() folds the sessions again from all their events, the tail included: merged afterwards, the
                // tail would count twice.
                mergeTail(c);
                try (PreparedStatement st = c.prepareStatement(HourlyRollup.markVisitorsDirty(visitorIds.size()))) {
                    bind(st, siteId, visitorIds);
                    st.executeUpdate();
                }
                long deleted;
                try (PreparedStatement st =
                        c.prepareStatement("DELETE FROM events WHERE site_id = ? AND visitor_id IN (" + ids + ")")) {
                    bind(st, siteId, visitorIds);
                    deleted = st.executeUpdate();
                }
                SessionRollup.derive(c, siteId, sessionKeys);
                // The deleted sessions may be in the site's partial days: dropped, built again without them.
                for (String sql : DayRollup.dropPartialsOf(siteId)) run(c, "day_rollup_partial_drop", sql);
                run(c, "commit", "COMMIT");
                return deleted;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw new EventStoreException(
                        "Deleting the events of visitors of " + siteId + " failed: " + rootCause(e), e);
            }
        }
    }

    private static void bind(PreparedStatement st, String siteId, List<String> values) throws SQLException {
        st.setString(1, siteId);
        for (int i = 0; i < values.size(); i++) st.setString(i + 2, values.get(i));
    }

    // ---------------------------------------------------------------- hourly rollup (HourlyRollup)

    @Override
    public Optional<RollupCoverage> rollups(String siteId) {
        try (Connection reader = connection.duplicate()) {
            return Optional.of(HourlyRollup.coverage(reader, siteId));
        } catch (SQLException e) {
            throw new EventStoreException("Reading the rollup watermark failed: " + rootCause(e), e);
        }
    }

    /**
     * Brings the hourly rollup up to {@code now}'s hour in one transaction (see {@link HourlyRollup#roll}); with
     * {@code verify} it also rebuilds closed hours whose events changed without passing through the write path.
     * Returns how many site-hours were rebuilt.
     */
    public long rollUp(Instant now, boolean verify) {
        return inRollTransaction("Rolling up events", (c, steps) -> HourlyRollup.roll(c, steps, now, verify));
    }

    /**
     * Rolls the site's closed days in {@code zone} into the day rollup in one transaction (see {@link DayRollup#roll});
     * a site whose zone changed gets its days rolled again in the new zone. Returns how many days were rolled.
     */
    public long rollDays(String siteId, ZoneId zone) {
        return inRollTransaction("Rolling up days", (c, steps) -> DayRollup.roll(c, steps, siteId, zone));
    }

    /**
     * Whether {@link #rollDays} has anything to do for the site (a newly closed day, or days of another zone): read on
     * a reader connection, so the schedule does not take the writer's lock, which ingest waits on, for nothing.
     */
    public boolean daysToRoll(String siteId, ZoneId zone) {
        try (Connection reader = connection.duplicate()) {
            return DayRollup.pending(reader, siteId, zone);
        } catch (SQLException e) {
            throw new EventStoreException("Reading the day rollup failed: " + rootCause(e), e);
        }
    }

    /**
     * Drops the site's partial days (the closed sessions of today), so the stats read today whole live until the next
     * day roll builds it again: the benchmark's same-run comparison with and without them.
     */
    public void dropPartialDays(String siteId) {
        inRollTransaction("Dropping partial days", (c, steps) -> {
            for (String sql : DayRollup.dropPartialsOf(siteId)) steps.run("day_rollup_partial_drop", sql);
            return 0;
        });
    }

    private interface Roll {
        long run(DuckDBConnection c, HourlyRollup.Steps steps) throws SQLException;
    }

    /** A roll as one transaction on the writer's connection, its statements through the named steps. */
    private long inRollTransaction(String what, Roll roll) {
        synchronized (writeLock) {
            DuckDBConnection c = connection;
            try {
                run(c, "begin", "BEGIN TRANSACTION");
                // A roll reads whole sessions (the day rollup's bounce, duration, entry and exit): only merged ones.
                mergeTail(c);
                long rolled = roll.run(c, (step, sql) -> run(c, step, sql));
                run(c, "commit", "COMMIT");
                return rolled;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw new EventStoreException(what + " failed: " + rootCause(e), e);
            }
        }
    }

    @Override
    public Optional<DayRows> dayRows(String siteId, ZoneId zone, String dimension, LocalDate start, LocalDate end) {
        if (!DayRollup.rolledUp(dimension)) return Optional.empty();
        try (Connection reader = connection.duplicate()) {
            // One snapshot for the read's several statements: a roll committing between them (a partial day dropped,
            // the watermark raised) must not mix its before and after.
            reader.setAutoCommit(false);
            return DayRollup.read(reader, siteId, zone, dimension, start, end);
        } catch (SQLException e) {
            throw new EventStoreException("Reading the day rollup failed: " + rootCause(e), e);
        }
    }

    @EventListener
    void onWebsiteDeleted(WebsiteDeleted deleted) {
        deleteSite(deleted.websiteId());
    }

    @Override
    public <T> List<T> query(String sql, List<?> parameters, RowMapper<T> rows) {
        try (Connection reader = connection.duplicate();
                PreparedStatement st = reader.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                st.setObject(i + 1, parameters.get(i));
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                int row = 0;
                while (rs.next()) {
                    out.add(rows.mapRow(rs, row++));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new EventStoreException("Query failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a consistent copy of the whole store (events, sessions and any other table) into a new DuckDB file, while
     * ingest goes on: the copy is one read transaction, so it sees every batch committed before it started and none
     * after (DuckDB's MVCC), without holding the write lock for the minutes a large copy can take.
     */
    public void snapshotTo(Path target) {
        try (Connection reader = connection.duplicate()) {
            copyDatabase(reader, target);
        } catch (SQLException e) {
            throw new EventStoreException("Copying the event store to " + target + " failed: " + e.getMessage(), e);
        }
    }

    /** Copies the database {@code source} is connected to into a new file, in one transaction. */
    public static void copyDatabase(Connection source, Path target) throws SQLException {
        // Unique per call: attached databases are shared by every connection of the instance.
        String alias = "snapshot_" + Long.toUnsignedString(System.nanoTime());
        try (var st = source.createStatement()) {
            String database;
            try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
                rs.next();
                database = rs.getString(1);
            }
            st.execute("ATTACH '" + target.toAbsolutePath().toString().replace("'", "''") + "' AS " + alias);
            try {
                st.execute("BEGIN TRANSACTION");
                st.execute("COPY FROM DATABASE \"" + database.replace("\"", "\"\"") + "\" TO " + alias);
                st.execute("COMMIT");
            } catch (SQLException e) {
                try {
                    st.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback); // no transaction left to roll back
                }
                throw e;
            } finally {
                st.execute("DETACH " + alias);
            }
        }
    }

    // ---- Bulk load (sample data, later imports): DuckDbBulkLoad stages, this stores ----

    /**
     * Starts a bulk load into this store. Loaded events have no spool id: they are never skipped by a spool replay
     * and never move the watermark. Meant for an offline command (DuckDB lets one process open the file, so it cannot
     * run while the service holds the data dir); inside the service it would take the write lock per chunk only.
     */
    public DuckDbBulkLoad bulkLoad() {
        return bulkLoad(DuckDbBulkLoad.DEFAULT_CHUNK);
    }

    /** A bulk load with chunks of {@code chunkSize} events (smaller transactions; tests use several chunks). */
    public DuckDbBulkLoad bulkLoad(int chunkSize) {
        try {
            return new DuckDbBulkLoad(this, chunkSize);
        } catch (SQLException e) {
            throw new EventStoreException("Starting a bulk load failed: " + rootCause(e), e);
        }
    }

    DuckDBConnection duplicateConnection() throws SQLException {
        return connection.duplicate();
    }

    /**
     * Stores one staged chunk as one transaction, on the connection that staged it ({@code stagingTable} is a TEMP
     * table of {@code c}): its rows into {@code events} and the merge of their sessions, the same statements as a
     * batch of {@link #append}, so the stored rows are the same. Any derived data a batch keeps in its transaction
     * must be kept here too ({@code BulkLoadTest} compares every table after both paths). The write lock keeps the
     * chunk apart from the service's own batches.
     */
    void storeBulkChunk(DuckDBConnection c, String stagingTable, long rows) {
        synchronized (writeLock) {
            try {
                run(c, "bulk_begin", "BEGIN TRANSACTION");
                run(c, "bulk_insert_events", "INSERT INTO events SELECT * FROM " + stagingTable);
                run(c, "bulk_merge_sessions", SessionRollup.merge(stagingTable));
                run(c, "bulk_mark_rollup_dirty", HourlyRollup.markDirty(stagingTable));
                run(c, "bulk_commit", "COMMIT");
            } catch (SQLException | RuntimeException e) {
                try (Statement st = c.createStatement()) {
                    st.execute("ROLLBACK");
                } catch (SQLException r) {
                    if (!String.valueOf(r.getMessage()).contains("no transaction is active")) e.addSuppressed(r);
                }
                throw new EventStoreException("Storing " + rows + " loaded events failed: " + rootCause(e), e);
            }
        }
    }

    @PreDestroy
    public void close() throws SQLException {
        synchronized (writeLock) {
            try {
                mergeSessions(); // not needed for correctness (the next open merges), but a stopped store is whole
            } catch (EventStoreException e) {
                log.warn("Merging sessions on shutdown failed: {}", e.getMessage());
            }
            try (var st = connection.createStatement()) {
                st.execute("CHECKPOINT");
            } catch (SQLException e) {
                log.warn("Checkpoint on shutdown failed: {}", e.getMessage());
            }
            connection.close();
        }
    }
}
