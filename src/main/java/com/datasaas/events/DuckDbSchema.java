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
    /** Migration 3's rebuild as it was written then (positional, the 24 columns of schema 3); frozen on purpose. */
    private static final String REBUILD_AT_3 = """
            DELETE FROM sessions; INSERT INTO sessions SELECT site_id, session_key, any_value(visitor_key), min(ts), max(ts),
                min(ts) FILTER (WHERE event_type IN ('pageview', 'goal')),
                max(ts) FILTER (WHERE event_type IN ('pageview', 'goal')),
                count(*) FILTER (WHERE event_type = 'pageview'),
                count(*) FILTER (WHERE event_type = 'goal'),
                coalesce(sum(duration_ms) FILTER (WHERE event_type = '_leave'), 0),
                count(duration_ms) FILTER (WHERE event_type = '_leave'),
                coalesce(sum(scroll_depth) FILTER (WHERE event_type = '_leave'), 0),
                count(scroll_depth) FILTER (WHERE event_type = '_leave'),
                min(ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(pathname, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(channel, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(coalesce(referrer_source, referrer_domain), ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_source, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_medium, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_campaign, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_term, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_content, ts) FILTER (WHERE event_type = 'pageview'),
                max(ts) FILTER (WHERE event_type = 'pageview'),
                arg_max_null(pathname, ts) FILTER (WHERE event_type = 'pageview')
            FROM events
            GROUP BY site_id, session_key
            """;

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
            """,
            // 2: one row per session, kept by SessionRollup as batches are appended; filled here from past events.
            // session_batch is a scratch table for each batch's per-session fold before it is merged.
            """
            CREATE TABLE sessions (
                site_id          VARCHAR     NOT NULL,
                session_key      BIGINT      NOT NULL,
                visitor_key      BIGINT      NOT NULL,
                started_at       TIMESTAMPTZ NOT NULL,
                ended_at         TIMESTAMPTZ NOT NULL,
                first_counted_at TIMESTAMPTZ,
                last_counted_at  TIMESTAMPTZ,
                pageviews        BIGINT      NOT NULL,
                goals            BIGINT      NOT NULL,
                leave_ms         BIGINT      NOT NULL,
                leave_count      BIGINT      NOT NULL,
                scroll           BIGINT      NOT NULL,
                scroll_count     BIGINT      NOT NULL,
                entry_at         TIMESTAMPTZ,
                entry_page       VARCHAR,
                channel          VARCHAR,
                referrer         VARCHAR,
                utm_source       VARCHAR,
                utm_medium       VARCHAR,
                utm_campaign     VARCHAR,
                utm_term         VARCHAR,
                utm_content      VARCHAR,
                exit_at          TIMESTAMPTZ,
                exit_page        VARCHAR,
                PRIMARY KEY (site_id, session_key)
            );
            CREATE TABLE session_batch AS SELECT * FROM sessions LIMIT 0;
            INSERT INTO sessions
            SELECT site_id, session_key, any_value(visitor_key), min(ts), max(ts),
                min(ts) FILTER (WHERE event_type IN ('pageview', 'goal')),
                max(ts) FILTER (WHERE event_type IN ('pageview', 'goal')),
                count(*) FILTER (WHERE event_type = 'pageview'),
                count(*) FILTER (WHERE event_type = 'goal'),
                coalesce(sum(duration_ms) FILTER (WHERE event_type = '_leave'), 0),
                count(duration_ms) FILTER (WHERE event_type = '_leave'),
                coalesce(sum(scroll_depth) FILTER (WHERE event_type = '_leave'), 0),
                count(scroll_depth) FILTER (WHERE event_type = '_leave'),
                min(ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(pathname, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(channel, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(coalesce(referrer_source, referrer_domain), ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_source, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_medium, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_campaign, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_term, ts) FILTER (WHERE event_type = 'pageview'),
                arg_min_null(utm_content, ts) FILTER (WHERE event_type = 'pageview'),
                max(ts) FILTER (WHERE event_type = 'pageview'),
                arg_max_null(pathname, ts) FILTER (WHERE event_type = 'pageview')
            FROM events
            GROUP BY site_id, session_key
            """,
            // 3: every event that came through the spool carries its spool id, and the store records the highest id
            // it holds in the same transaction as the rows, so a replay after a crash skips what is already here.
            // Sessions are now merged from a group-by over each batch's staging rows, so session_batch goes.
            """
            ALTER TABLE events ADD COLUMN event_id BIGINT;
            CREATE TABLE spool_watermark (event_id BIGINT NOT NULL);
            INSERT INTO spool_watermark VALUES (0);
            DROP TABLE session_batch;
            """
                    // Sessions of older stores may have missed the batches a crash cut short: derive them again.
                    + REBUILD_AT_3,
            // 4: the session's location, device, browser, OS, screen and language, from its first pageview, so
            // visitors, bounce and duration by those dimensions never read events (SessionAttribute). Derived again
            // from all events, which also fills them for existing data.
            SessionAttribute.addedIn(4) + SessionRollup.rebuild(4),
            // 5: the hourly rollup (HourlyRollup); empty with its watermark at the epoch, so the first roll after the
            // upgrade folds all past events and the stats read raw events until then.
            HourlyRollup.CREATE,
            // 6: the day rollup without the session key (DayRollup); empty, filled by the next roll of each site's
            // days, and the stats read the exact plans until then.
            DayRollup.CREATE,
            // 7: partial days (the closed sessions of a day not closed yet) beside the whole days; none until the next
            // day roll, and the stats read such a day live until then.
            DayRollup.CREATE_PARTIAL,
            // 8 (after 7, the day rollup's): sessions are merged from events behind their own watermark, off the
            // batch's transaction (SessionRollup.MERGE_TAIL); every batch before this version merged its sessions in
            // its own transaction, so the sessions of every stored event are in already.
            SessionRollup.CREATE_WATERMARK);

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
