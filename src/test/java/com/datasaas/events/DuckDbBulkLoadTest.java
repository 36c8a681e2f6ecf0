package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.StoreOracle;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk load stores whole chunks or nothing of a chunk, never moves the spool watermark, and leaves the sessions
 * table equal to a group-by over the events. That it stores the same rows as the batch path:
 * {@code SampleDataBulkLoadTest}.
 */
class DuckDbBulkLoadTest {
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

    private static List<Event> events(int from, int to) {
        List<Event> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(DuckDbEventStoreTest.event(i, i % 5 == 0 ? EventType.GOAL : EventType.PAGEVIEW));
        }
        return out;
    }

    @Test
    void a_chunk_that_fails_leaves_the_chunks_before_it_whole_and_nothing_of_itself() {
        List<Event> events = events(0, 2_000);
        int[] chunks = {0};
        store.onEachStep(step -> {
            if (step.equals("bulk_begin")) chunks[0]++;
            // The third chunk fails after its events went in, while its sessions are merged.
            if (step.equals("bulk_merge_sessions") && chunks[0] == 3) throw new SQLException("injected failure");
        });
        try (DuckDbBulkLoad load = store.bulkLoad(500)) {
            assertThatThrownBy(() -> {
                        for (Event e : events) load.add(e);
                        load.finish();
                    })
                    .isInstanceOf(EventStoreException.class)
                    .hasMessageContaining("injected failure");
        }
        store.onEachStep(step -> {});

        assertThat(count("events")).isEqualTo(1_000);
        assertThat(count("events WHERE ts < TIMESTAMPTZ '2026-11-01 00:16:40+00'"))
                .isEqualTo(1_000);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
        // The store is usable afterwards: the same load again from the failed chunk on completes it.
        try (DuckDbBulkLoad load = store.bulkLoad(500)) {
            for (Event e : events.subList(1_000, 2_000)) load.add(e);
            assertThat(load.finish()).isEqualTo(1_000);
        }
        assertThat(count("events")).isEqualTo(2_000);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void a_load_never_moves_the_spool_watermark_and_a_spool_replay_still_stores_each_event_once() {
        List<Event> spooled = events(0, 3);
        store.appendSpooled(List.of(new SpooledEvent(41, spooled.get(0)), new SpooledEvent(42, spooled.get(1))));

        try (DuckDbBulkLoad load = store.bulkLoad(400)) {
            for (Event e : events(3, 1_003)) load.add(e);
            assertThat(load.finish()).isEqualTo(1_000);
        }

        assertThat(store.spoolWatermark()).isEqualTo(42);
        assertThat(count("events WHERE event_id IS NULL")).isEqualTo(1_000);
        // A replay after a crash: 42 is stored already and skipped, 43 is new.
        store.appendSpooled(List.of(new SpooledEvent(42, spooled.get(1)), new SpooledEvent(43, spooled.get(2))));
        assertThat(count("events")).isEqualTo(1_003);
        assertThat(store.spoolWatermark()).isEqualTo(43);
        // The loaded events merged their sessions in their own chunks; the spooled ones merge behind the watermark.
        assertThat(store.sessionWatermark()).isZero();
        assertThat(store.mergeSessions()).isEqualTo(43);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void a_load_closed_without_finish_stores_only_the_chunks_handed_over() {
        try (DuckDbBulkLoad load = store.bulkLoad(300)) {
            for (Event e : events(0, 700)) load.add(e);
        }
        assertThat(count("events")).isEqualTo(600);
        assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
    }

    @Test
    void a_load_into_hours_already_rolled_up_marks_them_dirty_so_the_planner_reads_them_raw() {
        try (DuckDbBulkLoad load = store.bulkLoad(500)) {
            for (Event e : events(0, 1_000)) load.add(e);
            load.finish();
        }
        store.rollUp(java.time.Instant.parse("2026-11-02T00:00:00Z"), false);
        String site = events(0, 1).get(0).siteId();
        assertThat(store.rollups(site).orElseThrow().dirty()).isEmpty();

        try (DuckDbBulkLoad load = store.bulkLoad(500)) {
            for (Event e : events(1_000, 2_000)) load.add(e);
            load.finish();
        }

        // Without the mark, these closed hours would answer from a rollup that misses the loaded events.
        assertThat(store.rollups(site).orElseThrow().dirty()).isNotEmpty();
        store.rollUp(java.time.Instant.parse("2026-11-02T00:00:00Z"), false);
        assertThat(store.rollups(site).orElseThrow().dirty()).isEmpty();
        assertThat(count("events")).isEqualTo(2_000);
    }

    private long count(String relation) {
        return store.query("SELECT count(*) FROM " + relation, List.of(), (rs, n) -> rs.getLong(1))
                .get(0);
    }
}
