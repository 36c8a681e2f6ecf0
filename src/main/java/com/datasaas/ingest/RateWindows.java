package com.datasaas.ingest;

import java.time.Duration;

/**
 * What the other nodes accepted from an address, for {@link EventRateLimiter}. The embedded mode has no other nodes
 * ({@link #NONE}); server mode counts in PostgreSQL ({@link SharedRateWindows}).
 */
interface RateWindows {
    /** Zero, or how long the address must wait because all nodes together reached the limit this window. */
    Duration blocked(String address);

    /** This node accepted one event from the address. */
    void accepted(String address);

    RateWindows NONE = new RateWindows() {
        @Override
        public Duration blocked(String address) {
            return Duration.ZERO;
        }

        @Override
        public void accepted(String address) {}
    };
}
