package com.datasaas.cli;

import com.datasaas.accounts.PasswordPolicy;
import com.datasaas.app.ApiException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sets an account's password when its owner cannot log in and the instance has no mail server, under the same
 * password policy as the dashboard, in the metadata store the service uses: the data dir's SQLite file, or in server
 * mode the PostgreSQL database of {@code DATASAAS_DATABASE_URL}. Sessions that logged in with the old password end at their next request: each
 * session remembers which password hash it logged in with, so the running service notices the change.
 */
@Command(
        name = "reset-password",
        mixinStandardHelpOptions = true,
        description = {
            "Set a new password for an account: read from standard input (first line), or generated and printed"
                    + " with --generate or when standard input is empty.",
            "Sessions that logged in with the old password end at their next request."
        })
final class ResetPasswordCommand implements Callable<Integer> {
    private static final int GENERATED_BYTES = 18; // 24 base64 characters

    @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The account's email.")
    String email;

    @Option(names = "--generate", description = "Generate a random password and print it.")
    boolean generate;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The data dir (default: DATASAAS_DATA_DIR, as the service). Not used in server mode"
                    + " (DATASAAS_DATABASE_URL set): the account is changed in that PostgreSQL database.")
    Path dataDir;

    @Spec
    CommandSpec spec;

    /** Test seam: the stores instead of the configuration. */
    Settings.Stores stores;

    @Override
    public Integer call() throws Exception {
        Settings.Stores s = stores != null ? stores : Settings.stores(dataDir);
        var err = spec.commandLine().getErr();
        boolean server = s.database().serverMode();
        Path dir = s.dataDir();
        Path metadata = dir.resolve("datasaas.db");
        if (!server && !Files.isRegularFile(metadata)) {
            err.println("No metadata store at " + metadata.toAbsolutePath()
                    + ": set DATASAAS_DATA_DIR or --data-dir to the folder the service uses (or, in server mode,"
                    + " DATASAAS_DATABASE_URL to its PostgreSQL database).");
            return 1;
        }
        String where = server ? s.database().safeUrl() : dir.toAbsolutePath().toString();
        String password = generate ? null : readPassword();
        boolean generated = password == null || password.isEmpty();
        if (generated) {
            byte[] random = new byte[GENERATED_BYTES];
            new SecureRandom().nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        String normalised = email.strip().toLowerCase(Locale.ROOT);
        int updated;
        try (Connection connection = server
                ? DriverManager.getConnection(
                        s.database().url(), s.database().user(), s.database().password())
                : sqlite(metadata)) {
            String name;
            try (PreparedStatement find = connection.prepareStatement("SELECT name FROM accounts WHERE email = ?")) {
                find.setString(1, normalised);
                try (var rs = find.executeQuery()) {
                    if (!rs.next()) {
                        err.println("No account with the email " + normalised + " in " + where + ".");
                        return 1;
                    }
                    name = rs.getString(1);
                }
            }
            try {
                new PasswordPolicy().check("password", password, normalised, name);
            } catch (ApiException e) {
                err.println(e.getMessage() + " Nothing was changed.");
                return 1;
            }
            try (PreparedStatement st =
                    connection.prepareStatement("UPDATE accounts SET password_hash = ? WHERE email = ?")) {
                st.setString(1, new BCryptPasswordEncoder().encode(password));
                st.setString(2, normalised);
                updated = st.executeUpdate();
            }
        } catch (SQLException e) {
            if (!server) throw e;
            err.println("Cannot reach the PostgreSQL database at " + where + " (" + e.getMessage() + "). Check"
                    + " DATASAAS_DATABASE_URL, DATASAAS_DATABASE_USER and DATASAAS_DATABASE_PASSWORD: they must be"
                    + " the ones the service uses. Nothing was changed.");
            return 1;
        }
        if (updated == 0) {
            err.println("No account with the email " + normalised + " in " + where + ".");
            return 1;
        }
        var out = spec.commandLine().getOut();
        out.println(
                generated
                        ? "New password for " + normalised + ": " + password
                        : "Password changed for " + normalised + ".");
        if (server) {
            out.println("Changed in " + where + ", which every node reads: the new password works now, and sessions"
                    + " that logged in with the old password end at their next request, on every node.");
        } else if (EventStoreLock.heldElsewhere(dir)) {
            out.println("The service is running: the new password works now, the old one no longer does, and sessions"
                    + " that logged in with the old password end at their next request.");
        } else {
            out.println("Sessions of this account that logged in with the old password end at their next request"
                    + " (sessions are kept in the data dir, so they outlive a restart).");
        }
        return 0;
    }

    private static Connection sqlite(Path metadata) throws SQLException {
        Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + metadata.toAbsolutePath());
        try (var pragma = sqlite.createStatement()) {
            pragma.execute("PRAGMA busy_timeout = 5000"); // the running service may be writing
        }
        return sqlite;
    }

    /** The first line of standard input; on a terminal, asked for without echo. */
    private String readPassword() throws java.io.IOException {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("New password for %s (empty to generate one): ", email);
            return typed == null ? null : new String(typed);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        return line == null ? null : line.replace("\r", "");
    }
}
