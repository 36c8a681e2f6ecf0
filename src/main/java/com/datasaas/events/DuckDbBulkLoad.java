package com.datasaas.events;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A large load of events into the DuckDB store (sample data; imports later), at the store's speed rather than the
 * ingest path's: events are appended into one of two staging tables while the other one's chunk is being stored, so
 * the Java side (making and appending rows) and DuckDB (copying, compressing, merging sessions, committing) run at
 * the same time on two cores.
 *
 * <p>Each chunk is stored as one transaction by {@link DuckDbEventStore#storeBulkChunk}: the rows go into
 * {@code events} and their sessions are merged by the same {@link SessionRollup#merge} as every batch, so the stored
 * rows and session rows are exactly those the batch path gives (the merge is order-free; {@code BulkLoadTest} checks
 * both paths against each other). A failure or a crash leaves whole chunks in and the rest out, never half a chunk
 * and never events without their sessions. Loaded events have no spool id and never move the spool watermark (see
 * docs/architecture.md, "Bulk load").
 *
 * <p>Each stage is a TEMP table on its own connection (a duplicate of the store's): DuckDB's appender commits on its
 * own, so it cannot write into {@code events} inside the chunk's transaction, and a TEMP table is the cheapest place
 * to append to (measured: appending into an attached in-memory database cost twice the CPU, and appending straight
 * into {@code events} three times). The chunk is then stored on the connection that staged it.
 */
public final class DuckDbBulkLoad implements AutoCloseable {
    /**
     * Events per chunk (one transaction). The store's cost per chunk is mostly per row, so beyond this size a chunk
     * buys little speed, while two staged chunks of this size already take a few hundred MB of DuckDB's memory.
     */
    static final int DEFAULT_CHUNK = 500_000;

    private static final String STAGE = "bulk_stage";

    private final DuckDbEventStore store;
    private final int chunkSize;
    /** Two connections, each with its own TEMP stage: one is appended to while the other's chunk is stored. */
    private final DuckDBConnection[] stages = new DuckDBConnection[2];

    private final ExecutorService writer;
    private DuckDBAppender appender;
    private int stage;
    private int staged;
    private long handedOver;
    private Future<?> inFlight;
    private boolean failed;
    private boolean closed;

    DuckDbBulkLoad(DuckDbEventStore store, int chunkSize) throws SQLException {
        this.store = store;
        this.chunkSize = chunkSize;
        try {
            for (int i = 0; i < stages.length; i++) {
                stages[i] = store.duplicateConnection();
                try (Statement st = stages[i].createStatement()) {
                    st.execute("CREATE TEMP TABLE " + STAGE + " AS SELECT * FROM events LIMIT 0");
                }
            }
            this.appender = stages[0].createAppender(DuckDBConnection.DEFAULT_SCHEMA, STAGE);
        } catch (SQLException e) {
            closeConnections();
            throw e;
        }
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bulk-load-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Stages one event; every {@code chunkSize} events, the chunk is handed to the writer. */
    public void add(Event event) {
        if (failed || closed) throw new IllegalStateException("This bulk load has failed or is closed");
        try {
            EventColumn.appendRow(appender, event, null);
        } catch (SQLException e) {
            failed = true;
            throw new EventStoreException("Staging an event failed: " + DuckDbEventStore.rootCause(e), e);
        }
        if (++staged == chunkSize) handOver();
    }

    /** Stores what is still staged and waits until every chunk is committed; returns how many events were stored. */
    public long finish() {
        if (failed || closed) throw new IllegalStateException("This bulk load has failed or is closed");
        if (staged > 0) handOver();
        awaitInFlight();
        return handedOver;
    }

    private void handOver() {
        try {
            appender.close(); // flushes the rows into the stage
            awaitInFlight(); // the other stage is empty again once its chunk is stored
            DuckDBConnection full = stages[stage];
            long rows = staged;
            inFlight = writer.submit(() -> {
                store.storeBulkChunk(full, STAGE, rows);
                try (Statement st = full.createStatement()) {
                    // Replaced, not deleted from: DuckDB keeps the storage of rows deleted from a TEMP table.
                    st.execute("CREATE OR REPLACE TEMP TABLE " + STAGE + " AS SELECT * FROM events LIMIT 0");
                }
                return null;
            });
            handedOver += rows;
            staged = 0;
            stage = 1 - stage;
            appender = stages[stage].createAppender(DuckDBConnection.DEFAULT_SCHEMA, STAGE);
        } catch (SQLException e) {
            failed = true;
            throw new EventStoreException("Staging events failed: " + DuckDbEventStore.rootCause(e), e);
        }
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
     * Ends the load. Events staged since the last chunk was handed over are dropped unless {@link #finish()} ran; a
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
            try {
                appender.close();
            } catch (SQLException ignored) {
                // the stage is a TEMP table: it goes with its connection just below
            }
            closeConnections();
        }
    }

    private void closeConnections() {
        for (DuckDBConnection c : stages) {
            if (c == null) continue;
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing left to release
            }
        }
    }
}
