package com.datasaas.events;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
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

    /**
     * Whether {@code zone}'s offset is a whole number of hours all through {@code [from, until)}: then each UTC hour
     * of the rollup lies in one local day (and hour) of the zone, and rolled-up hours can be summed into its buckets.
     */
    public static boolean wholeHourOffsets(ZoneId zone, Instant from, Instant until) {
        ZoneRules rules = zone.getRules();
        if (rules.getOffset(from).getTotalSeconds() % 3600 != 0) return false;
        for (ZoneOffsetTransition t = rules.nextTransition(from);
                t != null && t.getInstant().isBefore(until);
                t = rules.nextTransition(t.getInstant())) {
            if (t.getOffsetAfter().getTotalSeconds() % 3600 != 0) return false;
        }
        return true;
    }
}
