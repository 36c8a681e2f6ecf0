package com.datasaas.events;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema of the DuckDB event store. Migrations only ever get appended; each runs once, in order, in its
 * own transaction, and the version is recorded in {@code schema_version}.
 */
final class DuckDbSchema {
    static final List<String> MIGRATIONS = List.of(
            // 1: one wide table of events, appended in time order so DuckDB's zone maps prune by ts.
            """
            CREATE TABLE events (
                site_id         VARCHAR     NOT NULL,
                ts              TIMESTAMPTZ NOT NULL,
                event_type      VARCHAR     NOT NULL,
                visitor_id      VARCHAR     NOT NULL,
                session_id      VARCHAR     NOT NULL,
                visitor_key     BIGINT      NOT NULL,
                session_key     BIGINT      NOT NULL,
                goal_name       VARCHAR,
                url             VARCHAR,
                hostname        VARCHAR,
                pathname        VARCHAR,
                title           VARCHAR,
                referrer        VARCHAR,
                referrer_domain VARCHAR,
                referrer_source VARCHAR,
                channel         VARCHAR,
                utm_source      VARCHAR,
                utm_medium      VARCHAR,
                utm_campaign    VARCHAR,
                utm_term        VARCHAR,
                utm_content     VARCHAR,
                click_ids       VARCHAR,
                screen_width    INTEGER,
                language        VARCHAR,
                device_type     VARCHAR,
                browser         VARCHAR,
                browser_version VARCHAR,
                os              VARCHAR,
                os_version      VARCHAR,
                country         VARCHAR,
                region          VARCHAR,
                city            VARCHAR,
                latitude        DOUBLE,
                longitude       DOUBLE,
                metadata        VARCHAR,
                duration_ms     BIGINT,
                scroll_depth    SMALLINT,
                target_url      VARCHAR
            )
            """);

    private DuckDbSchema() {}

    static int migrate(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ"
                    + " NOT NULL DEFAULT current_timestamp)");
            int current;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > MIGRATIONS.size()) {
                throw new IllegalStateException("The event store has schema version " + current
                        + ", newer than this DataSaaS build knows (" + MIGRATIONS.size()
                        + "). Run a newer release.");
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                for (int version = current + 1; version <= MIGRATIONS.size(); version++) {
                    st.execute(MIGRATIONS.get(version - 1));
                    st.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
                    connection.commit();
                }
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            return MIGRATIONS.size();
        }
    }
}
