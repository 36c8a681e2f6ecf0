package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.sql.ClickHouseDialect;
import com.datasaas.support.ClickHouseServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
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
    void the_decoded_events_can_be_collected_while_the_insert_waits_for_clickhouse(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        List<WeakReference<SpooledEvent>> decoded = new ArrayList<>();
        List<Boolean> collectedBeforeInsert = new ArrayList<>();
        store.onEachStep(step -> {
            if (!step.equals("insert_events")) return;
            // Up to a few collections: a weakly reachable object is cleared by any full collection, but a collector
            // may take System.gc() as a hint only.
            for (int i = 0; i < 20 && decoded.stream().anyMatch(r -> r.get() != null); i++) {
                System.gc();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            collectedBeforeInsert.add(decoded.stream().allMatch(r -> r.get() == null));
        });
        // The batch is referred to only by the call's argument, as the write buffer's decoded batch is.
        store.appendSpooled(weaklyWatched(spooled(1, 2000), decoded));
        assertThat(collectedBeforeInsert).containsExactly(true);
        assertThat(count(store, "1")).as("the body sent is the whole batch").isEqualTo(2000);
        assertThat(store.spoolWatermark()).isEqualTo(2000);
    }

    /** The spool's batch as the write buffer hands it over; counts decodes, and record {@code unreadable} does not read. */
    private static class Records implements SpooledRecords {
        private final List<SpooledEvent> events;
        private final long unreadable;
        final AtomicInteger decoded = new AtomicInteger();

        Records(List<SpooledEvent> events, long unreadable) {
            this.events = events;
            this.unreadable = unreadable;
        }

        @Override
        public int size() {
            return events.size();
        }

        @Override
        public long id(int i) {
            return events.get(i).id();
        }

        @Override
        public Event event(int i) {
            if (id(i) == unreadable) throw new Unreadable("simulated: a record of another release");
            decoded.incrementAndGet();
            return events.get(i).event();
        }

        @Override
        public boolean fields(int i, EventFields sink) {
            return false;
        }
    }

    @Test
    void the_write_buffers_batch_is_decoded_while_its_insert_is_sent_and_stored_once(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        // The first batch after a start reads the watermark and goes the decoded way (recovery's); the next streams.
        store.appendSpooled(new Records(spooled(1, 10), 0));
        int rows = ClickHouseEventStore.PIECE_ROWS * 3 + 7;
        Records batch = new Records(spooled(11, 10 + rows), 42);
        List<Integer> decodedBeforeInsert = new ArrayList<>();
        store.onEachStep(step -> {
            if (step.equals("insert_events")) decodedBeforeInsert.add(batch.decoded.get());
        });
        store.appendSpooled(batch);
        assertThat(decodedBeforeInsert)
                .as("only the first piece is decoded before the INSERT is sent")
                .containsExactly(ClickHouseEventStore.PIECE_ROWS - 1);
        assertThat(batch.decoded.get()).isEqualTo(rows - 1);
        assertThat(count(store, "1")).as("every readable record").isEqualTo(10 + rows - 1);
        assertThat(count(store, "event_id = 42")).isZero();
        assertThat(store.spoolWatermark()).isEqualTo(10 + rows);
        // Replayed below the watermark: no INSERT, nothing decoded.
        Records again = new Records(spooled(rows - 100, 10 + rows), 0);
        store.appendSpooled(again);
        assertThat(again.decoded.get()).isZero();
        assertThat(count(store, "1")).isEqualTo(10 + rows - 1);
    }

    @Test
    void a_streamed_batch_whose_piece_fails_to_encode_is_stored_once_by_the_retry(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        store.appendSpooled(new Records(spooled(1, 100), 0));
        int rows = ClickHouseEventStore.PIECE_ROWS * 2 + 100;
        List<SpooledEvent> events = spooled(101, 100 + rows);
        AtomicInteger failures = new AtomicInteger();
        // The second piece's decode fails once, after the first piece has gone to ClickHouse.
        Records failingOnce = new Records(events, 0) {
            @Override
            public Event event(int i) {
                if (i == ClickHouseEventStore.PIECE_ROWS + 5 && failures.getAndIncrement() == 0) {
                    throw new IllegalStateException("simulated: the encoder failed mid-body");
                }
                return super.event(i);
            }
        };
        assertThatThrownBy(() -> store.appendSpooled(failingOnce)).isInstanceOf(EventStoreException.class);
        assertThat(store.spoolWatermark()).isEqualTo(100);
        store.appendSpooled(failingOnce); // the write buffer's retry
        assertThat(count(store, "1")).isEqualTo(100 + rows);
        assertThat(store.spoolWatermark()).isEqualTo(100 + rows);
        assertThat(store.query(
                        "SELECT count() FROM (SELECT event_id FROM events GROUP BY event_id HAVING count() > 1)",
                        List.of(),
                        (rs, n) -> rs.getLong(1)))
                .containsExactly(0L);
    }

    private static List<SpooledEvent> weaklyWatched(List<SpooledEvent> batch, List<WeakReference<SpooledEvent>> refs) {
        for (int i = 0; i < batch.size(); i += 500) refs.add(new WeakReference<>(batch.get(i)));
        return batch;
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

    /** The DDL file is written by hand: it must hold every column of the one descriptor, plus ClickHouse's own. */
    @Test
    void the_events_table_has_every_event_column(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        List<String> columns = store.query("DESCRIBE TABLE events", List.of(), (rs, n) -> rs.getString(1));
        List<String> expected = new ArrayList<>(EventColumn.names());
        expected.add(2, "ts_us");
        expected.addAll(List.of("node_id", "event_id"));
        assertThat(columns).containsExactlyElementsOf(expected);
    }

    @Test
    void deleting_a_site_removes_its_events(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        store.appendSpooled(spooled(1, 50));
        Event other = DuckDbEventStoreTest.event(1, EventType.PAGEVIEW);
        store.append(List.of(
                TestEvent.bare("mrf_other", other.timestamp(), other.type(), other.visitorId(), other.sessionId())
                        .visitorKey(other.visitorKey())
                        .sessionKey(other.sessionKey())
                        .path("/o")
                        .build()));
        assertThat(sessions(store, "site_id = 'mrf_store'")).hasSize(7);
        store.deleteSite("mrf_store");
        assertThat(count(store, "site_id = 'mrf_store'")).isZero();
        assertThat(count(store, "site_id = 'mrf_other'")).isEqualTo(1);
        assertThat(sessions(store, "site_id = 'mrf_store'")).isEmpty();
        assertThat(sessions(store, "1")).isEqualTo(derivedSessions(store));
    }

    @Test
    void values_are_escaped_literals_and_times_keep_their_microseconds(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        Event e = DuckDbEventStoreTest.event(1, EventType.PAGEVIEW);
        Instant exact = Instant.parse("2026-11-01T10:00:00.123456Z");
        store.append(List.of(TestEvent.bare("it's \\ a site", exact, e.type(), e.visitorId(), e.sessionId())
                .visitorKey(e.visitorKey())
                .sessionKey(e.sessionKey())
                .path("/x")
                .build()));
        List<String> rows = store.query(
                "SELECT site_id, ts, ts_us FROM events WHERE site_id = ? AND ts = ?",
                List.of("it's \\ a site", exact),
                (rs, n) -> rs.getString(1) + "|" + rs.getObject(2, Instant.class) + "|" + rs.getLong(3));
        assertThat(rows)
                .containsExactly(
                        "it's \\ a site|2026-11-01T10:00:00Z|" + (exact.getEpochSecond() * 1_000_000 + 123_456));
    }

    /**
     * RowBinary (the store's insert format) against JSONEachRow (its fallback, and what ClickHouse parses as text): the
     * same events, with every column set to awkward values in one and NULL in another, must be stored the same to the
     * byte, and their sessions too.
     */
    @Test
    void rowbinary_rows_equal_the_jsoneachrow_rows_of_the_same_events(TestInfo test) {
        ClickHouseEventStore binary = store(database(test), "node-a");
        ClickHouseEventStore text = store(database(test), "node-a");
        text.writeJsonEachRow();
        assertThat(binary.writesRowBinary()).isTrue();
        assertThat(text.writesRowBinary()).isFalse();

        List<Event> events = new ArrayList<>(visits());
        Event full = DuckDbEventStoreTest.event(7, EventType.LEAVE);
        Object[][] awkward = {
            {"siteId", "s\u00efte \t 'q' \"dq\" \\ \n end"},
            {"timestamp", Instant.parse("2026-11-01T23:59:59.999999Z")},
            {"goalName", ""},
            {"title", "Caf\u00e9 \ud83d\ude00 \u65e5\u672c\u8a9e\r\n\u0000 tab\there"},
            {"referrer", "x".repeat(300)},
            {"referrerDomain", "a".repeat(20_000)},
            {"utmTerm", "\\N"},
            {"clickIds", "{\"gclid\":\"g\\u0001\"}"},
            {"screenWidth", Integer.MAX_VALUE},
            {"latitude", -33.868_819_999_999_99},
            {"longitude", 151.209_295_000_000_01},
            {"durationMs", Long.MAX_VALUE},
            {"scrollDepth", (int) Short.MAX_VALUE},
            {"region", "NSW"},
            {"city", "Sydney"},
            {"osVersion", "14.1"},
            {"targetUrl", "https://example.org/?a=1&b=%20"}
        };
        for (Object[] a : awkward) full = with(full, (String) a[0], a[1]);
        events.add(full);
        Event empty = DuckDbEventStoreTest.event(8, EventType.PAGEVIEW);
        for (java.lang.reflect.RecordComponent c : Event.class.getRecordComponents()) {
            if (!c.getType().isPrimitive()
                    && !List.of("siteId", "timestamp", "type", "visitorId", "sessionId")
                            .contains(c.getName())) {
                empty = with(empty, c.getName(), null);
            }
        }
        events.add(empty);

        for (ClickHouseEventStore store : List.of(binary, text)) {
            store.appendSpooled(numbered(events.subList(0, 300), 1));
            store.appendSpooled(numbered(events.subList(300, events.size()), 301));
            store.append(List.of(full, empty));
        }
        String everyColumn = "SELECT * FROM events ORDER BY node_id, event_id, ts_us, site_id";
        List<List<Object>> stored = rows(binary, everyColumn);
        assertThat(stored).hasSize(events.size() + 2).isEqualTo(rows(text, everyColumn));
        assertThat(sessions(binary, "1")).isEqualTo(sessions(text, "1")).isEqualTo(derivedSessions(binary));
        // And the values are the events' own, not just the same garbage twice.
        List<String> back = binary.query(
                "SELECT site_id, title, utm_term, referrer_domain, duration_ms, scroll_depth, latitude, ts_us, goal_name,"
                        + " isNull(url) FROM events WHERE event_id = 0 ORDER BY isNull(url)",
                List.of(),
                (rs, n) -> String.join(
                        "|",
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        String.valueOf(
                                rs.getString(4) == null ? -1 : rs.getString(4).length()),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getString(10)));
        assertThat(back)
                .containsExactly(
                        String.join(
                                "|",
                                full.siteId(),
                                full.title(),
                                "\\N",
                                "20000",
                                String.valueOf(Long.MAX_VALUE),
                                String.valueOf(Short.MAX_VALUE),
                                String.valueOf(full.latitude()),
                                "1793577599999999",
                                "",
                                "0"),
                        String.join(
                                "|",
                                empty.siteId(),
                                null,
                                null,
                                "-1",
                                null,
                                null,
                                null,
                                String.valueOf(empty.timestamp().getEpochSecond() * 1_000_000),
                                null,
                                "1"));
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

    // ---------------------------------------------------------------- sessions

    /** Every column of the stored sessions relation (states merged per session), ordered by site and session. */
    private static List<List<Object>> sessions(ClickHouseEventStore store, String where) {
        return rows(
                store,
                "SELECT * FROM (" + new ClickHouseSessions().select(null, List.of()) + ") WHERE " + where
                        + " ORDER BY site_id, session_key");
    }

    /**
     * The definition of a session row, computed in one pass over all events (nothing stored but events): the same
     * columns in the same order as {@link ClickHouseSessions#select}. The tuple keeps a first pageview's NULL.
     */
    private static List<List<Object>> derivedSessions(ClickHouseEventStore store) {
        String pageview = "event_type = 'pageview'";
        String counted = "event_type IN ('pageview', 'goal')";
        String leave = "event_type = '_leave'";
        List<String> columns = new ArrayList<>(List.of(
                "site_id",
                "session_key",
                "any(visitor_key)",
                "min(ts)",
                "max(ts)",
                "min(ts_us)",
                "max(ts_us)",
                "if(countIf(" + counted + ") = 0, NULL, minIf(ts, " + counted + "))",
                "if(countIf(" + counted + ") = 0, NULL, maxIf(ts, " + counted + "))",
                "countIf(" + pageview + ")",
                "countIf(event_type = 'goal')",
                "sumIf(ifNull(duration_ms, toInt64(0)), " + leave + ")",
                "countIf(" + leave + " AND duration_ms IS NOT NULL)",
                "sumIf(ifNull(scroll_depth, toInt16(0)), " + leave + ")",
                "countIf(" + leave + " AND scroll_depth IS NOT NULL)",
                "if(countIf(" + pageview + ") = 0, NULL, minIf(ts, " + pageview + "))",
                "if(countIf(" + pageview + ") = 0, NULL, maxIf(ts, " + pageview + "))"));
        for (SessionAttribute a : SessionAttribute.values()) {
            String function = a.pick == SessionAttribute.Pick.FIRST_PAGEVIEW ? "argMinIf" : "argMaxIf";
            columns.add(
                    "tupleElement(" + function + "(tuple(toNullable(" + a.source + ")), ts_us, " + pageview + "), 1)");
        }
        return rows(
                store,
                "SELECT " + String.join(", ", columns)
                        + " FROM events GROUP BY site_id, session_key ORDER BY site_id, session_key");
    }

    private static List<List<Object>> rows(ClickHouseEventStore store, String sql) {
        return store.query(sql, List.of(), (rs, n) -> {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
            return row;
        });
    }

    /**
     * Events of 13 sessions around midnight (so sessions have a row per day), in a fixed shuffled order. The early
     * pageviews have no path, screen width or UTM source and the later ones do: a session's entry values are its first
     * pageview's NULLs, not a later page's values.
     */
    private static List<Event> visits() {
        List<Event> events = new ArrayList<>();
        for (int i = -300; i <= 300; i++) {
            EventType type = i % 5 == 0 ? EventType.LEAVE : i % 11 == 0 ? EventType.GOAL : EventType.PAGEVIEW;
            Event e = DuckDbEventStoreTest.event(i, type);
            e = i < -280
                    ? with(with(e, "pathname", null), "screenWidth", null)
                    : with(e, "utmSource", "news" + (i % 3));
            events.add(e);
        }
        java.util.Collections.shuffle(events, new java.util.Random(42));
        return events;
    }

    /** A copy of {@code e} with one component changed. */
    private static Event with(Event e, String component, Object value) {
        try {
            java.lang.reflect.RecordComponent[] components = Event.class.getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = components[i].getName().equals(component)
                        ? value
                        : components[i].getAccessor().invoke(e);
            }
            return Event.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException x) {
            throw new IllegalStateException(x);
        }
    }

    static List<SpooledEvent> numbered(List<Event> events, long firstId) {
        List<SpooledEvent> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) out.add(new SpooledEvent(firstId + i, events.get(i)));
        return out;
    }

    @Test
    void sessions_equal_a_group_by_over_the_events_whichever_node_and_batch_brings_them(TestInfo test) {
        String db = database(test);
        ClickHouseEventStore a = store(db, "node-a");
        ClickHouseEventStore b = store(db, "node-b");
        List<Event> events = visits();
        // One visit's events spread over two nodes (a load balancer), out of order, in batches of various sizes.
        a.appendSpooled(numbered(events.subList(0, 100), 1));
        b.appendSpooled(numbered(events.subList(100, 350), 1));
        a.appendSpooled(numbered(events.subList(350, 360), 101));
        // A batch whose INSERT went through but whose watermark did not, delivered again with more behind it: the
        // view adds the sessions' states with the events, once.
        AtomicInteger failures = new AtomicInteger();
        b.onEachStep(step -> {
            if (step.equals("raise_watermark") && failures.getAndIncrement() == 0) {
                throw new EventStoreException("simulated: the connection broke after the INSERT");
            }
        });
        assertThatThrownBy(() -> b.appendSpooled(numbered(events.subList(360, 500), 251)))
                .isInstanceOf(EventStoreException.class);
        b.appendSpooled(numbered(events.subList(360, events.size()), 251));
        assertThat(count(a, "1")).isEqualTo(events.size());

        List<List<Object>> stored = sessions(a, "1");
        assertThat(stored).hasSize(13); // s0..s6 and s-1..s-6
        assertThat(stored).isEqualTo(derivedSessions(a));
        // A stats query reads one site: grouped by session alone, the site put back as a constant, and narrowed to
        // a window of days. The same rows as that site's part of the read over every site.
        Instant first = a.query("SELECT min(ts) FROM events", List.of(), (rs, n) -> rs.getObject(1, Instant.class))
                .get(0);
        Instant last = a.query("SELECT max(ts) FROM events", List.of(), (rs, n) -> rs.getObject(1, Instant.class))
                .get(0);
        List<String> sites =
                a.query("SELECT DISTINCT site_id FROM events ORDER BY site_id", List.of(), (rs, n) -> rs.getString(1));
        assertThat(sites).isNotEmpty();
        for (String site : sites) {
            List<List<Object>> ofSite = sessions(a, "site_id = " + ClickHouseDialect.literal(site));
            assertThat(ofSite).isNotEmpty();
            for (List<ClickHouseDialect.TimeWindow> windows : List.of(
                    List.<ClickHouseDialect.TimeWindow>of(),
                    List.of(new ClickHouseDialect.TimeWindow(first, last)),
                    List.of(
                            new ClickHouseDialect.TimeWindow(first, first),
                            new ClickHouseDialect.TimeWindow(first, last)))) {
                assertThat(rows(
                                a,
                                "SELECT * FROM (" + new ClickHouseSessions().select(site, windows)
                                        + ") ORDER BY session_key"))
                        .isEqualTo(ofSite);
            }
        }
        // More than one row per session is stored (per insert and day); reads merge them.
        assertThat(a.query("SELECT count() FROM sessions", List.of(), (rs, n) -> rs.getLong(1))
                        .get(0))
                .isGreaterThan(13L);
        // Background merges (forced here) fold rows of one key and change no number.
        SERVER.run("OPTIMIZE TABLE " + db + ".sessions FINAL");
        assertThat(sessions(a, "1")).isEqualTo(stored);
    }

    /**
     * ClickHouse writes an INSERT's events before the view's rows; when the view's write fails (a full disk between
     * the two), the events are stored and their sessions lack them. The detached view reproduces that state: the
     * retry of the batch finds the events stored, sees the sessions short of exactly those events, and adds them.
     */
    @Test
    void sessions_the_view_missed_in_a_failed_insert_are_added_when_the_batch_is_retried(TestInfo test) {
        String db = database(test);
        ClickHouseEventStore store = store(db, "node-a");
        List<Event> events = visits();
        store.appendSpooled(numbered(events.subList(0, 150), 1));
        SERVER.run("DETACH TABLE " + db + ".sessions_feed");
        AtomicInteger failures = new AtomicInteger();
        store.onEachStep(step -> {
            if (step.equals("raise_watermark") && failures.getAndIncrement() == 0) {
                throw new EventStoreException("simulated: the view's write failed after the events were stored");
            }
        });
        assertThatThrownBy(() -> store.appendSpooled(numbered(events.subList(150, 400), 151)))
                .isInstanceOf(EventStoreException.class);
        SERVER.run("ATTACH TABLE " + db + ".sessions_feed");
        assertThat(count(store, "1")).isEqualTo(400);
        assertThat(sessions(store, "1"))
                .as("the sessions lack the stored events")
                .isNotEqualTo(derivedSessions(store));

        store.appendSpooled(numbered(events.subList(150, events.size()), 151));
        assertThat(count(store, "1")).isEqualTo(events.size());
        assertThat(sessions(store, "1")).isEqualTo(derivedSessions(store));
        // A later unclear failure whose events the view did take changes nothing.
        AtomicInteger later = new AtomicInteger();
        store.onEachStep(step -> {
            if (step.equals("raise_watermark") && later.getAndIncrement() == 0) {
                throw new EventStoreException("simulated: the connection broke after the INSERT");
            }
        });
        List<Event> more = visits();
        assertThatThrownBy(() -> store.appendSpooled(numbered(more.subList(0, 100), 1001)))
                .isInstanceOf(EventStoreException.class);
        store.appendSpooled(numbered(more.subList(0, 100), 1001));
        assertThat(sessions(store, "1")).isEqualTo(derivedSessions(store));
    }

    @Test
    void deleting_visitors_removes_their_sessions(TestInfo test) {
        ClickHouseEventStore store = store(database(test), "node-a");
        store.appendSpooled(numbered(visits(), 1));
        assertThat(store.deleteVisitors("mrf_store", List.of("v1", "v2"))).isPositive();
        assertThat(sessions(
                        store,
                        "visitor_key IN (" + IdKeys.of("mrf_store", "v1") + ", " + IdKeys.of("mrf_store", "v2") + ")"))
                .isEmpty();
        assertThat(sessions(store, "1")).hasSize(11).isEqualTo(derivedSessions(store));
    }

    /** An install made before the sessions table (schema 1, events only) gets it filled from its events. */
    @Test
    void upgrading_from_schema_1_backfills_the_sessions_of_the_stored_events(TestInfo test) {
        String db = database(test);
        ClickHouseEventStore before = store(db, "node-a");
        before.appendSpooled(numbered(visits(), 1));
        List<List<Object>> expected = derivedSessions(before);
        // Back to what schema 1 left: events only, version 1.
        SERVER.run("DROP TABLE " + db + ".sessions_feed");
        SERVER.run("DROP TABLE " + db + ".sessions");
        SERVER.run("DROP TABLE " + db + ".schema_version");
        SERVER.run("CREATE TABLE " + db + ".schema_version (version UInt32, applied_at DateTime)"
                + " ENGINE = MergeTree ORDER BY version");
        SERVER.run("INSERT INTO " + db + ".schema_version VALUES (1, now())");

        ClickHouseEventStore after = store(db, "node-a");
        assertThat(sessions(after, "1")).hasSize(13).isEqualTo(expected);
        // and from then on the view keeps them
        after.append(List.of(DuckDbEventStoreTest.event(301, EventType.PAGEVIEW)));
        assertThat(sessions(after, "1")).isEqualTo(derivedSessions(after));
    }

    /**
     * An install at schema 5 (a state per session attribute) gets its sessions in migration 6's layout (the entry
     * attributes in one state), none lost and none counted twice, also when an earlier attempt stopped after any of
     * the migration's statements (the runner records version 6 only after the last one, so the next start runs them
     * all again).
     */
    @Test
    void upgrading_from_schema_5_keeps_every_session_whatever_statement_an_earlier_attempt_stopped_after(
            TestInfo test) {
        String db = database(test);
        ClickHouseEventStore before = store(db, "node-a");
        List<SpooledEvent> visits = numbered(visits(), 1);
        before.appendSpooled(visits.subList(0, visits.size() / 2));
        List<String> migration = ClickHouseEventStore.statements(
                ClickHouseEventStore.migrations().get(5));
        ClickHouseEventStore after = before;
        for (int stoppedAfter = 0; stoppedAfter <= migration.size(); stoppedAfter++) {
            toVersion5(before, db);
            if (stoppedAfter == 0) {
                // rows written by migration 5's view as well as by its backfill
                before.appendSpooled(visits.subList(visits.size() / 2, visits.size()));
                assertThat(before.query("SELECT count() FROM sessions", List.of(), (rs, n) -> rs.getLong(1))
                                .get(0))
                        .isGreaterThan(13L);
            }
            for (String statement : migration.subList(0, stoppedAfter)) before.execute(statement);

            after = store(db, "node-a");
            String as = "after an attempt that stopped after " + stoppedAfter + " statements";
            assertThat(sessions(after, "1")).as(as).hasSize(13).isEqualTo(derivedSessions(after));
            assertThat(after.query(
                            "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE"
                                    + " 'sessions%' ORDER BY name",
                            List.of(), (rs, n) -> rs.getString(1)))
                    .as(as + ": no copy left behind")
                    .containsExactly("sessions", "sessions_feed");
            assertThat(after.query("SELECT max(version) FROM schema_version", List.of(), (rs, n) -> rs.getLong(1)))
                    .as(as)
                    .containsExactly(6L);
        }
        // and from then on the view keeps them
        after.append(List.of(DuckDbEventStoreTest.event(301, EventType.PAGEVIEW)));
        assertThat(sessions(after, "1")).isEqualTo(derivedSessions(after));
    }

    /** The database as migration 5 left it: migration 2's sessions table (a state per attribute) and its view. */
    private static void toVersion5(ClickHouseEventStore store, String db) {
        SERVER.run("DROP TABLE IF EXISTS " + db + ".sessions_feed");
        SERVER.run("DROP TABLE IF EXISTS " + db + ".sessions");
        SERVER.run("DROP TABLE IF EXISTS " + db + ".sessions_v6");
        for (String statement : ClickHouseEventStore.statements(
                ClickHouseEventStore.migrations().get(1))) {
            store.execute(statement);
        }
        SERVER.run("DROP TABLE " + db + ".schema_version");
        SERVER.run("CREATE TABLE " + db + ".schema_version (version UInt32, applied_at DateTime)"
                + " ENGINE = MergeTree ORDER BY version");
        SERVER.run("INSERT INTO " + db + ".schema_version VALUES (1, now()), (2, now()), (3, now()), (4, now()), (5,"
                + " now())");
    }
}
