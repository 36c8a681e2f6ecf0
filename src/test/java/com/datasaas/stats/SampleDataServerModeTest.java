package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.ClickHouseSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** sample-data writes the embedded DuckDB file only: with ClickHouse configured it refuses and says what to do. */
class SampleDataServerModeTest {
    @TempDir
    Path dir;

    @Test
    void sample_data_refuses_when_events_live_in_clickhouse_and_writes_nothing() throws Exception {
        SampleDataCommand command = new SampleDataCommand();
        command.clickHouse = new ClickHouseSettings("http://clickhouse:8123/datasaas", null, null);
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text, true);
        int code = new CommandLine(command)
                .setOut(writer)
                .setErr(writer)
                .execute("--site", "mrf_demo", "--events", "100", "--data-dir", dir.toString());
        assertThat(code).isEqualTo(1);
        assertThat(text.toString()).contains("DATASAAS_CLICKHOUSE_URL").contains("migrate-to-server");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no event store was created").isEmpty();
        }
    }
}
