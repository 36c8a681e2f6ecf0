package com.datasaas.ingest;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventType;
import com.datasaas.events.TestEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store writer's CPU per event for a batch read from the spool, the two ways in the same run, alternating: each
 * record walked once to check that it reads and then again into the appender (before 2026-12-07), and the one walk
 * into the appender that also skips what does not read ({@link SpoolRecord#fields}). Counts the writer thread's CPU
 * time (DuckDB's own threads are not in it: both ways run the same statements after the appender). A benchmark run by
 * command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=SpooledRecordsBenchmark -Dbench.rounds=20 [-Dbench.batch=2000]</pre>
 */
@EnabledIfSystemProperty(named = "bench.rounds", matches = "\\d+")
class SpooledRecordsBenchmark {
    @TempDir
    Path dir;

    /** A pageview (one in ten a leave) as bench/ingest.lua sends them, enriched as the pipeline does. */
    private static Event event(long i) {
        boolean leave = i % 10 == 9;
        String visitor = "v" + (i % 5_000);
        String session = "s" + (i % 5_000);
        return TestEvent.bare(
                        "mrf_bench",
                        Instant.parse("2026-12-06T00:00:00Z").plusMillis(i),
                        leave ? EventType.LEAVE : EventType.PAGEVIEW,
                        visitor,
                        session)
                .visitorKey(visitor.hashCode() * 31L)
                .sessionKey(session.hashCode() * 17L)
                .url("https://example.com/blog/post-" + (i % 200) + "?utm_source=newsletter")
                .hostname("example.com")
                .path("/blog/post-" + (i % 200))
                .title("Post number " + (i % 200) + " \u2013 Example")
                .referrer("https://www.google.com/")
                .referrerDomain("google.com")
                .referrerSource("Google")
                .channel("Organic Search")
                .utmSource("newsletter")
                .screenWidth(1920)
                .language("en-US")
                .deviceType("desktop")
                .browser("Chrome")
                .browserVersion("131.0")
                .os("Windows")
                .osVersion("10")
                .country("DE")
                .region("DE-BE")
                .city("Berlin")
                .latitude(52.52)
                .longitude(13.405)
                .durationMs(leave ? 12_000L + i % 1000 : null)
                .scrollDepth(leave ? (int) (i % 100) : null)
                .build();
    }

    @Test
    void checked_then_walked_against_one_walk() throws Exception {
        int rounds = Integer.getInteger("bench.rounds");
        int size = Integer.getInteger("bench.batch", 2000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        DuckDbEventStore checkedStore =
                new DuckDbEventStore(new DataSaasProperties(dir.resolve("checked"), null, null, null, null));
        DuckDbEventStore oneWalkStore =
                new DuckDbEventStore(new DataSaasProperties(dir.resolve("one-walk"), null, null, null, null));
        long[] cpu = new long[2];
        long events = 0;
        long id = 0;
        try {
            for (int round = 0; round < rounds + 5; round++) { // the first 5 rounds warm the JIT up
                List<Spool.Record> records = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    records.add(new Spool.Record(++id, SpoolRecord.encode(event(id))));
                }
                for (int way = round % 2, n = 0; n < 2; n++, way ^= 1) {
                    long start = threads.getCurrentThreadCpuTime();
                    if (way == 0) { // the check walk as readBatch did it, then the store's walk
                        List<Spool.Record> readable = new ArrayList<>(records.size());
                        for (Spool.Record r : records) {
                            if (!SpoolRecord.fields(r.payload(), SpoolRecordTest.NOWHERE))
                                SpoolRecord.decode(r.payload());
                            readable.add(r);
                        }
                        checkedStore.appendSpooled(new WriteBuffer.Batch(readable));
                    } else {
                        oneWalkStore.appendSpooled(new WriteBuffer.Batch(records));
                    }
                    if (round >= 5) cpu[way] += threads.getCurrentThreadCpuTime() - start;
                }
                if (round >= 5) events += size;
            }
        } finally {
            checkedStore.close();
            oneWalkStore.close();
        }
        System.out.printf(
                "writer thread CPU per event over %d events: checked then walked %.2f us, one walk %.2f us%n",
                events, cpu[0] / 1e3 / events, cpu[1] / 1e3 / events);
    }
}
