package com.datasaas.events;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.sites.WebsiteDeleted;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Events in a DuckDB file under the data dir. DuckDB allows one writing process, so this class owns the only
 * connection; the single writer thread appends through it, and each query runs on a cheap duplicate of it.
 */
@Component
@DependsOn("dataDirectory") // the data dir gets its owner-only permissions before the file opens
public class DuckDbEventStore implements EventStore {
    private static final Logger log = LoggerFactory.getLogger(DuckDbEventStore.class);

    /**
     * DuckDB defaults to 80% of the machine's memory for its buffers; on a small shared server that crowds out
     * everything else. Queries that need more spill to disk rather than fail.
     */
    static final String MEMORY_LIMIT = "1GB";

    private final DuckDBConnection connection;
    private final Object writeLock = new Object();

    public DuckDbEventStore(DataSaasProperties properties) throws SQLException {
        Path dir = properties.dataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dir, e);
        }
        Path file = dir.resolve("events.duckdb").toAbsolutePath();
        java.util.Properties config = new java.util.Properties();
        config.setProperty("memory_limit", MEMORY_LIMIT);
        this.connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, config);
        int version = DuckDbSchema.migrate(connection);
        log.info("Event store ready: {} (schema version {})", file, version);
    }

    @Override
    public String dialect() {
        return "duckdb";
    }

    @Override
    public void append(List<Event> batch) {
        if (batch.isEmpty()) return;
        synchronized (writeLock) {
            try {
                connection.setAutoCommit(false);
                try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "events")) {
                    for (Event e : batch) {
                        appendRow(appender, e);
                    }
                    appender.flush();
                }
                SessionRollup.merge(connection, batch);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw new EventStoreException("Writing " + batch.size() + " events failed", e);
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the next append sets it again
                }
            }
        }
    }

    private static void appendRow(DuckDBAppender a, Event e) throws SQLException {
        a.beginRow();
        a.append(e.siteId());
        a.append(OffsetDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC));
        a.append(e.type().wireName());
        a.append(e.visitorId());
        a.append(e.sessionId());
        a.append(e.visitorKey());
        a.append(e.sessionKey());
        a.append(e.goalName());
        a.append(e.url());
        a.append(e.hostname());
        a.append(e.pathname());
        a.append(e.title());
        a.append(e.referrer());
        a.append(e.referrerDomain());
        a.append(e.referrerSource());
        a.append(e.channel());
        a.append(e.utmSource());
        a.append(e.utmMedium());
        a.append(e.utmCampaign());
        a.append(e.utmTerm());
        a.append(e.utmContent());
        a.append(e.clickIds());
        a.append(e.screenWidth());
        a.append(e.language());
        a.append(e.deviceType());
        a.append(e.browser());
        a.append(e.browserVersion());
        a.append(e.os());
        a.append(e.osVersion());
        a.append(e.country());
        a.append(e.region());
        a.append(e.city());
        a.append(e.latitude());
        a.append(e.longitude());
        a.append(e.metadata());
        a.append(e.durationMs());
        a.append(e.scrollDepth() == null ? null : e.scrollDepth().shortValue());
        a.append(e.targetUrl());
        a.endRow();
    }

    @Override
    public List<ActiveVisitor> activeSince(Instant since) {
        return query(
                "SELECT site_id, visitor_key, max(ts) AS last_seen FROM events WHERE ts >= ? GROUP BY site_id,"
                        + " visitor_key",
                List.of(OffsetDateTime.ofInstant(since, ZoneOffset.UTC)),
                (rs, row) -> new ActiveVisitor(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
    }

    @Override
    public void deleteSite(String siteId) {
        synchronized (writeLock) {
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM events WHERE site_id = ?")) {
                st.setString(1, siteId);
                st.executeUpdate();
                SessionRollup.deleteSite(connection, siteId);
            } catch (SQLException e) {
                throw new EventStoreException("Deleting the events of " + siteId + " failed", e);
            }
        }
    }

    @EventListener
    void onWebsiteDeleted(WebsiteDeleted deleted) {
        deleteSite(deleted.websiteId());
    }

    @Override
    public <T> List<T> query(String sql, List<?> parameters, RowMapper<T> rows) {
        try (Connection reader = connection.duplicate();
                PreparedStatement st = reader.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                st.setObject(i + 1, parameters.get(i));
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                int row = 0;
                while (rs.next()) {
                    out.add(rows.mapRow(rs, row++));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new EventStoreException("Query failed: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    public void close() throws SQLException {
        synchronized (writeLock) {
            try (var st = connection.createStatement()) {
                st.execute("CHECKPOINT");
            } catch (SQLException e) {
                log.warn("Checkpoint on shutdown failed: {}", e.getMessage());
            }
            connection.close();
        }
    }
}
