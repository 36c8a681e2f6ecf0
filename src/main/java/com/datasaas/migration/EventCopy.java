package com.datasaas.migration;

import com.datasaas.events.ClickHouseEventStore;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.SpooledEvent;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;

/**
 * Copies the embedded events into ClickHouse in batches, through the store's spooled path under the migration's own
 * node id. ClickHouse records the highest position written (the node's watermark) after each batch, and a rerun starts
 * after it; a batch cut short between its INSERT and its watermark is checked row by row before it is written again.
 * So an interrupted copy resumes where it stopped and every event lands exactly once.
 */
public final class EventCopy {

    /** Test seam: runs after each batch is stored, with the number of batches written so far in this run. */
    public interface AfterBatch {
        void after(int batches);
    }

    /** The copy's result: events in the source, events written in this run, batches of this run. */
    public record Result(long total, long written, int batches) {}

    private final DuckDbEventStore source;
    private final ClickHouseEventStore target;
    private final int batchSize;
    private final PrintWriter out;
    private final Clock clock;
    private final AfterBatch afterBatch;

    public EventCopy(
            DuckDbEventStore source,
            ClickHouseEventStore target,
            int batchSize,
            PrintWriter out,
            Clock clock,
            AfterBatch afterBatch) {
        this.source = source;
        this.target = target;
        this.batchSize = batchSize;
        this.out = out;
        this.clock = clock;
        this.afterBatch = afterBatch;
    }

    public Result run() {
        long done = target.spoolWatermark();
        long total = EmbeddedEvents.remaining(source, 0);
        long remaining = EmbeddedEvents.remaining(source, done);
        long already = total - remaining;
        if (done > 0) {
            out.printf("  resuming after event %,d (%,d of %,d already in ClickHouse)%n", done, already, total);
        }
        long started = clock.millis();
        long written = 0;
        int batches = 0;
        while (true) {
            List<SpooledEvent> page = EmbeddedEvents.page(source, done, batchSize);
            if (page.isEmpty()) break;
            target.appendSpooled(page);
            done = page.get(page.size() - 1).id();
            written += page.size();
            batches++;
            double seconds = Math.max(1, clock.millis() - started) / 1000.0;
            long copied = already + written;
            out.printf(
                    "  events %,d / %,d (%.1f%%), %,.0f events/s%n",
                    copied, total, total == 0 ? 100.0 : 100.0 * copied / total, written / seconds);
            out.flush();
            afterBatch.after(batches);
        }
        return new Result(total, written, batches);
    }
}
