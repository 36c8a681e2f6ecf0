package com.datasaas.funnels;

import static com.datasaas.sql.Sql.and;
import static com.datasaas.sql.Sql.any;
import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.caseWhen;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.constant;
import static com.datasaas.sql.Sql.count;
import static com.datasaas.sql.Sql.countIf;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.ge;
import static com.datasaas.sql.Sql.gt;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.leftJoin;
import static com.datasaas.sql.Sql.max;
import static com.datasaas.sql.Sql.min;
import static com.datasaas.sql.Sql.plus;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.subquery;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;

import com.datasaas.events.EventType;
import com.datasaas.goals.Goal;
import com.datasaas.sql.Sql;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.Item;
import com.datasaas.sql.Sql.Select;
import com.datasaas.stats.StatsScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A funnel as one query of the {@link Sql} tree, in portable SQL (no {@code windowFunnel}): per visitor, the time of
 * each step, found greedily.
 *
 * <p><b>Ordering rule.</b> Among a visitor's pageview and goal events in the range (all sessions, the filters keeping
 * whole sessions), step 1 is reached at its first matching event; step k is reached at the first event matching it
 * strictly after the time step k-1 was reached. Taking the earliest match at every step is what makes "the visitor
 * did these steps in this order" exact: an earlier match never closes a later path. Strictly after, so one pageview
 * never counts as two steps (a funnel "/*" then "/pricing" needs two pages). Events before step 1, between steps or
 * after the last step are allowed.
 *
 * <p><b>Shape.</b> Level 1 has one row per visitor who reached step 1: {@code visitor_key}, {@code reached} (1) and
 * {@code t} (the time). Level k left-joins level k-1 with the visitor's events matching step k and adds 1 to
 * {@code reached} when one of them is after {@code t}, taking the earliest such time as the new {@code t}. Only rows
 * with {@code reached = k-1} may advance, so the level's {@code t} of a visitor who stopped earlier is never read; that
 * keeps the query right on engines whose left joins and empty conditional minimums give defaults rather than NULL
 * (ClickHouse). The outer query counts visitors by how far they got. Each level is one join, so eight steps cost seven
 * joins, not a join per pair of steps.
 */
final class FunnelQuery {
    private FunnelQuery() {}

    /** One row: {@code step_1} .. {@code step_n}, the visitors who reached each step. */
    static Select counts(Funnel funnel, StatsScope scope, Map<String, Goal> goals) {
        List<Item> items = new ArrayList<>();
        items.add(as(count(), "step_1"));
        for (int k = 2; k <= funnel.steps().size(); k++) {
            items.add(as(countIf(ge(col("reached"), constant(k))), "step_" + k));
        }
        return select(items)
                .from(subquery(levels(funnel, scope, goals), "funnel"))
                .build();
    }

    /** The visitor keys of those who reached the last step. */
    static Select completers(Funnel funnel, StatsScope scope, Map<String, Goal> goals) {
        return select(item(col("visitor_key")))
                .from(subquery(levels(funnel, scope, goals), "funnel"))
                .where(eq(col("reached"), constant(funnel.steps().size())))
                .build();
    }

    /**
     * The visitor keys of those who reached step {@code step} (from 1) in order: the {@code funnel_step} filter of the
     * stats API, so the dashboard filtered to a step counts exactly the step's {@code visitors}.
     */
    static Select reached(Funnel funnel, StatsScope scope, Map<String, Goal> goals, int step) {
        return select(item(col("visitor_key")))
                .from(subquery(levels(funnel, scope, goals), "funnel"))
                .where(ge(col("reached"), constant(step)))
                .build();
    }

    private static Select levels(Funnel funnel, StatsScope scope, Map<String, Goal> goals) {
        List<Funnel.Step> steps = funnel.steps();
        Select level = select(item(col("visitor_key")), as(constant(1), "reached"), as(min(col("ts")), "t"))
                .from(table("events"))
                .where(scope.inRange(), matches(steps.get(0), goals), scope.sessionCondition(null))
                .groupBy(List.of(col("visitor_key")))
                .build();
        for (int k = 2; k <= steps.size(); k++) {
            Select events = select(item(col("visitor_key")), item(col("ts")))
                    .from(table("events"))
                    .where(scope.inRange(), matches(steps.get(k - 1), goals), scope.sessionCondition(null))
                    .build();
            // One alias per level: ClickHouse names a subquery's outputs after its alias, and a level that read and
            // wrote the same prefixed name would alias an aggregate to its own input.
            String p = "p" + (k - 1);
            String e = "e" + k;
            Expr advances = and(eq(col(p, "reached"), constant(k - 1)), gt(col(e, "ts"), col(p, "t")));
            level = select(
                            as(col(p, "visitor_key"), "visitor_key"),
                            as(
                                    plus(any(col(p, "reached")), max(caseWhen(advances, constant(1), constant(0)))),
                                    "reached"),
                            as(new Sql.Aggregate(Sql.Function.MIN, col(e, "ts"), null, advances), "t"))
                    .from(leftJoin(
                            subquery(level, p), subquery(events, e), eq(col(e, "visitor_key"), col(p, "visitor_key"))))
                    .groupBy(List.of(col(p, "visitor_key")))
                    .build();
        }
        return level;
    }

    /**
     * The events reaching a step: a pageview step by its path pattern; a goal step like the stats engine counts the
     * goal (a pageview goal of the site by its path, any other name by goal events of that name).
     */
    static Expr matches(Funnel.Step step, Map<String, Goal> goals) {
        if (step.type() == Funnel.StepType.PAGEVIEW) {
            return and(
                    eq(col("event_type"), constant(EventType.PAGEVIEW.wireName())),
                    StatsScope.pathMatches(col("pathname"), step.url()));
        }
        Goal goal = goals.get(step.goalName());
        if (goal != null && goal.type() == Goal.Type.PAGEVIEW) {
            return and(
                    eq(col("event_type"), constant(EventType.PAGEVIEW.wireName())),
                    StatsScope.pathMatches(col("pathname"), goal.path()));
        }
        return and(
                eq(col("event_type"), constant(EventType.GOAL.wireName())),
                eq(col("goal_name"), value(step.goalName())));
    }
}
