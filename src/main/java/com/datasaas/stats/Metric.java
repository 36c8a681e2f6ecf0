package com.datasaas.stats;

import java.util.Arrays;
import java.util.Optional;

/** The metrics of design section 5, by their API names. */
public enum Metric {
    VISITORS("visitors"),
    SESSIONS("sessions"),
    PAGEVIEWS("pageviews"),
    BOUNCE_RATE("bounce_rate"),
    AVG_SESSION_DURATION("avg_session_duration"),
    VIEWS_PER_SESSION("views_per_session"),
    SCROLL_DEPTH("scroll_depth"),
    TIME_ON_PAGE("time_on_page"),
    CONVERSIONS("conversions"),
    CONVERSION_RATE("conversion_rate");

    private final String apiName;

    Metric(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<Metric> fromApiName(String name) {
        return Arrays.stream(values()).filter(m -> m.apiName.equals(name)).findFirst();
    }
}
