package com.datasaas.events;

import java.time.Instant;
import java.util.List;

/**
 * Which hours of a site the store's hourly rollup answers for: every UTC hour before {@code watermark} except the
 * {@code dirty} ones (closed hours that received events since they were rolled up). Everything else is read from
 * raw events.
 */
public record RollupCoverage(Instant watermark, List<Instant> dirty) {
    public RollupCoverage {
        dirty = List.copyOf(dirty);
    }
}
