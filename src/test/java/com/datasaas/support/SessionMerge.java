package com.datasaas.support;

import com.datasaas.events.EventStore;
import java.time.Duration;

/**
 * The writer merges the sessions of stored events behind them, at most a merge interval later (the test profile's
 * is 100 ms). A test that waited for its events in {@code events} and then reads whole-session numbers (bounce,
 * duration, entry and exit pages, the visitors API) waits here too, so its answer is exact rather than lucky.
 */
public final class SessionMerge {
    private SessionMerge() {}

    /** Returns once every event stored before the call has its session merged. */
    public static void await(EventStore store) {
        long stored = store.spoolWatermark();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.sessionWatermark() < stored) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the sessions of events up to spool id " + stored + " were not merged; the"
                        + " sessions watermark is at " + store.sessionWatermark());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
