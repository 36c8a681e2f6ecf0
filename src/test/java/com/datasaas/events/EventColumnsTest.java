package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.StoreOracle;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The descriptors ({@link EventColumn}, {@link SessionAttribute}) against the tables a migrated store really has, and
 * the upgrade of a store written before the session row carried location and device.
 */
class EventColumnsTest {
    @TempDir
    Path dir;

    @Test
    void the_event_columns_are_the_events_table_in_order_then_the_spool_id() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            DuckDbSchema.migrate(c);
            List<String> expected = new ArrayList<>();
            for (EventColumn column : EventColumn.values()) expected.add(column.column + " " + column.type.sql);
            expected.add(EventColumn.EVENT_ID + " BIGINT");
            assertThat(columns(st, "events")).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void every_session_attribute_is_a_column_of_the_sessions_table_and_of_the_oracle() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            DuckDbSchema.migrate(c);
            List<String> table = columns(st, "sessions");
            List<String> oracle = Arrays.stream(StoreOracle.SESSION_COLUMNS.split(","))
                    .map(String::strip)
                    .toList();
            for (SessionAttribute a : SessionAttribute.values()) {
                assertThat(table).contains(a.column() + " " + a.sqlType);
                assertThat(oracle).as("StoreOracle.SESSION_COLUMNS").contains(a.column());
            }
            assertThat(table.stream().map(t -> t.split(" ")[0]).toList()).containsExactlyInAnyOrderElementsOf(oracle);
        }
    }

    /** A data dir of schema 3 (sessions without location or device) upgrades, and migration 4 fills the new columns. */
    @Test
    void a_store_of_schema_3_gets_the_new_session_columns_filled_from_its_events() throws SQLException {
        Path file = dir.resolve("events.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL"
                    + " DEFAULT current_timestamp)");
            for (int v = 1; v <= 3; v++) {
                st.execute(DuckDbSchema.MIGRATIONS.get(v - 1));
                st.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
            }
            assertThat(columns(st, "sessions")).noneMatch(col -> col.startsWith("country "));
        }
        // Events as the previous release wrote them: two sessions, the first one moving from Germany to France, and
        // session rows without the new columns (their numbers left wrong on purpose: the migration derives them).
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
                Statement st = c.createStatement()) {
            st.execute("""
                    INSERT INTO events (site_id, ts, event_type, visitor_id, session_id, visitor_key, session_key,
                        pathname, channel, country, city, device_type, screen_width, language) VALUES
                    ('mrf_old', TIMESTAMPTZ '2026-01-01 10:00:00+00', 'pageview', 'v', 's1', 1, 11, '/', 'Direct',
                        'DE', 'Berlin', 'mobile', 400, 'de'),
                    ('mrf_old', TIMESTAMPTZ '2026-01-01 10:05:00+00', 'pageview', 'v', 's1', 1, 11, '/b', 'Direct',
                        'FR', 'Paris', 'desktop', 1600, 'fr'),
                    ('mrf_old', TIMESTAMPTZ '2026-01-02 10:00:00+00', 'goal', 'w', 's2', 2, 12, '/', 'Direct',
                        'US', NULL, 'desktop', 1280, 'en')
                    """);
            st.execute("DELETE FROM sessions; INSERT INTO sessions (site_id, session_key, visitor_key, started_at,"
                    + " ended_at, pageviews, goals, leave_ms, leave_count, scroll, scroll_count) SELECT site_id,"
                    + " session_key, any_value(visitor_key), min(ts), max(ts), 0, 0, 0, 0, 0, 0 FROM events GROUP BY"
                    + " ALL");
        }
        DuckDbEventStore store = new DuckDbEventStore(new DataSaasProperties(dir, null, null, null, null));
        try {
            assertThat(store.query("SELECT max(version) FROM schema_version", List.of(), (rs, n) -> rs.getInt(1)))
                    .containsExactly(DuckDbSchema.MIGRATIONS.size());
            assertThat(StoreOracle.sessionsDifferingFromEvents(store)).isEmpty();
            assertThat(store.query(
                            "SELECT session_key, country, city, device_type, screen_width, language, entry_page,"
                                    + " exit_page FROM sessions ORDER BY session_key",
                            List.of(),
                            (rs, n) -> rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " "
                                    + rs.getString(4) + " " + rs.getString(5) + " " + rs.getString(6) + " "
                                    + rs.getString(7) + " " + rs.getString(8)))
                    // The first pageview's values; a session with only a goal has none.
                    .containsExactly("11 DE Berlin mobile 400 de / /b", "12 null null null null null null null");
        } finally {
            store.close();
        }
    }

    private static List<String> columns(Statement st, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT column_name, data_type FROM information_schema.columns WHERE"
                + " table_name = '" + table + "' ORDER BY ordinal_position")) {
            while (rs.next()) out.add(rs.getString(1) + " " + rs.getString(2));
        }
        return out;
    }
}
