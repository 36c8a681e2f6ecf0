package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ClickHouse store against a private ClickHouse 18.16 server: batches, exactly-once re-delivery without
 * transactions, deletion, start-up checks, and every golden SQL file of the ClickHouse dialect run for real. Each test
 * has its own database.
 */
class ClickHouseEventStoreTest {
    private static final ClickHouseServer SERVER = ClickHouseServer.shared();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** Each node has its own data dir, where its node id is kept; the same node name is the same node. */
    @TempDir
    static Path nodes;

    private static DataSaasProperties node(String node) {
        return new DataSaasProperties(nodes.resolve(node), null, null, null, null);
    }

    private static ClickHouseEventStore store(String database, String node) {
        return new ClickHouseEventStore(new ClickHouseSettings(SERVER.url(database), null, null), node(node));
    }

    private static String database(TestInfo test) {
        return "store_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    }

    private static List<SpooledEvent> spooled(int from, int to) {
        List<SpooledEvent> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(new SpooledEvent(
                    i, DuckDbEventStoreTest.event(i, i % 5 == 0 ? EventType.LEAVE : EventType.PAGEVIEW)));
        }
        return out;
    }

    private static long count(ClickHouseEventStore store, String where) {
        return store.query("SELECT count() FROM events WHERE " + where, List.of(), (rs, n) -> rs.getLong(1))
                .get(0);
    }

    @Test
    void a_batch_is_one_insert_and_raises_the_watermark(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        store.appendSpooled(spooled(1, 5000));
        assertThat(count(store, "1")).isEqualTo(5000);
        assertThat(store.spoolWatermark()).isEqualTo(5000);
        // Replaying below the watermark (a spool replay after a restart) stores nothing again.
        store.appendSpooled(spooled(4001, 5000));
        assertThat(count(store, "1")).isEqualTo(5000);
    }

    @Test
    void a_batch_delivered_again_after_a_failure_between_insert_and_watermark_is_stored_once(TestInfo test) {
        String db = database(test);
        ClickHouseEventStore store = store(db, "node-a");
        store.appendSpooled(spooled(1, 100));
        AtomicInteger failures = new AtomicInteger();
        store.onEachStep(step -> {
            if (step.equals("raise_watermark") && failures.getAndIncrement() == 0) {
                throw new EventStoreException("simulated: the connection broke after the INSERT");
            }
        });
        assertThatThrownBy(() -> store.appendSpooled(spooled(101, 300))).isInstanceOf(EventStoreException.class);
        assertThat(count(store, "1")).as("the INSERT went through").isEqualTo(300);
        assertThat(store.spoolWatermark()).as("but the watermark did not").isEqualTo(100);

        // The same batch again (the write buffer's retry), with more events behind it.
        store.appendSpooled(spooled(101, 400));
        assertThat(count(store, "1")).isEqualTo(400);
        assertThat(count(store, "event_id BETWEEN 101 AND 300")).isEqualTo(200);
        assertThat(store.spoolWatermark()).isEqualTo(400);
        assertThat(store.query(
                        "SELECT count() FROM (SELECT event_id FROM events GROUP BY event_id HAVING count() > 1)",
                        List.of(),
                        (rs, n) -> rs.getLong(1)))
                .containsExactly(0L);
    }

    @Test
    void after_a_restart_the_replayed_spool_skips_what_an_unfinished_batch_stored(TestInfo test) {
        String db = database(test);
        ClickHouseEventStore before = store(db, "node-a");
        before.onEachStep(step -> {
            if (step.equals("raise_watermark")) throw new EventStoreException("simulated crash");
        });
        assertThatThrownBy(() -> before.appendSpooled(spooled(1, 250))).isInstanceOf(EventStoreException.class);

        ClickHouseEventStore after = store(db, "node-a");
        assertThat(after.spoolWatermark()).isZero();
        after.appendSpooled(spooled(1, 300)); // the spool replays everything above the watermark
        assertThat(count(after, "1")).isEqualTo(300);

        // Another node's spool has its own ids: the same numbers are other events, stored as well.
        ClickHouseEventStore other = store(db, "node-b");
        other.appendSpooled(spooled(1, 10));
        assertThat(count(other, "1")).isEqualTo(310);
        assertThat(other.spoolWatermark()).isEqualTo(10);
        assertThat(after.spoolWatermark()).isEqualTo(300);
    }

    @Test
    void deleting_a_site_removes_its_events(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        store.appendSpooled(spooled(1, 50));
        Event other = DuckDbEventStoreTest.event(1, EventType.PAGEVIEW);
        store.append(List.of(new Event(
                "mrf_other",
                other.timestamp(),
                other.type(),
                other.visitorId(),
                other.sessionId(),
                other.visitorKey(),
                other.sessionKey(),
                null,
                null,
                null,
                "/o",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null)));
        store.deleteSite("mrf_store");
        assertThat(count(store, "site_id = 'mrf_store'")).isZero();
        assertThat(count(store, "site_id = 'mrf_other'")).isEqualTo(1);
    }

    @Test
    void values_are_escaped_literals_and_times_keep_their_microseconds(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        Event e = DuckDbEventStoreTest.event(1, EventType.PAGEVIEW);
        Instant exact = Instant.parse("2026-11-01T10:00:00.123456Z");
        store.append(List.of(new Event(
                "it's \\ a site",
                exact,
                e.type(),
                e.visitorId(),
                e.sessionId(),
                e.visitorKey(),
                e.sessionKey(),
                null,
                null,
                null,
                "/x",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null)));
        List<String> rows = store.query(
                "SELECT site_id, ts, ts_us FROM events WHERE site_id = ? AND ts = ?",
                List.of("it's \\ a site", exact),
                (rs, n) -> rs.getString(1) + "|" + rs.getObject(2, Instant.class) + "|" + rs.getLong(3));
        assertThat(rows)
                .containsExactly(
                        "it's \\ a site|2026-11-01T10:00:00Z|" + (exact.getEpochSecond() * 1_000_000 + 123_456));
    }

    @Test
    void an_unreachable_server_fails_start_up_with_one_clear_message() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> new ClickHouseEventStore(
                        new ClickHouseSettings("http://127.0.0.1:" + closed + "/datasaas", null, null), node("node-a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ClickHouse at http://127.0.0.1:" + closed + "/ is unreachable")
                .hasMessageContaining("DATASAAS_CLICKHOUSE_URL");
    }

    @Test
    void a_url_without_a_database_is_refused() {
        assertThatThrownBy(() -> new ClickHouseEventStore(
                        new ClickHouseSettings("http://127.0.0.1:" + SERVER.httpPort(), null, null), node("node-a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must name the database");
    }

    @Test
    void a_schema_newer_than_the_build_fails_start_up(TestInfo test) {
        String db = database(test);
        store(db, "node-a");
        SERVER.run("INSERT INTO " + db + ".schema_version VALUES (99, now())");
        assertThatThrownBy(() -> store(db, "node-a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema version 99, newer than this DataSaaS build knows");
    }

    @Test
    void start_up_twice_is_idempotent(TestInfo test) {
        String db = database(test);
        store(db, "node-a").appendSpooled(spooled(1, 10));
        ClickHouseEventStore again = store(db, "node-a");
        assertThat(count(again, "1")).isEqualTo(10);
        assertThat(again.query("SELECT count() FROM schema_version", List.of(), (rs, n) -> rs.getLong(1)))
                .containsExactly((long) ClickHouseEventStore.migrations().size());
    }

    /** Every golden file of the ClickHouse dialect runs on 18.16 as printed (the chDB runner does it on 26.x). */
    @Test
    void every_golden_sql_file_runs_on_clickhouse(TestInfo test) throws IOException {
        ClickHouseEventStore store = store(database(test), "node-a");
        store.appendSpooled(spooled(1, 200));
        Path dir = Path.of("src/test/resources/stats/golden/clickhouse");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(12);
        for (Path file : files) {
            String sql;
            try (InputStream in = Files.newInputStream(file)) {
                sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(store.query(sql, List.of(), (rs, n) -> n))
                    .as(file.toString())
                    .isNotNull();
        }
    }
}
