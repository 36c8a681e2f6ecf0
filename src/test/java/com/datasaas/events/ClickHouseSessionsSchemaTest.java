package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ClickHouse migrations 2 (the sessions table and its feeding view) and 6 (the table rebuilt with the entry attributes
 * in one state) are generated from {@link ClickHouseSessions} and {@link SessionAttribute}, and kept as plain SQL files so it reads like the other migrations and runs as it is (on
 * 18.16 through the store, on 26.x through chDB). This test fails when the file and the code that reads the table
 * disagree; after an intended change, run with {@code -Dgolden.update=true} and read the diff.
 */
class ClickHouseSessionsSchemaTest {
    static final Path FILE = Path.of("src/main/resources/db/clickhouse/V2__sessions.sql");
    static final Path FILE_6 = Path.of("src/main/resources/db/clickhouse/V6__sessions_entry_state.sql");

    @Test
    void the_sessions_migration_is_the_one_the_descriptor_generates() throws IOException {
        check(FILE, ClickHouseSessions.migration2());
    }

    @Test
    void the_entry_state_migration_is_the_one_the_descriptor_generates() throws IOException {
        check(FILE_6, ClickHouseSessions.migration6());
    }

    private static void check(Path file, String generated) throws IOException {
        if (Boolean.getBoolean("golden.update")) Files.writeString(file, generated, StandardCharsets.UTF_8);
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as(file + " differs from ClickHouseSessions; regenerate with -Dgolden.update=true")
                .isEqualTo(generated);
    }

    /**
     * An attribute added later widens a state (or adds one), which needs a ClickHouse migration of its own that makes
     * the table with it: every state the reads merge is a column, with that type, of the last migration's table.
     */
    @Test
    void every_state_the_reads_merge_is_a_column_of_the_last_sessions_table() throws IOException {
        var migrations = ClickHouseEventStore.migrations();
        String last = "";
        for (var file : migrations) {
            String text = new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int at = text.lastIndexOf("CREATE TABLE IF NOT EXISTS sessions (");
            if (at >= 0) last = text.substring(at, text.indexOf(") ENGINE", at));
        }
        List<String> columns =
                last.lines().skip(1).map(l -> l.strip().replaceAll(",$", "")).toList();
        List<String> expected = new ArrayList<>(List.of("site_id String", "day Date", "session_key Int64"));
        for (ClickHouseSessions.State s : ClickHouseSessions.states()) expected.add(s.column() + " " + s.type());
        assertThat(columns).isEqualTo(expected);
        for (SessionAttribute a : SessionAttribute.values()) {
            assertThat(ClickHouseSessions.fields())
                    .as(a.column())
                    .anyMatch(f -> f.name().equals(a.column()));
        }
    }
}
