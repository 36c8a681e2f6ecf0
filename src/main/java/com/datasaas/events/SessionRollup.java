package com.datasaas.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Keeps the {@code sessions} table in step with {@code events}, inside the same transaction as each appended batch.
 * The batch is first folded per session in memory, then merged into existing rows: earliest/latest times, summed
 * counts, and the entry (exit) values of whichever first (last) pageview is older (newer). Merging is order-free,
 * so late or out-of-order batches give the same rows as one big batch, which is also how a ClickHouse sessions table
 * would be kept. The table spares the stats queries a group-by over every event of every session.
 */
final class SessionRollup {
    private static final String PAGEVIEW = "pageview";
    private static final String GOAL = "goal";
    private static final String LEAVE = "_leave";

    private static final class Session {
        String siteId;
        long sessionKey;
        long visitorKey;
        Instant startedAt;
        Instant endedAt;
        Instant firstCountedAt;
        Instant lastCountedAt;
        long pageviews;
        long goals;
        long leaveMs;
        long leaveCount;
        long scroll;
        long scrollCount;
        Instant entryAt;
        Event entry;
        Instant exitAt;
        String exitPage;
    }

    /** Columns of {@code sessions} and {@code session_batch}, in order. */
    static final String COLUMNS = "site_id, session_key, visitor_key, started_at, ended_at, first_counted_at,"
            + " last_counted_at, pageviews, goals, leave_ms, leave_count, scroll, scroll_count, entry_at, entry_page,"
            + " channel, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, exit_at, exit_page";

    private static final String MERGE = "INSERT INTO sessions SELECT " + COLUMNS + " FROM session_batch"
            + " ON CONFLICT (site_id, session_key) DO UPDATE SET"
            + " started_at = least(sessions.started_at, excluded.started_at),"
            + " ended_at = greatest(sessions.ended_at, excluded.ended_at),"
            + " first_counted_at = least(coalesce(sessions.first_counted_at, excluded.first_counted_at),"
            + " coalesce(excluded.first_counted_at, sessions.first_counted_at)),"
            + " last_counted_at = greatest(coalesce(sessions.last_counted_at, excluded.last_counted_at),"
            + " coalesce(excluded.last_counted_at, sessions.last_counted_at)),"
            + " pageviews = sessions.pageviews + excluded.pageviews,"
            + " goals = sessions.goals + excluded.goals,"
            + " leave_ms = sessions.leave_ms + excluded.leave_ms,"
            + " leave_count = sessions.leave_count + excluded.leave_count,"
            + " scroll = sessions.scroll + excluded.scroll,"
            + " scroll_count = sessions.scroll_count + excluded.scroll_count,"
            + entry("entry_at") + "," + entry("entry_page") + "," + entry("channel") + "," + entry("referrer") + ","
            + entry("utm_source") + "," + entry("utm_medium") + "," + entry("utm_campaign") + "," + entry("utm_term")
            + "," + entry("utm_content") + "," + exit("exit_page") + "," + exit("exit_at");

    private SessionRollup() {}

    // The batch's first pageview wins when it is older than the stored one; SET reads the row as it was.
    private static String entry(String column) {
        return " " + column + " = CASE WHEN excluded.entry_at IS NOT NULL AND (sessions.entry_at IS NULL OR"
                + " excluded.entry_at < sessions.entry_at) THEN excluded." + column + " ELSE sessions." + column
                + " END";
    }

    private static String exit(String column) {
        return " " + column + " = CASE WHEN excluded.exit_at IS NOT NULL AND (sessions.exit_at IS NULL OR"
                + " excluded.exit_at > sessions.exit_at) THEN excluded." + column + " ELSE sessions." + column
                + " END";
    }

    static void merge(DuckDBConnection connection, List<Event> batch) throws SQLException {
        Map<String, Session> sessions = new LinkedHashMap<>();
        for (Event e : batch) {
            Session s = sessions.computeIfAbsent(e.siteId() + '\u0000' + e.sessionKey(), k -> new Session());
            Instant ts = e.timestamp();
            String type = e.type().wireName();
            if (s.siteId == null) {
                s.siteId = e.siteId();
                s.sessionKey = e.sessionKey();
                s.visitorKey = e.visitorKey();
                s.startedAt = ts;
                s.endedAt = ts;
            }
            if (ts.isBefore(s.startedAt)) s.startedAt = ts;
            if (ts.isAfter(s.endedAt)) s.endedAt = ts;
            if (type.equals(PAGEVIEW) || type.equals(GOAL)) {
                if (s.firstCountedAt == null || ts.isBefore(s.firstCountedAt)) s.firstCountedAt = ts;
                if (s.lastCountedAt == null || ts.isAfter(s.lastCountedAt)) s.lastCountedAt = ts;
            }
            if (type.equals(PAGEVIEW)) {
                s.pageviews++;
                if (s.entryAt == null || ts.isBefore(s.entryAt)) {
                    s.entryAt = ts;
                    s.entry = e;
                }
                if (s.exitAt == null || ts.isAfter(s.exitAt)) {
                    s.exitAt = ts;
                    s.exitPage = e.pathname();
                }
            } else if (type.equals(GOAL)) {
                s.goals++;
            } else if (type.equals(LEAVE)) {
                if (e.durationMs() != null) {
                    s.leaveMs += e.durationMs();
                    s.leaveCount++;
                }
                if (e.scrollDepth() != null) {
                    s.scroll += e.scrollDepth();
                    s.scrollCount++;
                }
            }
        }
        try (DuckDBAppender a = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "session_batch")) {
            for (Session s : sessions.values()) {
                Event entry = s.entry;
                a.beginRow();
                a.append(s.siteId);
                a.append(s.sessionKey);
                a.append(s.visitorKey);
                a.append(time(s.startedAt));
                a.append(time(s.endedAt));
                a.append(time(s.firstCountedAt));
                a.append(time(s.lastCountedAt));
                a.append(s.pageviews);
                a.append(s.goals);
                a.append(s.leaveMs);
                a.append(s.leaveCount);
                a.append(s.scroll);
                a.append(s.scrollCount);
                a.append(time(s.entryAt));
                a.append(entry == null ? null : entry.pathname());
                a.append(entry == null ? null : entry.channel());
                a.append(
                        entry == null
                                ? null
                                : entry.referrerSource() != null ? entry.referrerSource() : entry.referrerDomain());
                a.append(entry == null ? null : entry.utmSource());
                a.append(entry == null ? null : entry.utmMedium());
                a.append(entry == null ? null : entry.utmCampaign());
                a.append(entry == null ? null : entry.utmTerm());
                a.append(entry == null ? null : entry.utmContent());
                a.append(time(s.exitAt));
                a.append(s.exitPage);
                a.endRow();
            }
            a.flush();
        }
        try (Statement st = connection.createStatement()) {
            st.execute(MERGE);
            st.execute("DELETE FROM session_batch");
        }
    }

    private static OffsetDateTime time(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static void deleteSite(Connection connection, String siteId) throws SQLException {
        try (var st = connection.prepareStatement("DELETE FROM sessions WHERE site_id = ?")) {
            st.setString(1, siteId);
            st.executeUpdate();
        }
    }
}
