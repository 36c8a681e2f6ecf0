package com.datasaas.migration;

import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventType;
import com.datasaas.events.SpooledEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The embedded store's events in a stable order, for the copy to ClickHouse.
 *
 * <p>The order is DuckDB's {@code rowid}, not the spool's {@code event_id}: events written outside the spool (sample
 * data, server-side goals) have no event_id, while every row has a rowid, and rowids do not change while the command
 * holds the file. {@code rowid + 1} is each event's id for the ClickHouse spool path, so the watermark ClickHouse
 * records for the migration's node is the position a rerun resumes after.
 */
final class EmbeddedEvents {
    private EmbeddedEvents() {}

    /** How many events the embedded store holds at or after {@code afterPosition} (positions start at 1). */
    static long remaining(DuckDbEventStore store, long afterPosition) {
        return store.query(
                        "SELECT count(*) FROM events WHERE rowid >= ?",
                        List.of(afterPosition),
                        (rs, n) -> rs.getLong(1))
                .get(0);
    }

    /** Up to {@code limit} embedded events after {@code afterPosition}, in position order, each with its position. */
    static List<SpooledEvent> page(DuckDbEventStore store, long afterPosition, int limit) {
        return store.query(
                "SELECT rowid + 1 AS position, * FROM events WHERE rowid >= ? ORDER BY rowid LIMIT ?",
                List.of(afterPosition, limit),
                (rs, n) -> new SpooledEvent(rs.getLong("position"), read(rs)));
    }

    private static Event read(ResultSet rs) throws SQLException {
        String type = rs.getString("event_type");
        return new Event(
                rs.getString("site_id"),
                rs.getObject("ts", OffsetDateTime.class).toInstant(),
                EventType.fromStoredName(type)
                        .orElseThrow(() -> new IllegalStateException("Unknown event type in the store: " + type)),
                rs.getString("visitor_id"),
                rs.getString("session_id"),
                rs.getLong("visitor_key"),
                rs.getLong("session_key"),
                rs.getString("goal_name"),
                rs.getString("url"),
                rs.getString("hostname"),
                rs.getString("pathname"),
                rs.getString("title"),
                rs.getString("referrer"),
                rs.getString("referrer_domain"),
                rs.getString("referrer_source"),
                rs.getString("channel"),
                rs.getString("utm_source"),
                rs.getString("utm_medium"),
                rs.getString("utm_campaign"),
                rs.getString("utm_term"),
                rs.getString("utm_content"),
                rs.getString("click_ids"),
                nullableInt(rs, "screen_width"),
                rs.getString("language"),
                rs.getString("device_type"),
                rs.getString("browser"),
                rs.getString("browser_version"),
                rs.getString("os"),
                rs.getString("os_version"),
                rs.getString("country"),
                rs.getString("region"),
                rs.getString("city"),
                nullableDouble(rs, "latitude"),
                nullableDouble(rs, "longitude"),
                rs.getString("metadata"),
                nullableLong(rs, "duration_ms"),
                nullableInt(rs, "scroll_depth"),
                rs.getString("target_url"));
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }
}
