package com.datasaas.events;

import com.datasaas.sql.ClickHouseDialect;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Sessions on ClickHouse, derived by query from events: the same definition as {@link SessionRollup#fold}, printed
 * where the stats trees name the {@code sessions} table. Events are the only thing stored, so sessions are right
 * whichever node received which event of a session (a load balancer spreads one visit over several nodes), in any
 * order, and exactly once whenever events are: there is no second table to keep in step. The cost is a group-by over
 * the site's events per query; see docs/server-mode.md.
 *
 * <p>{@code ts} has whole seconds on ClickHouse 18.16, so first and last values are ordered by {@code ts_us}, and
 * {@code started_at_us}/{@code ended_at_us} carry the exact times for durations.
 */
@Component
public final class ClickHouseSessions implements ClickHouseDialect.SessionsRelation {
    private static final String PAGEVIEW = "event_type = 'pageview'";
    private static final String COUNTED = "event_type IN ('pageview', 'goal')";
    private static final String LEAVE = "event_type = '_leave'";

    @Override
    public String select(String eventsCondition) {
        List<String> columns = new ArrayList<>(List.of(
                "site_id",
                "session_key",
                "any(visitor_key) AS visitor_key",
                "min(ts) AS started_at",
                "max(ts) AS ended_at",
                "min(ts_us) AS started_at_us",
                "max(ts_us) AS ended_at_us",
                orNull("min", "ts", COUNTED) + " AS first_counted_at",
                orNull("max", "ts", COUNTED) + " AS last_counted_at",
                "countIf(" + PAGEVIEW + ") AS pageviews",
                "countIf(event_type = 'goal') AS goals",
                "sumIf(ifNull(duration_ms, 0), " + LEAVE + ") AS leave_ms",
                "countIf(" + LEAVE + " AND duration_ms IS NOT NULL) AS leave_count",
                "sumIf(ifNull(scroll_depth, 0), " + LEAVE + ") AS scroll",
                "countIf(" + LEAVE + " AND scroll_depth IS NOT NULL) AS scroll_count",
                orNull("min", "ts", PAGEVIEW) + " AS entry_at",
                orNull("max", "ts", PAGEVIEW) + " AS exit_at"));
        for (SessionAttribute a : SessionAttribute.values()) {
            String function = a.pick == SessionAttribute.Pick.FIRST_PAGEVIEW ? "argMinIf" : "argMaxIf";
            // The flag keeps a NULL value of the first pageview (plain argMin would skip to a later page's value);
            // a flag rather than a Nullable in the state, which 18.16 cannot send between shards (ClickHouseDialect).
            String pick = function + "(tuple(isNotNull(" + a.source + "), assumeNotNull(" + a.source + ")), ts_us, "
                    + PAGEVIEW + ")";
            columns.add("if(tupleElement(" + pick + ", 1) = 1, tupleElement(" + pick + ", 2), NULL) AS " + a.column());
        }
        return "SELECT " + String.join(",\n    ", columns) + "\nFROM events"
                + (eventsCondition == null ? "" : "\nWHERE " + eventsCondition) + "\nGROUP BY site_id, session_key";
    }

    /** SQL's NULL over no matching rows, where ClickHouse's minIf/maxIf give 1970. */
    private static String orNull(String function, String column, String condition) {
        return "if(countIf(" + condition + ") = 0, NULL, " + function + "If(" + column + ", " + condition + "))";
    }
}
