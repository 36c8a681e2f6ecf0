package com.datasaas.funnels;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An ordered list of steps a visitor is expected to go through on one site. Like goals, funnels are definitions only:
 * the visitors of each step are counted from stored events at query time.
 */
record Funnel(String id, String websiteId, String name, List<Step> steps, Instant createdAt, Instant updatedAt) {

    static final int MIN_STEPS = 2;
    static final int MAX_STEPS = 8;

    Funnel {
        steps = List.copyOf(steps);
    }

    enum StepType {
        /** Reached by a pageview whose path matches {@link Step#url} ({@code *} matches any run of characters). */
        PAGEVIEW,
        /** Reached by completing the goal {@link Step#goalName} (a custom goal's event, or a pageview goal's page). */
        GOAL;

        String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<StepType> fromApiName(String name) {
            for (StepType t : values()) {
                if (t.apiName().equals(name)) return Optional.of(t);
            }
            return Optional.empty();
        }
    }

    /** One step: {@code url} for pageview steps, {@code goalName} for goal steps, the other null. */
    record Step(String name, StepType type, String url, String goalName) {}
}
