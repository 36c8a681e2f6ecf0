package com.datasaas.events;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.duckdb.DuckDBAppender;

/**
 * The columns of {@code events}, in table order, each with its SQL type and how it is read from an {@link Event}.
 * This one list drives the appender row (the staging table and {@code events} have the same shape), the
 * {@code ALTER TABLE} of a migration that adds a column ({@link #addedIn}), and {@code EventColumnsTest}, which checks
 * the list against the table a migrated store really has. The spool id is not part of {@link Event}; it is appended
 * after the listed columns by {@link #appendRow}.
 *
 * <p>To add an event column: add a constant at the end with the next migration's version, append
 * {@code EventColumn.addedIn(version)} to {@link DuckDbSchema#MIGRATIONS}, and add the field to {@link Event}.
 */
enum EventColumn {
    SITE_ID("site_id", Type.TEXT, Event::siteId, 1),
    TS("ts", Type.TIMESTAMP, Event::timestamp, 1),
    EVENT_TYPE("event_type", Type.TEXT, e -> e.type().wireName(), 1),
    VISITOR_ID("visitor_id", Type.TEXT, Event::visitorId, 1),
    SESSION_ID("session_id", Type.TEXT, Event::sessionId, 1),
    VISITOR_KEY("visitor_key", Type.BIGINT, Event::visitorKey, 1),
    SESSION_KEY("session_key", Type.BIGINT, Event::sessionKey, 1),
    GOAL_NAME("goal_name", Type.TEXT, Event::goalName, 1),
    URL("url", Type.TEXT, Event::url, 1),
    HOSTNAME("hostname", Type.TEXT, Event::hostname, 1),
    PATHNAME("pathname", Type.TEXT, Event::pathname, 1),
    TITLE("title", Type.TEXT, Event::title, 1),
    REFERRER("referrer", Type.TEXT, Event::referrer, 1),
    REFERRER_DOMAIN("referrer_domain", Type.TEXT, Event::referrerDomain, 1),
    REFERRER_SOURCE("referrer_source", Type.TEXT, Event::referrerSource, 1),
    CHANNEL("channel", Type.TEXT, Event::channel, 1),
    UTM_SOURCE("utm_source", Type.TEXT, Event::utmSource, 1),
    UTM_MEDIUM("utm_medium", Type.TEXT, Event::utmMedium, 1),
    UTM_CAMPAIGN("utm_campaign", Type.TEXT, Event::utmCampaign, 1),
    UTM_TERM("utm_term", Type.TEXT, Event::utmTerm, 1),
    UTM_CONTENT("utm_content", Type.TEXT, Event::utmContent, 1),
    CLICK_IDS("click_ids", Type.TEXT, Event::clickIds, 1),
    SCREEN_WIDTH("screen_width", Type.INTEGER, Event::screenWidth, 1),
    LANGUAGE("language", Type.TEXT, Event::language, 1),
    DEVICE_TYPE("device_type", Type.TEXT, Event::deviceType, 1),
    BROWSER("browser", Type.TEXT, Event::browser, 1),
    BROWSER_VERSION("browser_version", Type.TEXT, Event::browserVersion, 1),
    OS("os", Type.TEXT, Event::os, 1),
    OS_VERSION("os_version", Type.TEXT, Event::osVersion, 1),
    COUNTRY("country", Type.TEXT, Event::country, 1),
    REGION("region", Type.TEXT, Event::region, 1),
    CITY("city", Type.TEXT, Event::city, 1),
    LATITUDE("latitude", Type.DOUBLE, Event::latitude, 1),
    LONGITUDE("longitude", Type.DOUBLE, Event::longitude, 1),
    METADATA("metadata", Type.TEXT, Event::metadata, 1),
    DURATION_MS("duration_ms", Type.BIGINT, Event::durationMs, 1),
    SCROLL_DEPTH("scroll_depth", Type.SMALLINT, Event::scrollDepth, 1),
    TARGET_URL("target_url", Type.TEXT, Event::targetUrl, 1);

    /** {@link #values()} once: it copies the array on every call, and rows are appended millions at a time. */
    private static final EventColumn[] ALL = values();

    /** The spool id column (migration 3), last in the table; null for events that did not come through the spool. */
    static final String EVENT_ID = "event_id";

    /** SQL types as DuckDB spells them, with the appender call each needs. */
    enum Type {
        TEXT("VARCHAR"),
        TIMESTAMP("TIMESTAMP WITH TIME ZONE"),
        BIGINT("BIGINT"),
        INTEGER("INTEGER"),
        SMALLINT("SMALLINT"),
        DOUBLE("DOUBLE");

        final String sql;

        Type(String sql) {
            this.sql = sql;
        }
    }

    final String column;
    final Type type;
    private final Function<Event, ?> value;
    /** The schema version whose migration created the column. */
    final int since;

    EventColumn(String column, Type type, Function<Event, ?> value, int since) {
        this.column = column;
        this.type = type;
        this.value = value;
        this.since = since;
    }

    /** The DDL that adds the columns introduced by migration {@code version}, for that migration's text. */
    static String addedIn(int version) {
        StringBuilder out = new StringBuilder();
        for (EventColumn c : values()) {
            if (c.since == version) {
                out.append("ALTER TABLE events ADD COLUMN ")
                        .append(c.column)
                        .append(' ')
                        .append(c.type.sql)
                        .append(";\n");
            }
        }
        return out.toString();
    }

    /** This column's value of {@code e}, as the Java type of {@link #type}. */
    Object value(Event e) {
        return value.apply(e);
    }

    static List<String> names() {
        return Arrays.stream(values()).map(c -> c.column).toList();
    }

    /** One row of {@code events} (or of a table of the same shape), then the spool id. */
    static void appendRow(DuckDBAppender a, Event e, Long eventId) throws SQLException {
        a.beginRow();
        for (EventColumn c : ALL) c.append(a, c.value.apply(e));
        a.append(eventId);
        a.endRow();
    }

    /**
     * One row of {@code events} from walked fields ({@link EventFields}, e.g. a spool record's): texts go to the
     * appender as the UTF-8 bytes they arrive in, numbers unboxed. The same stored values as {@link #appendRow} of the
     * decoded event. The row begins at its first field; {@link #end} checks that every column got one.
     */
    static final class AppenderRow implements EventFields {
        /** The id of a skipped row: spool ids start at 1 and watermarks at 0, so it is below every watermark. */
        static final long SKIPPED_ID = -1;

        private final DuckDBAppender a;
        private int column;

        AppenderRow(DuckDBAppender a) {
            this.a = a;
        }

        private Type next() throws SQLException {
            if (column >= ALL.length) throw new IllegalStateException("more fields than events has columns");
            if (column == 0) a.beginRow();
            return ALL[column++].type;
        }

        private Type next(Type expected) throws SQLException {
            Type t = next();
            if (t != expected) {
                throw new IllegalStateException(
                        "a " + expected + " field for column " + ALL[column - 1].column + " (" + t + ")");
            }
            return t;
        }

        /** The appender's failure, named by the column it was appending (none yet when the row's start failed). */
        private EventStoreException failed(SQLException e) {
            String what = column == 0 ? "a row" : ALL[column - 1].column;
            return new EventStoreException("Appending " + what + " failed: " + e.getMessage(), e);
        }

        /**
         * Ends the row of a record that did not read: its remaining columns null and its id {@link #SKIPPED_ID}, which
         * the batch's skip-stored step deletes with the events already stored. The appender cannot take back part of
         * a row, and checking every record before the walk cost a second walk over each (docs/benchmarks.md,
         * 2026-12-07). Nothing to do when the record failed before its first field.
         */
        void abandon() {
            if (column == 0) return;
            try {
                while (column < ALL.length) {
                    next();
                    a.appendNull();
                }
                a.append(SKIPPED_ID);
                a.endRow();
                column = 0;
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        /** Ends the row with its spool id. */
        void end(long eventId) throws SQLException {
            if (column != ALL.length) {
                throw new IllegalStateException(column + " fields for the " + ALL.length + " columns of events");
            }
            a.append(eventId);
            a.endRow();
            column = 0;
        }

        @Override
        public void text(byte[] bytes, int offset, int length) {
            try {
                next(Type.TEXT);
                // The appender takes a whole array; a copy of the bytes is still far cheaper than a String made
                // from them and encoded to UTF-8 again (what append(String) does).
                a.append(Arrays.copyOfRange(bytes, offset, offset + length));
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public void absent() {
            try {
                next();
                a.appendNull();
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public void timestamp(long epochSecond, int nanos) {
            try {
                next(Type.TIMESTAMP);
                appendTimestamp(a, java.time.Instant.ofEpochSecond(epochSecond, nanos));
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public void int64(long value) {
            try {
                next(Type.BIGINT);
                a.append(value);
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public void int32(int value) {
            try {
                Type t = next();
                if (t == Type.INTEGER) a.append(value);
                else if (t == Type.SMALLINT) a.append((short) value); // as Integer.shortValue() in append
                else throw new IllegalStateException("an integer for column " + ALL[column - 1].column);
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public void float64(double value) {
            try {
                next(Type.DOUBLE);
                a.append(value);
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    private void append(DuckDBAppender a, Object v) throws SQLException {
        switch (type) {
            case TEXT -> a.append((String) v);
            case TIMESTAMP -> appendTimestamp(a, (java.time.Instant) v);
            case BIGINT -> a.append((Long) v);
            case INTEGER -> a.append((Integer) v);
            case SMALLINT -> a.append(v == null ? null : ((Integer) v).shortValue());
            case DOUBLE -> a.append((Double) v);
        }
    }

    // Epoch microseconds rather than an OffsetDateTime per row: the same stored value (DuckDB keeps microseconds),
    // without a zone lookup for every event, which showed up in the bulk load's profile.
    private static void appendTimestamp(DuckDBAppender a, java.time.Instant t) throws SQLException {
        if (t == null) {
            a.appendNull();
        } else {
            a.appendEpochMicros(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
        }
    }
}
