package com.datasaas.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Opens the event store the way the service does. DuckDB lets one process open the file for writing, so holding this
 * connection both proves the service is stopped and keeps it from starting while a command works on the data dir.
 */
final class EventStoreLock implements AutoCloseable {
    private final Connection connection;

    private EventStoreLock(Connection connection) {
        this.connection = connection;
    }

    /** Thrown when another process (the running service) holds the event store. */
    static final class Held extends Exception {
        Held(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The lock, or {@code null} when the data dir has no event store yet. */
    static EventStoreLock open(Path dataDir) throws Held, SQLException {
        Path file = dataDir.resolve("events.duckdb").toAbsolutePath();
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return new EventStoreLock(DriverManager.getConnection("jdbc:duckdb:" + file));
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("lock")) {
                throw new Held(
                        "The service is running on " + dataDir.toAbsolutePath() + " (it holds " + file + ").", e);
            }
            throw e;
        }
    }

    /** Whether a process other than this one has the event store open (the service is running). */
    static boolean heldElsewhere(Path dataDir) {
        try (EventStoreLock lock = open(dataDir)) {
            return false;
        } catch (Held e) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    Connection connection() {
        return connection;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
