package com.datasaas.stats;

import java.util.Arrays;
import java.util.Optional;

/**
 * What results can be grouped and filtered by. A {@link Level#SESSION} dimension belongs to a whole session and is
 * taken from its first pageview (exit page: its last), so filtering on it keeps or drops entire sessions; an
 * {@link Level#EVENT} dimension is read from each event.
 */
public enum Dimension {
    REFERRER("referrer", Level.SESSION),
    UTM_SOURCE("utm_source", Level.SESSION),
    UTM_MEDIUM("utm_medium", Level.SESSION),
    UTM_CAMPAIGN("utm_campaign", Level.SESSION),
    UTM_TERM("utm_term", Level.SESSION),
    UTM_CONTENT("utm_content", Level.SESSION),
    CHANNEL("channel", Level.SESSION),
    ENTRY_PAGE("entry_page", Level.SESSION),
    EXIT_PAGE("exit_page", Level.SESSION),
    COUNTRY("country", Level.EVENT),
    REGION("region", Level.EVENT),
    CITY("city", Level.EVENT),
    BROWSER("browser", Level.EVENT),
    OS("os", Level.EVENT),
    DEVICE_TYPE("device_type", Level.EVENT),
    PATHNAME("pathname", Level.EVENT),
    GOAL_NAME("goal_name", Level.EVENT),
    HOSTNAME("hostname", Level.EVENT),
    LANGUAGE("language", Level.EVENT),
    SCREEN_SIZE("screen_size", Level.EVENT);

    public enum Level {
        EVENT,
        SESSION
    }

    /** Screen size classes by CSS width, upper bounds exclusive (Bootstrap's sm/lg/xxl breakpoints). */
    static final int MOBILE_BELOW = 576;

    static final int TABLET_BELOW = 992;
    static final int LAPTOP_BELOW = 1440;

    private final String apiName;
    private final Level level;

    Dimension(String apiName, Level level) {
        this.apiName = apiName;
        this.level = level;
    }

    public String apiName() {
        return apiName;
    }

    public Level level() {
        return level;
    }

    /**
     * The column holding the dimension: on the {@code sessions} row for session-level ones, on the event for the
     * others. Screen sizes are classes of the stored width.
     */
    String column() {
        return this == SCREEN_SIZE ? "screen_width" : apiName;
    }

    public static Optional<Dimension> fromApiName(String name) {
        return Arrays.stream(values()).filter(d -> d.apiName.equals(name)).findFirst();
    }
}
