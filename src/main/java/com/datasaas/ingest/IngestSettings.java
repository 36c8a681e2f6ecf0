package com.datasaas.ingest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Ingest tunables ({@code DATASAAS_INGEST_*}).
 *
 * @param rateLimitPerMinute requests per client address per minute on POST /api/events (contract: 100)
 * @param maxBatch most events written to the event store in one transaction
 * @param flushInterval longest time an accepted event waits in the spool before the store gets it (contract: visible
 *     within 2 s); null: the event store's own ({@code EventStore.flushInterval()}: 500 ms embedded, 1 s on
 *     ClickHouse)
 * @param spoolMaxSize disk the spool may use for accepted events the store does not hold yet; beyond it we answer 503
 * @param spoolSegmentSize size at which the spool starts a new segment file (whole segments are deleted once stored)
 * @param shutdownFlush how long a stop keeps moving spooled events into the store; the rest waits in the spool for
 *     the next start
 * @param sessionMergeInterval how often the writer merges the sessions of stored events into the sessions table
 *     (between batches); until then whole-session numbers (bounce, duration, entry and exit pages) lag the events by
 *     up to this long, so flush interval plus this stays within the 2 s promise
 */
@ConfigurationProperties("datasaas.ingest")
public record IngestSettings(
        Integer rateLimitPerMinute,
        Integer maxBatch,
        Duration flushInterval,
        DataSize spoolMaxSize,
        DataSize spoolSegmentSize,
        Duration shutdownFlush,
        Duration sessionMergeInterval) {
    public IngestSettings {
        rateLimitPerMinute = rateLimitPerMinute == null ? 100 : rateLimitPerMinute;
        maxBatch = maxBatch == null ? 20_000 : maxBatch;
        // About a million typical events: hours of a busy site's traffic while the store is down.
        spoolMaxSize = spoolMaxSize == null ? DataSize.ofGigabytes(1) : spoolMaxSize;
        spoolSegmentSize = spoolSegmentSize == null ? DataSize.ofMegabytes(16) : spoolSegmentSize;
        shutdownFlush = shutdownFlush == null ? Duration.ofSeconds(20) : shutdownFlush;
        sessionMergeInterval = sessionMergeInterval == null ? Duration.ofSeconds(1) : sessionMergeInterval;
    }
}
