package com.datasaas.events;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;

/**
 * The event store seam. Today DuckDB behind it, later ClickHouse: callers hand it batches and run SQL that a stats
 * dialect compiled for {@link #dialect()}; nothing else may assume which engine answers.
 */
public interface EventStore {

    /** Writes the whole batch or nothing; throws {@link EventStoreException} so the caller can retry it. */
    void append(List<Event> batch);

    /** Visitors with any event at or after {@code since}, for rebuilding presence after a restart. */
    List<ActiveVisitor> activeSince(Instant since);

    void deleteSite(String siteId);

    /** Name of the SQL dialect queries must be compiled for ("duckdb", later "clickhouse"). */
    String dialect();

    /** Runs a compiled, parameterised query. Values are bound, never concatenated. */
    <T> List<T> query(String sql, List<?> parameters, RowMapper<T> rows);
}
