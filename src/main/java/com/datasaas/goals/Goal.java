package com.datasaas.goals;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A conversion the site owner defined. Goals are only definitions: completions are counted from stored events at
 * query time, so a goal added today also counts last month's events.
 *
 * @param path for pageview goals, the page pattern ({@code *} matches any run of characters); null for custom goals
 */
public record Goal(
        String id, String websiteId, String name, String displayName, Type type, String path, Instant createdAt) {

    public enum Type {
        /** Completed by a goal event whose name equals the goal's name. */
        CUSTOM,
        /** Completed by a pageview whose path matches the goal's pattern. */
        PAGEVIEW;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Type> fromApiName(String name) {
            for (Type t : values()) {
                if (t.apiName().equals(name)) return Optional.of(t);
            }
            return Optional.empty();
        }
    }
}
