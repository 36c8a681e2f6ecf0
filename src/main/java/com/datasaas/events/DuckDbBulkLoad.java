package com.datasaas.events;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDataChunkWriter;
import org.duckdb.DuckDBFunctions;
import org.duckdb.DuckDBTableFunction;
import org.duckdb.DuckDBTableFunctionBindInfo;
import org.duckdb.DuckDBTableFunctionCallInfo;
import org.duckdb.DuckDBTableFunctionInitInfo;

/**
 * A large load of events into the DuckDB store (sample data; imports later), at the store's speed rather than the
 * ingest path's: the caller's thread only collects events into a chunk, while a writer thread has DuckDB read the
 * previous chunk and store it, so making events (the caller) and converting and storing them (the writer, with
 * DuckDB's own threads) run at the same time.
 *
 * <p>DuckDB reads a chunk through a table function of this load ({@code SELECT * FROM bulk_rows_N()}) that fills its
 * vectors column by column from the chunk's {@link Event}s, the row {@link EventColumn} describes; the rows are
 * staged in a TEMP table and stored from there by {@link DuckDbEventStore#storeBulkChunk} as one transaction: the
 * rows go into {@code events} and their sessions are merged by the same {@link SessionRollup#merge} as every batch,
 * so the stored rows and session rows are exactly those the batch path gives (the merge is order-free;
 * {@code SampleDataBulkLoadTest} checks both paths against each other). A failure or a crash leaves whole chunks in
 * and the rest out, never half a chunk and never events without their sessions. Loaded events have no spool id and
 * never move the spool watermark (see docs/architecture.md, "Bulk load").
 *
 * <p>Why a table function and not DuckDB's appender (the first version): the appender crosses into native code for
 * every string of 12 bytes or more and flushes every 2,048 rows, on the caller's thread; the table function hands
 * DuckDB a whole vector of strings per call, on DuckDB's side of the hand-off (docs/benchmarks-stats.md, "Bulk load,
 * round 3").
 */
public final class DuckDbBulkLoad implements AutoCloseable {
    /**
     * Events per chunk (one transaction). The store's cost per chunk is mostly per row, so beyond this size a chunk
     * buys little speed, while a staged chunk of this size already takes a few hundred MB of DuckDB's memory.
     */
    static final int DEFAULT_CHUNK = 500_000;

    private static final String STAGE = "bulk_stage";
    /** Table functions stay registered with the database: each load gets its own name. */
    private static final AtomicLong LOADS = new AtomicLong();

    private final DuckDbEventStore store;
    private final int chunkSize;
    /** The writer's connection (a duplicate of the store's), with the row source registered and the TEMP stage. */
    private final DuckDBConnection connection;

    private final String source;
    private final String fill;
    private final ExecutorService writer;
    /** The chunk being collected by the caller, and the one the writer may still be storing. */
    private Event[] collecting;

    private Event[] spare;
    private int staged;
    private long handedOver;
    private Future<?> inFlight;
    /** The chunk the row source reads: set by the writer thread before the statement that reads it. */
    private volatile Event[] reading;

    private volatile int readingRows;
    private boolean failed;
    private boolean closed;

    DuckDbBulkLoad(DuckDbEventStore store, int chunkSize) throws SQLException {
        this.store = store;
        this.chunkSize = chunkSize;
        this.source = "bulk_rows_" + LOADS.incrementAndGet();
        this.connection = store.duplicateConnection();
        try {
            registerSource();
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TEMP TABLE " + STAGE + " AS SELECT * FROM events LIMIT 0");
            }
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
        StringBuilder select = new StringBuilder("INSERT INTO " + STAGE + " SELECT ");
        for (EventColumn c : EventColumn.all()) select.append(c.fromSource()).append(", ");
        this.fill = select.append("CAST(NULL AS BIGINT) AS ")
                .append(EventColumn.EVENT_ID)
                .append(" FROM ")
                .append(source)
                .append("()")
                .toString();
        this.collecting = new Event[chunkSize];
        this.spare = new Event[chunkSize];
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bulk-load-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Collects one event; every {@code chunkSize} events, the chunk is handed to the writer. */
    public void add(Event event) {
        if (failed || closed) throw new IllegalStateException("This bulk load has failed or is closed");
        collecting[staged] = event;
        if (++staged == chunkSize) handOver();
    }

    /** Stores what is still collected and waits until every chunk is committed; returns how many events were stored. */
    public long finish() {
        if (failed || closed) throw new IllegalStateException("This bulk load has failed or is closed");
        if (staged > 0) handOver();
        awaitInFlight();
        return handedOver;
    }

    private void handOver() {
        awaitInFlight(); // the spare array is free again once its chunk is stored
        Event[] full = collecting;
        int rows = staged;
        inFlight = writer.submit(() -> {
            store(full, rows);
            return null;
        });
        handedOver += rows;
        staged = 0;
        collecting = spare;
        spare = full;
    }

    /** On the writer thread: stages the chunk through the row source, then stores it as one transaction. */
    private void store(Event[] chunk, int rows) throws SQLException {
        reading = chunk;
        readingRows = rows;
        try (Statement st = connection.createStatement()) {
            // Replaced, not deleted from: DuckDB keeps the storage of rows deleted from a TEMP table.
            st.execute("CREATE OR REPLACE TEMP TABLE " + STAGE + " AS SELECT * FROM events LIMIT 0");
            st.execute(fill);
        } catch (SQLException e) {
            throw new EventStoreException(
                    "Staging " + rows + " loaded events failed: " + DuckDbEventStore.rootCause(e), e);
        } finally {
            reading = null;
        }
        store.storeBulkChunk(connection, STAGE, rows);
        java.util.Arrays.fill(chunk, 0, rows, null); // the events may go before the next chunk fills the array
    }

    /**
     * The row source: the chunk the writer is staging, {@link DuckDBDataChunkWriter#capacity()} rows per call, each
     * column written for the whole vector at once. One thread: the rows keep the order they were added in (time order
     * for sample data, which keeps the min/max indexes on {@code ts} tight).
     */
    private void registerSource() throws SQLException {
        EventColumn[] columns = EventColumn.all();
        Utf8Cache[] utf8 = new Utf8Cache[columns.length];
        for (int c = 0; c < columns.length; c++) utf8[c] = new Utf8Cache();
        DuckDBFunctions.tableFunction()
                .withName(source)
                .withFunction(new DuckDBTableFunction<Object, int[], Object>() {
                    @Override
                    public Object bind(DuckDBTableFunctionBindInfo info) {
                        for (EventColumn c : columns) info.addResultColumn(c.column, c.sourceType());
                        return null;
                    }

                    @Override
                    public int[] init(DuckDBTableFunctionInitInfo info) {
                        info.setMaxThreads(1);
                        return new int[1]; // the next row to read
                    }

                    @Override
                    public long apply(DuckDBTableFunctionCallInfo info, DuckDBDataChunkWriter out) {
                        int[] next = info.getInitData();
                        Event[] chunk = reading;
                        int from = next[0];
                        int n = chunk == null ? 0 : (int) Math.min(out.capacity(), readingRows - from);
                        if (n <= 0) return 0;
                        byte[][] text = new byte[n][];
                        for (int c = 0; c < columns.length; c++) {
                            columns[c].write(out.vector(c), chunk, from, n, text, utf8[c]);
                        }
                        next[0] = from + n;
                        return n;
                    }
                })
                .register(connection);
    }

    private void awaitInFlight() {
        if (inFlight == null) return;
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = true;
            throw new EventStoreException("Interrupted while a chunk was being stored", e);
        } catch (ExecutionException e) {
            failed = true;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new EventStoreException("Storing a chunk failed: " + DuckDbEventStore.rootCause(e), e);
        } finally {
            inFlight = null;
        }
    }

    /**
     * Ends the load. Events collected since the last chunk was handed over are dropped unless {@link #finish()} ran; a
     * chunk being stored is waited for, so nothing is written after this returns.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (inFlight != null) {
                try {
                    inFlight.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException ignored) {
                    // reported by finish() or add(); close only releases
                }
            }
        } finally {
            writer.shutdownNow();
            collecting = null;
            spare = null;
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            connection.close(); // the TEMP stage goes with it
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
