package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.DuckDbBulkLoad;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.EventStore;
import com.datasaas.support.StoreOracle;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk load gives exactly what the batch path gives: the same sample events loaded both ways leave identical
 * tables (every table of the store, not only {@code events} and {@code sessions}, so derived data a batch keeps and
 * the load forgets shows here) and identical stats answers. Failures and the watermark: {@code DuckDbBulkLoadTest}.
 */
class SampleDataBulkLoadTest {
    private static final String SITE = "mrf_bulkload0001";
    private static final Instant END = Instant.parse("2026-10-10T12:00:00Z");

    @TempDir
    Path batchDir;

    @TempDir
    Path bulkDir;

    DuckDbEventStore batchStore;
    DuckDbEventStore bulkStore;

    @BeforeEach
    void open() throws SQLException {
        batchStore = new DuckDbEventStore(new DataSaasProperties(batchDir, null, null, null, null));
        bulkStore = new DuckDbEventStore(new DataSaasProperties(bulkDir, null, null, null, null));
    }

    @AfterEach
    void close() throws SQLException {
        batchStore.close();
        bulkStore.close();
    }

    @Test
    void the_same_events_loaded_in_bulk_and_through_batches_leave_identical_tables_and_stats() {
        // Both stores already hold the same traffic, so the load also merges into stored sessions: the same seed
        // makes the same session ids again, each with twice its events.
        long before = new SampleData(SITE, 7).write(batchStore, 12_000, 4, END);
        new SampleData(SITE, 7).write(bulkStore, 12_000, 4, END);

        long batched = new SampleData(SITE, 7).write(batchStore, 30_000, 4, END);
        long loaded;
        // Chunks of 7,000: several chunks, the last one partial, two stages taking turns.
        try (DuckDbBulkLoad load = bulkStore.bulkLoad(7_000)) {
            new SampleData(SITE, 7).generate(30_000, 4, END, load::add);
            loaded = load.finish();
        }

        assertThat(loaded).isEqualTo(batched);
        assertThat(count(bulkStore, "events")).isEqualTo(before + batched);
        List<String> tables = tables(batchStore);
        assertThat(tables).contains("events", "sessions", "spool_watermark").isEqualTo(tables(bulkStore));
        for (String table : tables) {
            assertThat(rows(bulkStore, table)).as(table).isEqualTo(rows(batchStore, table));
        }
        assertThat(StoreOracle.sessionsDifferingFromEvents(bulkStore)).isEmpty();
        assertThat(answers(bulkStore)).isEqualTo(answers(batchStore));
    }

    private static List<String> tables(EventStore store) {
        return store.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                        + " AND table_type = 'BASE TABLE' AND table_name <> 'schema_version' ORDER BY 1",
                List.of(),
                (rs, n) -> rs.getString(1));
    }

    private static List<String> rows(EventStore store, String table) {
        return store.query("SELECT * FROM " + table + " ORDER BY ALL", List.of(), (rs, n) -> {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.append(i == 1 ? "" : " | ").append(rs.getString(i));
            }
            return row.toString();
        });
    }

    private static long count(EventStore store, String relation) {
        return store.query("SELECT count(*) FROM " + relation, List.of(), (rs, n) -> rs.getLong(1))
                .get(0);
    }

    /** The dashboard's widgets over the loaded range, in UTC and in New York. */
    private static Map<String, Object> answers(EventStore store) {
        StatsEngine engine = new StatsEngine(store, List.of(new com.datasaas.sql.DuckDbDialect()));
        LocalDate last = LocalDate.parse("2026-10-10");
        LocalDate first = last.minusDays(3);
        Map<String, Object> out = new LinkedHashMap<>();
        for (ZoneId zone : List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"))) {
            out.put("overview " + zone, engine.totals(query(first, last, zone, List.of(), null)));
            out.put("timeseries " + zone, engine.aggregate(query(first, last, zone, List.of(), Interval.DAY)));
            for (Dimension d : List.of(
                    Dimension.PATHNAME,
                    Dimension.ENTRY_PAGE,
                    Dimension.REFERRER,
                    Dimension.CHANNEL,
                    Dimension.COUNTRY,
                    Dimension.DEVICE_TYPE)) {
                out.put(d.apiName() + " " + zone, engine.aggregate(query(first, last, zone, List.of(d), null)));
            }
        }
        return out;
    }

    private static StatsQuery query(
            LocalDate first, LocalDate last, ZoneId zone, List<Dimension> dims, Interval interval) {
        return new StatsQuery(
                SITE,
                first,
                last,
                zone,
                List.of(Metric.values()),
                dims,
                List.of(),
                interval,
                StatsQuery.Order.VISITORS_DESC,
                dims.isEmpty() ? 0 : 1000,
                0,
                List.of());
    }
}
