package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * ClickHouse migration 2 (the sessions table and its feeding view) is generated from {@link ClickHouseSessions} and
 * {@link SessionAttribute}, and kept as a plain SQL file so it reads like the other migrations and runs as it is (on
 * 18.16 through the store, on 26.x through chDB). This test fails when the file and the code that reads the table
 * disagree; after an intended change, run with {@code -Dgolden.update=true} and read the diff.
 */
class ClickHouseSessionsSchemaTest {
    static final Path FILE = Path.of("src/main/resources/db/clickhouse/V2__sessions.sql");

    @Test
    void the_sessions_migration_is_the_one_the_descriptor_generates() throws IOException {
        String generated = ClickHouseSessions.migration();
        if (Boolean.getBoolean("golden.update")) Files.writeString(FILE, generated, StandardCharsets.UTF_8);
        assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
                .as(FILE + " differs from ClickHouseSessions.migration(); regenerate with -Dgolden.update=true")
                .isEqualTo(generated);
    }

    /** An attribute added later needs a ClickHouse migration of its own that adds its state column. */
    @Test
    void every_session_attribute_has_a_state_column_in_a_migration() throws IOException {
        StringBuilder ddl = new StringBuilder();
        for (var file : ClickHouseEventStore.migrations()) {
            ddl.append(new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        for (SessionAttribute a : SessionAttribute.values()) {
            assertThat(ddl).as(a.column()).contains("    " + a.column() + "_state AggregateFunction(");
        }
    }
}
