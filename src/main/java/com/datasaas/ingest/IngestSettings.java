package com.datasaas.ingest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Ingest tunables ({@code DATASAAS_INGEST_*}).
 *
 * @param rateLimitPerMinute requests per client address per minute on POST /api/events (contract: 100)
 * @param bufferCapacity accepted events held in memory before the writer catches up; beyond it we answer 503
 * @param maxBatch most events written in one append
 * @param flushInterval longest time an accepted event waits in the buffer (contract: visible within 2 s)
 */
@ConfigurationProperties("datasaas.ingest")
public record IngestSettings(
        Integer rateLimitPerMinute, Integer bufferCapacity, Integer maxBatch, Duration flushInterval) {
    public IngestSettings {
        rateLimitPerMinute = rateLimitPerMinute == null ? 100 : rateLimitPerMinute;
        bufferCapacity = bufferCapacity == null ? 200_000 : bufferCapacity;
        maxBatch = maxBatch == null ? 20_000 : maxBatch;
        flushInterval = flushInterval == null ? Duration.ofMillis(500) : flushInterval;
    }
}
