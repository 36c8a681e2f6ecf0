package com.datasaas.stats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/**
 * Gives a sample-data site to an account ({@code sample-data --owner-email}), so its dashboard can be opened: adds the
 * website with the sample data's id to the data dir's metadata (SQLite) when it is not there yet. Benchmarks load a
 * fixed id (StatsBenchmark's {@code mrf_benchmark}) that the dashboard cannot create, since it draws ids at random.
 * Plain JDBC like {@code reset-password}: the command runs without the service's Spring context, and the service may
 * be running (SQLite takes the second writer; the busy timeout waits for the service's writes).
 */
final class SampleWebsite {
    private SampleWebsite() {}

    /** What happened, for the command's output; an {@link IllegalArgumentException} says what to do instead. */
    static String giveTo(Path dataDir, String site, String email) throws SQLException {
        Path metadata = dataDir.resolve("datasaas.db");
        String normalised = email.strip().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(metadata)) {
            throw new IllegalArgumentException("No metadata store at " + metadata.toAbsolutePath() + ": start the"
                    + " service once on this data dir and sign up as " + normalised + " first (--owner-email gives"
                    + " the site to an existing account).");
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + metadata.toAbsolutePath())) {
            try (var pragma = db.createStatement()) {
                pragma.execute("PRAGMA busy_timeout = 5000");
            }
            Long account = null;
            try (PreparedStatement find = db.prepareStatement("SELECT id FROM accounts WHERE email = ?")) {
                find.setString(1, normalised);
                try (var rs = find.executeQuery()) {
                    if (rs.next()) account = rs.getLong(1);
                }
            }
            if (account == null) {
                throw new IllegalArgumentException("No account with the email " + normalised + " in "
                        + dataDir.toAbsolutePath() + ": sign up in the dashboard (or POST /api/auth/signup) first.");
            }
            try (PreparedStatement owner = db.prepareStatement("SELECT account_id FROM websites WHERE id = ?")) {
                owner.setString(1, site);
                try (var rs = owner.executeQuery()) {
                    if (rs.next()) {
                        if (rs.getLong(1) == account)
                            return "The website " + site + " already belongs to " + normalised;
                        throw new IllegalArgumentException("The website " + site + " belongs to another account:"
                                + " nothing was changed. Load the sample data into a website of " + normalised
                                + " (its id is on the website's settings page) or use another --site.");
                    }
                }
            }
            try (PreparedStatement add = db.prepareStatement("INSERT INTO websites (id, account_id, domain, name,"
                    + " timezone, currency, created_at) VALUES (?, ?, ?, ?, 'UTC', 'USD', ?)")) {
                add.setString(1, site);
                add.setLong(2, account);
                add.setString(3, "sample.example");
                add.setString(4, "Sample data (" + site + ")");
                add.setString(5, Instant.now().toString());
                add.executeUpdate();
            }
            return "Added the website " + site + " (sample.example, UTC, USD) to " + normalised;
        }
    }
}
