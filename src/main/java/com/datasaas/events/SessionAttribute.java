package com.datasaas.events;

/**
 * The session-level dimensions kept on each {@code sessions} row: one place that says which value of the session's
 * events a session carries. {@link SessionRollup} folds and merges them, {@link DuckDbSchema} adds their columns, and
 * the stats planner reads them instead of the session's events.
 *
 * <p>Every attribute is the value on the session's first pageview (exit page: its last), as Plausible does: a visit
 * that starts in Germany and ends in France counts for Germany, on every widget and filter. A session without any
 * pageview (a goal recorded from a server, say) has no entry values and shows under "Unknown". The earliest pageview
 * wins whichever batch brings it, so late or out-of-order events end in the same row.
 *
 * <p>Adding a session-level dimension: add a constant here with the next migration's version, append
 * {@code SessionAttribute.addedIn(version) + SessionRollup.rebuild()} to {@link DuckDbSchema#MIGRATIONS}, add the
 * column to the oracle in the test support ({@code StoreOracle}), and point a {@code Dimension} at it. On ClickHouse the
 * sessions table holds the attributes of the same pageview in one aggregate state over a tuple ({@link
 * ClickHouseSessions}): add a ClickHouse migration that rebuilds the table with the wider state and the view over it,
 * as migration 6 does (see {@code ClickHouseSessions#MIGRATION_6_ATTRIBUTES} and docs/server-mode.md). See docs/architecture.md.
 */
public enum SessionAttribute {
    ENTRY_PAGE("entry_page", "VARCHAR", "pathname", Pick.FIRST_PAGEVIEW, 2),
    CHANNEL("channel", "VARCHAR", "channel", Pick.FIRST_PAGEVIEW, 2),
    REFERRER("referrer", "VARCHAR", "coalesce(referrer_source, referrer_domain)", Pick.FIRST_PAGEVIEW, 2),
    UTM_SOURCE("utm_source", "VARCHAR", "utm_source", Pick.FIRST_PAGEVIEW, 2),
    UTM_MEDIUM("utm_medium", "VARCHAR", "utm_medium", Pick.FIRST_PAGEVIEW, 2),
    UTM_CAMPAIGN("utm_campaign", "VARCHAR", "utm_campaign", Pick.FIRST_PAGEVIEW, 2),
    UTM_TERM("utm_term", "VARCHAR", "utm_term", Pick.FIRST_PAGEVIEW, 2),
    UTM_CONTENT("utm_content", "VARCHAR", "utm_content", Pick.FIRST_PAGEVIEW, 2),
    EXIT_PAGE("exit_page", "VARCHAR", "pathname", Pick.LAST_PAGEVIEW, 2),
    COUNTRY("country", "VARCHAR", "country", Pick.FIRST_PAGEVIEW, 4),
    REGION("region", "VARCHAR", "region", Pick.FIRST_PAGEVIEW, 4),
    CITY("city", "VARCHAR", "city", Pick.FIRST_PAGEVIEW, 4),
    DEVICE_TYPE("device_type", "VARCHAR", "device_type", Pick.FIRST_PAGEVIEW, 4),
    BROWSER("browser", "VARCHAR", "browser", Pick.FIRST_PAGEVIEW, 4),
    OS("os", "VARCHAR", "os", Pick.FIRST_PAGEVIEW, 4),
    SCREEN_WIDTH("screen_width", "INTEGER", "screen_width", Pick.FIRST_PAGEVIEW, 4),
    LANGUAGE("language", "VARCHAR", "language", Pick.FIRST_PAGEVIEW, 4);

    /** Which pageview of the session gives the value; the merge compares that pageview's time. */
    enum Pick {
        FIRST_PAGEVIEW("arg_min_null", "entry_at", "entry_attributes"),
        LAST_PAGEVIEW("arg_max_null", "exit_at", "exit_attributes");

        final String aggregate;
        final String timeColumn;
        /** On ClickHouse, the name of the state that holds this pick's attributes together (two or more of them). */
        final String stateName;

        Pick(String aggregate, String timeColumn, String stateName) {
            this.aggregate = aggregate;
            this.timeColumn = timeColumn;
            this.stateName = stateName;
        }
    }

    private final String column;
    final String sqlType;
    /** SQL over an {@code events} row giving the value. */
    final String source;

    final Pick pick;
    /** The schema version whose migration added the column to {@code sessions}. */
    final int since;

    SessionAttribute(String column, String sqlType, String source, Pick pick, int since) {
        this.column = column;
        this.sqlType = sqlType;
        this.source = source;
        this.pick = pick;
        this.since = since;
    }

    /** The column of {@code sessions} holding the value. */
    public String column() {
        return column;
    }

    /** The DDL adding the columns introduced by migration {@code version}. */
    static String addedIn(int version) {
        StringBuilder out = new StringBuilder();
        for (SessionAttribute a : values()) {
            if (a.since == version) {
                out.append("ALTER TABLE sessions ADD COLUMN ")
                        .append(a.column)
                        .append(' ')
                        .append(a.sqlType)
                        .append(";\n");
            }
        }
        return out.toString();
    }
}
