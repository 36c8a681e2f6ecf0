package com.datasaas.stats;

import com.datasaas.events.ClickHouseSessions;
import com.datasaas.support.ClickHouseServer;
import java.util.List;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@link StatsNumbersTest} on the ClickHouse event store: the app runs with DATASAAS_CLICKHOUSE_URL pointing at the test JVM's private
 * ClickHouse 18.16 server (one Spring context for every class here), and every number must equal the embedded run.
 */
@ContextConfiguration(initializers = ClickHouseServer.AppOnClickHouse.class)
class ClickHouseStatsNumbersTest extends StatsNumbersTest {
    @Override
    String sessionsFromEvents() {
        return oneServerOrShards();
    }

    @Override
    String sessionsFromTable() {
        return storedSessions();
    }

    /**
     * The definition of a session over events, computed in one pass (no stored states involved). First and last
     * values as (is-there flag, value), which a sharded 18.16 can send between servers (a Nullable state it cannot).
     */
    static String oneServerOrShards() {
        String pageview = "event_type = 'pageview'";
        return "SELECT session_key, min(ts), max(ts), countIf(" + pageview + "), countIf(event_type = 'goal'),"
                + " sumIf(ifNull(duration_ms, toInt64(0)), event_type = '_leave'),"
                + first("pathname", "argMinIf", pageview) + ", " + first("pathname", "argMaxIf", pageview) + ", "
                + first("channel", "argMinIf", pageview) + ", "
                + first("coalesce(referrer_source, referrer_domain)", "argMinIf", pageview) + ", "
                + first("utm_source", "argMinIf", pageview)
                + " FROM events WHERE site_id = ? GROUP BY session_key ORDER BY session_key";
    }

    private static String first(String value, String function, String condition) {
        String pick =
                function + "(tuple(isNotNull(" + value + "), assumeNotNull(" + value + ")), ts_us, " + condition + ")";
        return "if(tupleElement(" + pick + ", 1) = 1, tupleElement(" + pick + ", 2), NULL)";
    }

    /** The stored sessions table: partial states written by the view in each INSERT, merged per session. */
    static String storedSessions() {
        return "SELECT session_key, started_at, ended_at, pageviews, goals, leave_ms, entry_page, exit_page,"
                + " channel, referrer, utm_source FROM (" + new ClickHouseSessions().select(null, List.of())
                + ") WHERE site_id = ? ORDER BY session_key";
    }
}
