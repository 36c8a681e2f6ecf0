package com.datasaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DatabaseSettings;
import com.datasaas.events.ClickHouseSettings;
import com.datasaas.migration.MetadataCopy;
import com.datasaas.support.PostgresServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import picocli.CommandLine;

/**
 * The operator commands in server mode: reset-password changes the account in the PostgreSQL database the nodes share
 * (a real PostgreSQL, the shared test instance), backup and restore refuse with what to use instead rather than
 * writing a backup without the server stores.
 */
class ServerModeCommandsTest {
    private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder();

    @TempDir
    Path dir;

    private record Run(int code, String text) {}

    private static Run run(Callable<Integer> command, String... args) {
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text, true);
        int code = new CommandLine(command).setOut(writer).setErr(writer).execute(args);
        writer.flush();
        return new Run(code, text.toString());
    }

    /** A PostgreSQL database with the service's schema and one account whose password is "old password 1234". */
    private static DatabaseSettings databaseWithAccount(String email) throws Exception {
        String url = PostgresServer.shared().newDatabase("reset");
        MetadataCopy.migrateSchema(url, PostgresServer.USER, "");
        try (Connection pg = DriverManager.getConnection(url, PostgresServer.USER, "");
                PreparedStatement insert = pg.prepareStatement(
                        "INSERT INTO accounts (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, email);
            insert.setString(2, "Ada");
            insert.setString(3, BCRYPT.encode("old password 1234"));
            insert.setString(4, "2026-01-01T00:00:00Z");
            insert.executeUpdate();
        }
        return new DatabaseSettings(url, PostgresServer.USER, "");
    }

    private static String storedHash(DatabaseSettings db, String email) throws Exception {
        try (Connection pg = DriverManager.getConnection(db.url(), db.user(), db.password());
                PreparedStatement find = pg.prepareStatement("SELECT password_hash FROM accounts WHERE email = ?")) {
            find.setString(1, email);
            try (ResultSet rs = find.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    @Test
    void reset_password_changes_the_account_in_postgresql_when_the_database_url_is_set() throws Exception {
        DatabaseSettings db = databaseWithAccount("ada@example.com");
        ResetPasswordCommand command = new ResetPasswordCommand();
        // An empty data dir: nothing embedded to find, the account is only in PostgreSQL.
        command.stores = new Settings.Stores(dir, db, new ClickHouseSettings(null, null, null));
        Run r = run(command, "--email", "Ada@Example.com", "--generate");
        assertThat(r.code()).as(r.text()).isZero();
        Matcher printed =
                Pattern.compile("New password for ada@example.com: (\\S+)").matcher(r.text());
        assertThat(printed.find()).as(r.text()).isTrue();
        assertThat(r.text()).contains("every node");
        String hash = storedHash(db, "ada@example.com");
        assertThat(BCRYPT.matches(printed.group(1), hash)).isTrue();
        assertThat(BCRYPT.matches("old password 1234", hash)).isFalse();
        assertThat(Files.exists(dir.resolve("datasaas.db"))).isFalse();

        // An unknown account is named, with the database (without credentials) it was looked for in.
        ResetPasswordCommand unknown = new ResetPasswordCommand();
        unknown.stores = command.stores;
        Run missing = run(unknown, "--email", "nobody@example.com", "--generate");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.text()).contains("No account with the email nobody@example.com in " + db.safeUrl());
    }

    @Test
    void reset_password_says_when_postgresql_cannot_be_reached() {
        ResetPasswordCommand command = new ResetPasswordCommand();
        command.stores = new Settings.Stores(
                dir,
                new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/datasaas", "postgres", ""),
                new ClickHouseSettings(null, null, null));
        Run r = run(command, "--email", "ada@example.com", "--generate");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.text()).contains("Cannot reach the PostgreSQL database").contains("DATASAAS_DATABASE_URL");
    }

    @Test
    void backup_and_restore_refuse_in_server_mode_and_say_what_to_use_instead() throws Exception {
        Path out = dir.resolve("backup.zip");
        for (Settings.Stores stores : List.of(
                new Settings.Stores(
                        dir,
                        new DatabaseSettings("jdbc:postgresql://db:5432/datasaas?password=secret", "u", "p"),
                        new ClickHouseSettings("http://clickhouse:8123/datasaas", null, null)),
                new Settings.Stores(
                        dir,
                        new DatabaseSettings(null, null, null),
                        new ClickHouseSettings("http://clickhouse:8123/datasaas", null, null)),
                new Settings.Stores(
                        dir,
                        new DatabaseSettings("jdbc:postgresql://db:5432/datasaas", "u", "p"),
                        new ClickHouseSettings(null, null, null)))) {
            BackupCommand backup = new BackupCommand();
            backup.stores = stores;
            Run b = run(backup, "--out", out.toString());
            assertThat(b.code()).as(b.text()).isEqualTo(1);
            assertThat(b.text()).contains("nothing was done").contains("docs/server-mode.md");
            assertThat(b.text()).doesNotContain("secret");
            assertThat(Files.exists(out)).isFalse();
            RestoreCommand restore = new RestoreCommand();
            restore.stores = stores;
            Run r = run(restore, "--from", out.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.text()).contains("'restore' works on the embedded stores");
            if (stores.database().serverMode()) assertThat(b.text()).contains("pg_dump");
            if (stores.clickHouse().configured()) assertThat(b.text()).contains("clickhouse-backup");
        }
    }
}
