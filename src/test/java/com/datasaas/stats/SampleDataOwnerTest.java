package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.sqlite.SQLiteDataSource;
import picocli.CommandLine;

/**
 * {@code sample-data --owner-email} gives the sample site to an existing account in a real, migrated SQLite metadata
 * store (how benchmarks open the dashboard of {@code mrf_benchmark}): added once, kept on a second run, refused for a
 * missing account or another account's website, with nothing changed.
 */
class SampleDataOwnerTest {
    @TempDir
    Path dir;

    JdbcClient jdbc;

    @BeforeEach
    void metadata() throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + Files.createDirectories(dir).resolve("datasaas.db"));
        Flyway.configure()
                .dataSource(source)
                .locations("classpath:db/migration/sqlite")
                .load()
                .migrate();
        jdbc = JdbcClient.create(source);
        for (String email : new String[] {"owner@example.com", "other@example.com"}) {
            jdbc.sql("INSERT INTO accounts (email, name, password_hash, created_at) VALUES (?, 'x', 'x', '2026-11-30')")
                    .param(email)
                    .update();
        }
    }

    @Test
    void the_site_is_added_to_the_account_once_without_writing_events() {
        Result first = run("--site", "mrf_benchmark", "--events", "0", "--owner-email", "Owner@Example.com");
        assertThat(first.code).as(first.text).isZero();
        assertThat(first.text).contains("Added the website mrf_benchmark");
        assertThat(owner("mrf_benchmark")).isEqualTo("owner@example.com");
        assertThat(dir.resolve("events.duckdb")).as("no events written").doesNotExist();

        Result again = run("--site", "mrf_benchmark", "--events", "0", "--owner-email", "owner@example.com");
        assertThat(again.code).as(again.text).isZero();
        assertThat(again.text).contains("already belongs to owner@example.com");
        assertThat(jdbc.sql("SELECT count(*) FROM websites").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void another_accounts_site_or_a_missing_account_is_refused_and_nothing_changes() {
        assertThat(run("--site", "mrf_benchmark", "--events", "0", "--owner-email", "owner@example.com").code)
                .isZero();

        Result taken = run("--site", "mrf_benchmark", "--events", "0", "--owner-email", "other@example.com");
        assertThat(taken.code).isNotZero();
        assertThat(taken.text).contains("belongs to another account");
        assertThat(owner("mrf_benchmark")).isEqualTo("owner@example.com");

        Result missing = run("--site", "mrf_other", "--events", "0", "--owner-email", "nobody@example.com");
        assertThat(missing.code).isNotZero();
        assertThat(missing.text)
                .contains("No account with the email nobody@example.com")
                .contains("sign up");
        assertThat(jdbc.sql("SELECT count(*) FROM websites").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void zero_events_without_an_owner_is_refused() {
        Result nothing = run("--site", "mrf_benchmark", "--events", "0");
        assertThat(nothing.code).isNotZero();
        assertThat(nothing.text).contains("--events 0 writes nothing");
    }

    private String owner(String site) {
        return jdbc.sql("SELECT a.email FROM websites w JOIN accounts a ON a.id = w.account_id WHERE w.id = ?")
                .param(site)
                .query(String.class)
                .single();
    }

    private record Result(int code, String text) {}

    private Result run(String... args) {
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text, true);
        String[] all = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args), java.util.stream.Stream.of("--data-dir", dir.toString()))
                .toArray(String[]::new);
        CommandLine cli = new CommandLine(new SampleDataCommand())
                .setOut(writer)
                .setErr(writer)
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    command.getErr().println("datasaas: " + e.getMessage());
                    return 1;
                });
        int code = cli.execute(all);
        return new Result(code, text.toString());
    }
}
