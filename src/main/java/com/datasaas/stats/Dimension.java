package com.datasaas.stats;

import com.datasaas.events.SessionAttribute;
import java.util.Arrays;
import java.util.Optional;

/**
 * What results can be grouped and filtered by. A {@link Level#SESSION} dimension belongs to a whole session and is
 * taken from its first pageview (exit page: its last), as Plausible does; it is kept on the {@code sessions} row
 * ({@link SessionAttribute}), so filtering on it keeps or drops entire sessions and a visitor counts once per
 * session, under the session's value. An {@link Level#EVENT} dimension is read from each event.
 */
public enum Dimension {
    REFERRER("referrer", SessionAttribute.REFERRER),
    UTM_SOURCE("utm_source", SessionAttribute.UTM_SOURCE),
    UTM_MEDIUM("utm_medium", SessionAttribute.UTM_MEDIUM),
    UTM_CAMPAIGN("utm_campaign", SessionAttribute.UTM_CAMPAIGN),
    UTM_TERM("utm_term", SessionAttribute.UTM_TERM),
    UTM_CONTENT("utm_content", SessionAttribute.UTM_CONTENT),
    CHANNEL("channel", SessionAttribute.CHANNEL),
    ENTRY_PAGE("entry_page", SessionAttribute.ENTRY_PAGE),
    EXIT_PAGE("exit_page", SessionAttribute.EXIT_PAGE),
    COUNTRY("country", SessionAttribute.COUNTRY),
    REGION("region", SessionAttribute.REGION),
    CITY("city", SessionAttribute.CITY),
    BROWSER("browser", SessionAttribute.BROWSER),
    OS("os", SessionAttribute.OS),
    DEVICE_TYPE("device_type", SessionAttribute.DEVICE_TYPE),
    PATHNAME("pathname", null),
    GOAL_NAME("goal_name", null),
    HOSTNAME("hostname", null),
    LANGUAGE("language", SessionAttribute.LANGUAGE),
    SCREEN_SIZE("screen_size", SessionAttribute.SCREEN_WIDTH);

    public enum Level {
        EVENT,
        SESSION
    }

    /** Screen size classes by CSS width, upper bounds exclusive (Bootstrap's sm/lg/xxl breakpoints). */
    static final int MOBILE_BELOW = 576;

    static final int TABLET_BELOW = 992;
    static final int LAPTOP_BELOW = 1440;

    private final String apiName;
    /** The session row's column for session-level dimensions; null for event-level ones. */
    private final SessionAttribute attribute;

    Dimension(String apiName, SessionAttribute attribute) {
        this.apiName = apiName;
        this.attribute = attribute;
    }

    public String apiName() {
        return apiName;
    }

    public Level level() {
        return attribute == null ? Level.EVENT : Level.SESSION;
    }

    /**
     * The column holding the dimension: on the {@code sessions} row for session-level ones, on the event for the
     * others. Screen sizes are classes of the stored width.
     */
    String column() {
        return attribute != null ? attribute.column() : apiName;
    }

    public static Optional<Dimension> fromApiName(String name) {
        return Arrays.stream(values()).filter(d -> d.apiName.equals(name)).findFirst();
    }
}
