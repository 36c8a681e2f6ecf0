package com.datasaas.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;

/**
 * The event store seam. Today DuckDB behind it, later ClickHouse: callers hand it batches and run SQL that a stats
 * dialect compiled for {@link #dialect()}; nothing else may assume which engine answers.
 */
public interface EventStore {

    /**
     * Writes the whole batch and its sessions in one transaction, or nothing; throws {@link EventStoreException} so
     * the caller can retry it. For writes that answer their caller only after the commit (sample data, server-side
     * goals); tracked events go through the ingest spool and {@link #appendSpooled}.
     */
    void append(List<Event> batch);

    /**
     * Writes events taken from the ingest spool and the new {@link #spoolWatermark()} (the batch's highest id) in one
     * transaction, or nothing; their sessions follow with {@link #mergeSessions()}. Events at or below the stored watermark are skipped: they are here
     * already, so replaying the spool after a crash or retrying after an unclear failure never duplicates.
     */
    void appendSpooled(List<SpooledEvent> batch);

    /**
     * {@link #appendSpooled(List)} for a batch still in the spool's encoding, with the same promise; the ingest writer
     * calls this one. Stores that read the encoded fields directly override it.
     */
    default void appendSpooled(SpooledRecords batch) {
        appendSpooled(batch.events());
    }

    /** Highest spool id whose event is stored (0 when none): the spool replays only what lies above it. */
    long spoolWatermark();

    /**
     * Highest spool id whose event's session is in the store's sessions (0 when none). Stores that merge sessions in
     * each batch's own transaction, or derive them at query time, hold every stored event's session: the spool
     * watermark.
     */
    default long sessionWatermark() {
        return spoolWatermark();
    }

    /** How long the ingest writer lets accepted events gather into one batch when no flush interval is configured. */
    Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(500);

    /**
     * The flush interval this store works best with, used when {@code DATASAAS_INGEST_FLUSH_INTERVAL} is unset. It must
     * leave the 2 s freshness promise room for the batch's write and, when {@link #mergesSessionsApart()}, the merge.
     */
    default Duration flushInterval() {
        return DEFAULT_FLUSH_INTERVAL;
    }

    /**
     * Whether spooled events reach this store's sessions only with {@link #mergeSessions()}, after their batch; false
     * when every batch carries its sessions (then the writer never calls the merge).
     */
    default boolean mergesSessionsApart() {
        return false;
    }

    /**
     * Brings the sessions of the spooled events above {@link #sessionWatermark()} in, up to {@link #spoolWatermark()},
     * exactly once; the ingest writer calls it between batches. Returns how many spool ids it covered (0: nothing to
     * do, or a store without a separate merge).
     */
    default long mergeSessions() {
        return 0;
    }

    /**
     * Moves the store's write-ahead log into its main file if the log has grown past the store's bound, as a step of
     * its own; the ingest writer calls it after a batch. Returns whether it did (false: not due, or a store without
     * one).
     */
    default boolean checkpointIfDue() {
        return false;
    }

    /** Visitors with any event at or after {@code since}, for rebuilding presence after a restart. */
    List<ActiveVisitor> activeSince(Instant since);

    void deleteSite(String siteId);

    /**
     * Deletes every event of the site's visitors with these raw ids, and derives again the sessions those events
     * belonged to (a session with no event left is gone), in one transaction. Returns how many events were deleted.
     * Events still on their way through the ingest spool when this runs are written afterwards.
     */
    long deleteVisitors(String siteId, List<String> visitorIds);

    /** Name of the SQL dialect queries must be compiled for ("duckdb", later "clickhouse"). */
    String dialect();

    /** Runs a compiled, parameterised query. Values are bound, never concatenated. */
    <T> List<T> query(String sql, List<?> parameters, RowMapper<T> rows);

    /**
     * The hours of the site a pre-aggregated rollup answers for, or empty when the store keeps no rollup (ClickHouse):
     * then the stats planner never reads one.
     */
    default Optional<RollupCoverage> rollups(String siteId) {
        return Optional.empty();
    }

    /**
     * The day rows of one rolled-up dimension ({@code "total"}, a session attribute's column or {@code "pathname"})
     * over whole site-local days, or empty when the store keeps no day rollup (ClickHouse) or too little of the range
     * is rolled up: then the stats use their exact plans.
     */
    default Optional<DayRows> dayRows(
            String siteId,
            java.time.ZoneId zone,
            String dimension,
            java.time.LocalDate start,
            java.time.LocalDate end) {
        return Optional.empty();
    }
}
