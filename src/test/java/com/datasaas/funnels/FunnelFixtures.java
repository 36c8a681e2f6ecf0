package com.datasaas.funnels;

import com.datasaas.goals.Goal;
import com.datasaas.sql.Sql;
import com.datasaas.stats.StatsScope;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The real funnel query for tests of other packages (the stats golden SQL of the funnel_step filter). */
public final class FunnelFixtures {
    private FunnelFixtures() {}

    /** Home, then any blog post, then the goal "signup": who reached {@code step} of it, as the filter selects them. */
    public static Sql.Select reachedStep(StatsScope scope, int step) {
        Funnel funnel = new Funnel(
                "fun_golden",
                scope.site().id(),
                "Signup flow",
                List.of(
                        new Funnel.Step("Home", Funnel.StepType.PAGEVIEW, "/", null),
                        new Funnel.Step("Any post", Funnel.StepType.PAGEVIEW, "/blog/*", null),
                        new Funnel.Step("Signed up", Funnel.StepType.GOAL, null, "signup")),
                Instant.EPOCH,
                Instant.EPOCH);
        return FunnelQuery.reached(funnel, scope, Map.<String, Goal>of(), step);
    }
}
