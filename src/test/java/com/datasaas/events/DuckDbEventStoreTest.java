package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.StoreOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One batch is one transaction: a failure between any two of its statements leaves nothing behind. */
class DuckDbEventStoreTest {
    @TempDir
    Path dir;

    DuckDbEventStore store;

    @BeforeEach
    void open() throws SQLException {
        store = new DuckDbEventStore(new DataSaasProperties(dir, null, null, null, null));
    }

    @AfterEach
    void close() throws SQLException {
        store.close();
    }

    public static Event event(int i, EventType type) {
        String session = "s" + (i % 7);
        return TestEvent.of(
                        "mrf_store", Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i), type, "v" + (i % 7), session)
                .goalName(type == EventType.GOAL ? "signup" : null)
                .path("/p" + i)
                .language("en")
                .browser("Firefox")
                .browserVersion("133")
                .os("Linux")
                .osVersion(null)
                .metadata("{\"marker\":\"m" + i + "\"}")
                .durationMs(type == EventType.LEAVE ? 1000L + i : null)
                .scrollDepth(type == EventType.LEAVE ? 50 : null)
                .build();
    }

    static final EventType[] TYPES = {EventType.PAGEVIEW, EventType.PAGEVIEW, EventType.GOAL, EventType.LEAVE};

    static List<SpooledEvent> spooled(int from, int to) {
        List<SpooledEvent> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(new SpooledEvent(i, event(i, TYPES[i % TYPES.length])));
        return out;
    }

    long count(String sql) {
        return store.query(sql, List.of(), (rs, n) -> rs.getLong(1)).get(0);
    }

    @Test
    void deleting_visitors_removes_their_events_and_derives_their_sessions_again() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 70; i++) events.add(event(i, TYPES[i % TYPES.length]));
        // A session with events of two visitors (two cookies in one tab): deleting one keeps the other's part.
        Event e = event(101, EventType.PAGEVIEW); // visitor v3, session s3
        events.add(TestEvent.from(e)
                .visitorId("v1")
                .visitorKey(IdKeys.of("mrf_store", "v1"))
                .build());
        store.append(events);
        long v3 = events.stream().filter(x -> x.visitorId().equals("v3")).count();

        assertThat(store.deleteVisitors("mrf_store", List.of("v3", "never-seen")))
                .isEqualTo(v3);

        assertThat(count("SELECT count(*) FROM events WHERE visitor_id = 'v3'")).isZero();
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(events.size() - v3);
        // The sessions table equals the definition of a session over the events that are left (the oracle).
        String columns = "session_key, visitor_key, started_at, ended_at, pageviews, goals, leave_ms, entry_page,"
                + " exit_page, country";
        List<String> kept = store.query(
                "SELECT " + columns + " FROM sessions ORDER BY session_key", List.of(), (rs, n) -> row(rs, 10));
        List<String> derived = store.query(
                "SELECT " + columns + " FROM (" + SessionRollup.fold("events") + ") ORDER BY session_key",
                List.of(),
                (rs, n) -> row(rs, 10));
        assertThat(kept).isEqualTo(derived).hasSize(7); // s3 lives on with v1's pageview
        assertThat(count("SELECT pageviews FROM sessions WHERE session_key = " + IdKeys.of("mrf_store", "s3")))
                .isEqualTo(1);
        assertThat(store.deleteVisitors("mrf_store", List.of("v3"))).isZero();
    }

    private static String row(java.sql.ResultSet rs, int columns) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= columns; i++) out.append(rs.getObject(i)).append('|');
        return out.toString();
    }

    @ParameterizedTest(name = "failing before {0}")
    @ValueSource(strings = {"insert_events", "mark_rollup_dirty", "raise_watermark", "commit"})
    void a_batch_that_fails_between_its_statements_leaves_nothing_behind_and_its_retry_stores_it_once(String step) {
        store.appendSpooled(spooled(1, 41));
        store.mergeSessions();
        long events = count("SELECT count(*) FROM events");
        long pageviews = count("SELECT sum(pageviews) FROM sessions");
        assertThat(events).isEqualTo(40);

        store.onEachStep(s -> {
            if (s.equals(step)) throw new SQLException("injected failure before " + s);
        });
        assertThatThrownBy(() -> store.appendSpooled(spooled(41, 81)))
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("injected failure before " + step);

        assertThat(count("SELECT count(*) FROM events")).isEqualTo(events);
        assertThat(count("SELECT sum(pageviews) FROM sessions")).isEqualTo(pageviews);
        assertThat(store.spoolWatermark()).isEqualTo(40);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();

        store.onEachStep(s -> {});
        store.appendSpooled(spooled(41, 81));
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(80);
        assertThat(count("SELECT count(DISTINCT event_id) FROM events")).isEqualTo(80);
        assertThat(store.spoolWatermark()).isEqualTo(80);
        assertThat(store.mergeSessions()).isEqualTo(40);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void the_writer_checkpoints_as_a_step_of_its_own_once_the_log_has_grown_and_keeps_every_row() throws Exception {
        Path log = dir.resolve("events.duckdb.wal");
        List<String> steps = new ArrayList<>();
        store.onEachStep(steps::add);
        store.appendSpooled(spooled(1, 41));
        store.mergeSessions();
        assertThat(steps).doesNotContain("checkpoint");
        assertThat(store.checkpointIfDue()).as("64 MB of log not reached").isFalse();
        long logged = Files.size(log);
        assertThat(logged).isPositive();

        store.checkpointAt(logged);
        assertThat(store.checkpointIfDue()).isTrue();
        assertThat(steps).endsWith("checkpoint");
        assertThat(Files.exists(log) ? Files.size(log) : 0).isLessThan(logged);
        assertThat(store.checkpointIfDue()).as("nothing logged since").isFalse();

        store.close();
        store = new DuckDbEventStore(new DataSaasProperties(dir, null, null, null, null));
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(40);
        assertThat(store.sessionWatermark()).isEqualTo(40);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void the_writers_checkpoint_waits_for_an_open_read_to_end_without_failing() throws Exception {
        store.appendSpooled(spooled(1, 41));
        store.mergeSessions();
        try (Connection reader = store.duplicateConnection()) {
            reader.setAutoCommit(false); // a read's snapshot, as the day rollup's reads take one
            try (Statement st = reader.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM events")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(40);
            }
            store.appendSpooled(spooled(41, 81));
            store.checkpointAt(1);
            assertThat(store.checkpointIfDue())
                    .as("DuckDB refuses while the read is open")
                    .isFalse();
            try (Statement st = reader.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM events")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the open read keeps its snapshot").isEqualTo(40);
            }
        }
        assertThat(store.checkpointIfDue()).as("the read is over").isTrue();
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(80);
        assertThat(store.mergeSessions()).isEqualTo(40);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void a_failed_checkpoint_is_reported_and_changes_nothing() {
        store.appendSpooled(spooled(1, 41));
        store.mergeSessions();
        store.checkpointAt(1);
        store.onEachStep(s -> {
            if (s.equals("checkpoint")) throw new SQLException("injected failure before " + s);
        });
        assertThatThrownBy(() -> store.checkpointIfDue())
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("Checkpointing the event store failed");
        store.onEachStep(s -> {});
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(40);
        assertThat(store.spoolWatermark()).isEqualTo(40);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
        assertThat(store.checkpointIfDue()).isTrue();
    }

    @Test
    void a_merge_of_older_events_moves_the_entry_of_stored_sessions_back_and_keeps_their_exit() {
        // Spool order is not time order: a tracker's queue sends old events late. Every session starts with a leave
        // event alone (no entry yet), then gets pageviews, then pageviews older than those.
        List<SpooledEvent> leaves = new ArrayList<>();
        for (int k = 0; k < 7; k++) leaves.add(new SpooledEvent(k + 1, event(200 + k, EventType.LEAVE)));
        List<SpooledEvent> later = new ArrayList<>();
        List<SpooledEvent> older = new ArrayList<>();
        for (int j = 0; j < 40; j++) {
            later.add(new SpooledEvent(8 + j, event(100 + j, TYPES[j % TYPES.length])));
            older.add(new SpooledEvent(48 + j, event(j, TYPES[j % TYPES.length])));
        }
        for (List<SpooledEvent> batch : List.of(leaves, later, older)) {
            store.appendSpooled(batch);
            assertThat(store.mergeSessions()).isEqualTo(batch.size());
            assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
        }
        assertThat(store.query(
                        "SELECT entry_page || ' ' || exit_page FROM sessions WHERE session_key = ?",
                        List.of(IdKeys.of("mrf_store", "s0")),
                        (rs, n) -> rs.getString(1)))
                .containsExactly("/p0 /p133");
    }

    long pageviewsInSessions() {
        return count("SELECT coalesce(sum(pageviews), 0) FROM sessions");
    }

    @ParameterizedTest(name = "failing before {0}")
    @ValueSource(
            strings = {
                "merge_sessions",
                "merge_session_entries",
                "merge_session_numbers",
                "insert_new_sessions",
                "raise_sessions_watermark",
                "drop_session_tail",
                "commit_merge"
            })
    void a_merge_that_fails_after_its_events_committed_changes_nothing_and_its_retry_merges_each_event_once(
            String step) {
        store.appendSpooled(spooled(1, 41));
        assertThat(store.mergeSessions()).isEqualTo(40);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
        long pageviews = pageviewsInSessions();

        // The batch commits its events alone; its sessions wait for the next merge.
        store.appendSpooled(spooled(41, 81));
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(80);
        assertThat(store.sessionWatermark()).isEqualTo(40);
        assertThat(pageviewsInSessions()).isEqualTo(pageviews);

        store.onEachStep(s -> {
            if (s.equals(step)) throw new SQLException("injected failure before " + s);
        });
        assertThatThrownBy(store::mergeSessions)
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("injected failure before " + step);
        assertThat(store.sessionWatermark()).isEqualTo(40);
        assertThat(pageviewsInSessions()).isEqualTo(pageviews);

        // More batches arrive before the retry; a replayed one is skipped as before.
        store.onEachStep(s -> {});
        store.appendSpooled(spooled(61, 121));
        assertThat(store.mergeSessions()).isEqualTo(80);
        assertThat(store.sessionWatermark()).isEqualTo(120);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
        assertThat(store.mergeSessions()).as("nothing left to merge").isZero();
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void a_crash_between_the_events_commit_and_their_merge_is_repaired_once_at_the_next_start() throws SQLException {
        store.appendSpooled(spooled(1, 61));
        store.mergeSessions();
        store.appendSpooled(spooled(61, 131));
        // The process dies before any merge of the second batch: even the stop's own merge fails.
        store.onEachStep(s -> {
            if (s.equals("merge_sessions")) throw new SQLException("killed before the merge");
        });
        store.close();
        store = new DuckDbEventStore(new DataSaasProperties(dir, null, null, null, null));
        assertThat(store.sessionWatermark()).isEqualTo(130);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
        assertThat(pageviewsInSessions()).isEqualTo(count("SELECT count(*) FROM events WHERE event_type = 'pageview'"));
    }

    @Test
    void deletions_and_rolls_merge_the_tail_first_so_nothing_is_counted_twice_or_left_out() {
        store.appendSpooled(spooled(1, 71)); // not merged yet
        long v3 = count("SELECT count(*) FROM events WHERE visitor_id = 'v3'");
        assertThat(v3).isPositive();
        assertThat(store.deleteVisitors("mrf_store", List.of("v3"))).isEqualTo(v3);
        assertThat(store.sessionWatermark()).isEqualTo(70);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
        assertThat(store.mergeSessions()).isZero();
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();

        store.appendSpooled(spooled(71, 91));
        store.rollUp(Instant.parse("2026-11-01T02:00:00Z"), false);
        assertThat(store.sessionWatermark())
                .as("the roll merged the tail in its transaction")
                .isEqualTo(90);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();

        store.appendSpooled(spooled(91, 111));
        store.deleteSite("mrf_store");
        assertThat(store.mergeSessions())
                .as("the tail of a deleted site is gone with its events")
                .isEqualTo(20);
        assertThat(count("SELECT count(*) FROM sessions")).isZero();
    }

    RollupCoverage coverage() {
        return store.rollups("mrf_store").orElseThrow();
    }

    @Test
    void the_hourly_rollup_equals_a_fold_of_the_events_through_late_events_a_crashed_roll_and_a_bulk_write() {
        Instant twoAm = Instant.parse("2026-11-01T02:00:00Z");
        store.appendSpooled(spooled(1, 3000)); // 00:00 to 00:50
        store.append(List.of(event(4000, EventType.PAGEVIEW), event(8000, EventType.LEAVE))); // 01:06, 02:13
        assertThat(coverage().watermark()).isEqualTo(Instant.EPOCH);

        assertThat(store.rollUp(twoAm.plusSeconds(600), false)).isEqualTo(2); // hours 00 and 01; 02 is open
        assertThat(coverage()).isEqualTo(new RollupCoverage(twoAm, List.of()));
        assertThat(count("SELECT count(*) FROM hourly_rollup")).isPositive();
        assertThat(count("SELECT count(*) FROM hourly_rollup WHERE hour >= '" + twoAm + "'"))
                .isZero();
        assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();

        // A late event for a closed hour marks it dirty in its own transaction; the open hour marks nothing.
        store.append(List.of(event(100, EventType.GOAL), event(7300, EventType.PAGEVIEW)));
        assertThat(coverage().dirty()).containsExactly(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();

        // A crash in the middle of the roll leaves the rollup, the dirty hour and the watermark as they were.
        store.onEachStep(s -> {
            if (s.equals("rollup_watermark")) throw new SQLException("injected failure before " + s);
        });
        assertThatThrownBy(() -> store.rollUp(twoAm.plusSeconds(7200), false))
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("injected failure");
        store.onEachStep(s -> {});
        assertThat(coverage()).isEqualTo(new RollupCoverage(twoAm, List.of(Instant.parse("2026-11-01T00:00:00Z"))));
        assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();

        // The next roll, from the watermark, rebuilds the dirty hour and folds the hours closed since.
        assertThat(store.rollUp(twoAm.plusSeconds(7200), false)).isEqualTo(2); // hours 00 and 02
        assertThat(coverage()).isEqualTo(new RollupCoverage(twoAm.plusSeconds(7200), List.of()));
        assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();
        long rows = count("SELECT count(*) FROM hourly_rollup");

        // Rows written behind the write path's back (as a bulk load could) are found by comparing event counts.
        store.query(
                "INSERT INTO events (site_id, ts, event_type, visitor_id, session_id, visitor_key, session_key,"
                        + " pathname) VALUES ('mrf_store', TIMESTAMPTZ '2026-11-01 01:30:00+00', 'pageview', 'vb',"
                        + " 'sb', 99, 99, '/bulk') RETURNING 1",
                List.of(),
                (rs, n) -> rs.getLong(1));
        assertThat(store.rollUp(twoAm.plusSeconds(7200), true)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM hourly_rollup")).isEqualTo(rows + 1);
        assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();

        // Deleting visitors marks their closed hours dirty, and the roll drops what is gone.
        store.deleteVisitors("mrf_store", List.of("vb"));
        assertThat(coverage().dirty()).containsExactly(Instant.parse("2026-11-01T01:00:00Z"));
        store.rollUp(twoAm.plusSeconds(7200), true);
        assertThat(count("SELECT count(*) FROM hourly_rollup")).isEqualTo(rows);
        assertThat(StoreOracle.rollupDifferingFromEvents(store)).isEmpty();

        store.deleteSite("mrf_store");
        assertThat(count("SELECT count(*) FROM hourly_rollup")).isZero();
        assertThat(count("SELECT count(*) FROM rollup_hours")).isZero();
    }

    /**
     * A partial day is written in one transaction with its rows, its session list and its day record: a day roll
     * that fails between any two of its statements leaves the partial that was there (none, or the previous one
     * whole), and the next roll builds it.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "day_rollup_partial_drop",
                "day_rollup_partial_insert",
                "day_rollup_partial_sessions",
                "day_rollup_partial_day",
                "commit"
            })
    void a_partial_day_roll_that_fails_between_its_statements_leaves_the_partial_that_was_there(String step) {
        java.time.ZoneId utc = java.time.ZoneId.of("UTC");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i <= 9000; i += 300) events.add(event(i, EventType.PAGEVIEW)); // 00:00 to 02:30, 7 sessions
        store.append(events);
        store.rollUp(Instant.parse("2026-11-01T03:10:00Z"), false); // closed before 02:30
        List<String> none = partialState();

        failBefore(step);
        assertThatThrownBy(() -> store.rollDays("mrf_store", utc))
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("injected failure");
        assertThat(partialState()).isEqualTo(none);
        store.onEachStep(s -> {});
        assertThat(store.rollDays("mrf_store", utc)).isOne();
        List<String> built = partialState();
        assertThat(count("SELECT count(*) FROM day_rollup_partial_sessions")).isEqualTo(6); // the 7th ends at 02:30
        assertThat(count("SELECT count(*) FROM day_rollup")).isPositive();

        // A session of the partial comes back: the partial is built again without it, or stays as it was.
        store.append(List.of(event(11_101, EventType.PAGEVIEW))); // 03:05, session s6, quiet since 02:25
        assertThat(store.daysToRoll("mrf_store", utc)).isTrue();
        failBefore(step);
        assertThatThrownBy(() -> store.rollDays("mrf_store", utc))
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining("injected failure");
        assertThat(partialState()).isEqualTo(built);
        store.onEachStep(s -> {});
        assertThat(store.rollDays("mrf_store", utc)).isOne();
        assertThat(count("SELECT count(*) FROM day_rollup_partial_sessions")).isEqualTo(5);
        assertThat(store.daysToRoll("mrf_store", utc)).isFalse();
    }

    private void failBefore(String step) {
        store.onEachStep(s -> {
            if (s.equals(step)) throw new SQLException("injected failure before " + s);
        });
    }

    /** Every row of the day rollup's tables, as text. */
    private List<String> partialState() {
        List<String> out = new ArrayList<>();
        for (String table : List.of("day_rollup", "day_rollup_days", "day_rollup_partial_sessions")) {
            out.addAll(store.query("SELECT * FROM " + table + " ORDER BY ALL", List.of(), (rs, n) -> {
                StringBuilder row = new StringBuilder(table);
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++)
                    row.append(" | ").append(rs.getString(i));
                return row.toString();
            }));
        }
        return out;
    }

    @Test
    void a_replayed_batch_is_skipped_because_the_watermark_covers_it() {
        store.appendSpooled(spooled(1, 101));
        store.appendSpooled(spooled(1, 101)); // a retry after a commit whose answer was lost
        store.appendSpooled(spooled(51, 151)); // half of it is stored already
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(150);
        assertThat(count("SELECT count(DISTINCT event_id) FROM events")).isEqualTo(150);
        assertThat(store.spoolWatermark()).isEqualTo(150);
        assertThat(store.mergeSessions()).isEqualTo(150);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void upgrading_a_store_whose_sessions_missed_crashed_batches_rebuilds_them_from_the_events(@TempDir Path old)
            throws SQLException {
        // a schema-2 store as the old write path could leave it: events whose session rows were never merged
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + old.resolve("events.duckdb"));
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL"
                    + " DEFAULT current_timestamp)");
            for (int v = 1; v <= 2; v++) {
                st.execute(DuckDbSchema.MIGRATIONS.get(v - 1));
                st.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
            }
            st.execute("INSERT INTO events (site_id, ts, event_type, visitor_id, session_id, visitor_key, session_key,"
                    + " pathname) SELECT 'mrf_old', TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i), 'pageview',"
                    + " 'v' || (i % 3), 's' || (i % 3), i % 3, i % 3, '/p' || i FROM range(30) t(i)");
        }
        DuckDbEventStore upgraded = new DuckDbEventStore(new DataSaasProperties(old, null, null, null, null));
        try {
            assertThat(upgraded.spoolWatermark()).isZero();
            assertThat(upgraded.query("SELECT sum(pageviews) FROM sessions", List.of(), (rs, n) -> rs.getLong(1)))
                    .containsExactly(30L);
            assertThat(StoreOracle.sessionsDifferingFromEvents(upgraded)).isEmpty();
        } finally {
            upgraded.close();
        }
    }

    @Test
    void the_watermark_and_the_events_survive_a_reopen() throws SQLException {
        store.appendSpooled(spooled(1, 11));
        store.append(List.of(event(500, EventType.PAGEVIEW))); // a direct write has no spool id
        store.close();
        store = new DuckDbEventStore(new DataSaasProperties(dir, null, null, null, null));
        assertThat(store.spoolWatermark()).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(11);
        assertThat(count("SELECT count(*) FROM events WHERE event_id IS NULL")).isEqualTo(1);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void duckdb_gets_the_machines_processors_and_a_bounded_share_of_its_memory() {
        assertThat(store.query("SELECT current_setting('threads')", List.of(), (rs, n) -> rs.getLong(1)))
                .containsExactly((long) DuckDbEventStore.threads());
        // DuckDB answers in its own units (e.g. "1.0 GiB"); compare bytes through its parser.
        long limitBytes = store
                .query(
                        "SELECT (SELECT CAST(value AS VARCHAR) FROM duckdb_settings() WHERE name = 'memory_limit')",
                        List.of(),
                        (rs, n) -> rs.getString(1))
                .stream()
                .mapToLong(DuckDbEventStoreTest::bytes)
                .findFirst()
                .orElseThrow();
        long expected = DuckDbEventStore.memoryLimitMb() * 1024 * 1024;
        assertThat(limitBytes).isBetween(expected * 9 / 10, expected * 11 / 10);
        assertThat(DuckDbEventStore.memoryLimitMb())
                .isBetween(DuckDbEventStore.MIN_MEMORY_LIMIT_MB, DuckDbEventStore.MAX_MEMORY_LIMIT_MB);
    }

    @Test
    void duckdbs_share_of_memory_and_threads_follow_the_machine_unless_overridden() {
        long gb = 1024L * 1024 * 1024;
        assertThat(DuckDbEventStore.memoryLimitMb(null, 2 * gb)).isEqualTo(512);
        assertThat(DuckDbEventStore.memoryLimitMb("", 64 * gb)).isEqualTo(DuckDbEventStore.MAX_MEMORY_LIMIT_MB);
        assertThat(DuckDbEventStore.memoryLimitMb(null, gb / 2)).isEqualTo(DuckDbEventStore.MIN_MEMORY_LIMIT_MB);
        assertThat(DuckDbEventStore.memoryLimitMb("2GB", 64 * gb)).isEqualTo(2048);
        assertThat(DuckDbEventStore.memoryLimitMb("300", 64 * gb)).isEqualTo(300);
        assertThatThrownBy(() -> DuckDbEventStore.memoryLimitMb("lots", gb))
                .hasMessageContaining("DATASAAS_DUCKDB_MEMORY_LIMIT")
                .hasMessageContaining("2GB");
        assertThat(DuckDbEventStore.threads(null, 2))
                .as("one core left to the request threads")
                .isEqualTo(1);
        assertThat(DuckDbEventStore.threads(null, 1)).isEqualTo(1);
        assertThat(DuckDbEventStore.threads(null, 8)).isEqualTo(7);
        assertThat(DuckDbEventStore.threads("2", 2)).isEqualTo(2);
        assertThat(DuckDbEventStore.threads(" 3 ", 2)).isEqualTo(3);
        assertThatThrownBy(() -> DuckDbEventStore.threads("0", 2)).hasMessageContaining("DATASAAS_DUCKDB_THREADS");
    }

    @Test
    void an_override_reaches_duckdb(@TempDir Path other) throws SQLException {
        System.setProperty(DuckDbEventStore.MEMORY_LIMIT_PROPERTY, "300MB");
        System.setProperty(DuckDbEventStore.THREADS_PROPERTY, "1");
        DuckDbEventStore overridden;
        try {
            overridden = new DuckDbEventStore(new DataSaasProperties(other, null, null, null, null));
        } finally {
            System.clearProperty(DuckDbEventStore.MEMORY_LIMIT_PROPERTY);
            System.clearProperty(DuckDbEventStore.THREADS_PROPERTY);
        }
        try {
            assertThat(overridden.query("SELECT current_setting('threads')", List.of(), (rs, n) -> rs.getLong(1)))
                    .containsExactly(1L);
            long limitBytes = bytes(overridden
                    .query(
                            "SELECT CAST(value AS VARCHAR) FROM duckdb_settings() WHERE name = 'memory_limit'",
                            List.of(),
                            (rs, n) -> rs.getString(1))
                    .get(0));
            assertThat(limitBytes).isBetween(290L * 1024 * 1024, 310L * 1024 * 1024);
        } finally {
            overridden.close();
        }
    }

    private static long bytes(String size) {
        String[] parts = size.trim().split(" ");
        double value = Double.parseDouble(parts[0]);
        long unit = switch (parts[1]) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "KB" -> 1000L;
            case "MB" -> 1000L * 1000;
            case "GB" -> 1000L * 1000 * 1000;
            default -> throw new IllegalArgumentException(size);
        };
        return (long) (value * unit);
    }
}
