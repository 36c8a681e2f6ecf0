package com.datasaas.funnels;

import com.datasaas.app.ApiException;
import com.datasaas.goals.Goal;
import com.datasaas.goals.Goals;
import com.datasaas.sql.Sql;
import com.datasaas.stats.FunnelStepFilter;
import com.datasaas.stats.FunnelSteps;
import com.datasaas.stats.StatsScope;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The stats API's {@code funnel_step} filter: the visitors of a funnel level, from the same query that counts the
 * funnel, so the dashboard filtered to a step has exactly the step's visitors (docs/funnels.md).
 */
@Component
final class FunnelStepVisitors implements FunnelSteps {
    private final FunnelRepository repository;
    private final Goals goals;

    FunnelStepVisitors(FunnelRepository repository, Goals goals) {
        this.repository = repository;
        this.goals = goals;
    }

    @Override
    public Sql.Select visitorsAt(StatsScope scope, FunnelStepFilter filter) {
        String siteId = scope.site().id();
        Funnel funnel = repository
                .find(siteId, filter.funnelId())
                .orElseThrow(() -> ApiException.notFound("Funnel " + filter.funnelId() + " of the filter "
                        + FunnelStepFilter.NAME + " not found on website " + siteId
                        + "; GET /api/websites/" + siteId + "/funnels lists them."));
        int steps = funnel.steps().size();
        if (filter.step() > steps) {
            throw ApiException.invalid(
                    FunnelStepFilter.NAME + "[is]",
                    "Funnel " + funnel.id() + " has " + steps + " steps; the step of " + FunnelStepFilter.NAME
                            + " is counted from 1 to " + steps + ", e.g. " + funnel.id() + ":" + steps + ".");
        }
        Map<String, Goal> siteGoals =
                goals.forSite(siteId).stream().collect(Collectors.toMap(Goal::name, Function.identity()));
        return FunnelQuery.reached(funnel, scope, siteGoals, filter.step());
    }
}
