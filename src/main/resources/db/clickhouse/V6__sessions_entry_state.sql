-- GENERATED from events/ClickHouseSessions.java (layout and SessionAttribute); do not edit by hand.
-- Regenerate: ./mvnw test -Dtest=ClickHouseSessionsSchemaTest -Dgolden.update=true
--
-- Sessions with the entry attributes in one state (issue 12): the 16 attributes of the first
-- pageview were 16 argMinIf states on the same ts_us and condition; one argMinIf over a tuple of
-- their values keeps the same values (ties included: the same comparisons pick the same row) and cut
-- the sessions INSERT and merge CPU (docs/benchmarks.md, "ClickHouse sessions in fewer states").
--
-- Stored states cannot be converted (a state keeps its value, not the ts_us it was picked by), so
-- the new table is filled from the events, like migration 2's backfill: the same sessions. An
-- upgrade runs while no node writes (docs/server-mode.md). Every statement may run again after a
-- failure at any point (the runner records version 6 only after the last one): the copy is
-- dropped and made anew from the events, which hold every session before and after the swap.
-- On a cluster the copy's local tables take the name sessions_local, and the Distributed sessions
-- is made anew with the new columns (a Distributed table keeps the columns it was made with).
DROP TABLE IF EXISTS sessions_v6;

CREATE TABLE IF NOT EXISTS sessions_v6 (
    site_id String,
    day Date,
    session_key Int64,
    visitor_key_state AggregateFunction(any, Int64),
    started_at_state AggregateFunction(min, DateTime('UTC')),
    ended_at_state AggregateFunction(max, DateTime('UTC')),
    started_at_us_state AggregateFunction(min, Int64),
    ended_at_us_state AggregateFunction(max, Int64),
    first_counted_at_state AggregateFunction(minIf, DateTime('UTC'), UInt8),
    last_counted_at_state AggregateFunction(maxIf, DateTime('UTC'), UInt8),
    pageviews_state AggregateFunction(countIf, UInt8),
    goals_state AggregateFunction(countIf, UInt8),
    leave_ms_state AggregateFunction(sumIf, Int64, UInt8),
    leave_count_state AggregateFunction(countIf, UInt8),
    scroll_state AggregateFunction(sumIf, Int16, UInt8),
    scroll_count_state AggregateFunction(countIf, UInt8),
    entry_at_state AggregateFunction(minIf, DateTime('UTC'), UInt8),
    exit_at_state AggregateFunction(maxIf, DateTime('UTC'), UInt8),
    entry_attributes_state AggregateFunction(argMinIf, Tuple(String, String, String, String, String, String, String, String, String, String, String, String, String, String, String, String), Int64, UInt8),
    exit_page_state AggregateFunction(argMaxIf, String, Int64, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, session_key);

INSERT INTO sessions_v6
SELECT site_id,
    toDate(ts) AS day,
    session_key,
    anyState(visitor_key) AS visitor_key_state,
    minState(ts) AS started_at_state,
    maxState(ts) AS ended_at_state,
    minState(ts_us) AS started_at_us_state,
    maxState(ts_us) AS ended_at_us_state,
    minIfState(ts, event_type IN ('pageview', 'goal')) AS first_counted_at_state,
    maxIfState(ts, event_type IN ('pageview', 'goal')) AS last_counted_at_state,
    countIfState(event_type = 'pageview') AS pageviews_state,
    countIfState(event_type = 'goal') AS goals_state,
    sumIfState(ifNull(duration_ms, toInt64(0)), event_type = '_leave') AS leave_ms_state,
    countIfState(event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_count_state,
    sumIfState(ifNull(scroll_depth, toInt16(0)), event_type = '_leave') AS scroll_state,
    countIfState(event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_count_state,
    minIfState(ts, event_type = 'pageview') AS entry_at_state,
    maxIfState(ts, event_type = 'pageview') AS exit_at_state,
    argMinIfState(tuple(ifNull(concat('=', toString(pathname)), ''), ifNull(concat('=', toString(channel)), ''), ifNull(concat('=', toString(coalesce(referrer_source, referrer_domain))), ''), ifNull(concat('=', toString(utm_source)), ''), ifNull(concat('=', toString(utm_medium)), ''), ifNull(concat('=', toString(utm_campaign)), ''), ifNull(concat('=', toString(utm_term)), ''), ifNull(concat('=', toString(utm_content)), ''), ifNull(concat('=', toString(country)), ''), ifNull(concat('=', toString(region)), ''), ifNull(concat('=', toString(city)), ''), ifNull(concat('=', toString(device_type)), ''), ifNull(concat('=', toString(browser)), ''), ifNull(concat('=', toString(os)), ''), ifNull(concat('=', toString(screen_width)), ''), ifNull(concat('=', toString(language)), '')), ts_us, event_type = 'pageview') AS entry_attributes_state,
    argMaxIfState(ifNull(concat('=', toString(pathname)), ''), ts_us, event_type = 'pageview') AS exit_page_state
FROM events
GROUP BY site_id, day, session_key;

DROP TABLE IF EXISTS sessions_feed;

DROP TABLE IF EXISTS sessions;

RENAME TABLE sessions_v6 TO sessions;

-- One server: already there. A cluster: the Distributed sessions over the renamed local tables.
CREATE TABLE IF NOT EXISTS sessions (
    site_id String,
    day Date,
    session_key Int64,
    visitor_key_state AggregateFunction(any, Int64),
    started_at_state AggregateFunction(min, DateTime('UTC')),
    ended_at_state AggregateFunction(max, DateTime('UTC')),
    started_at_us_state AggregateFunction(min, Int64),
    ended_at_us_state AggregateFunction(max, Int64),
    first_counted_at_state AggregateFunction(minIf, DateTime('UTC'), UInt8),
    last_counted_at_state AggregateFunction(maxIf, DateTime('UTC'), UInt8),
    pageviews_state AggregateFunction(countIf, UInt8),
    goals_state AggregateFunction(countIf, UInt8),
    leave_ms_state AggregateFunction(sumIf, Int64, UInt8),
    leave_count_state AggregateFunction(countIf, UInt8),
    scroll_state AggregateFunction(sumIf, Int16, UInt8),
    scroll_count_state AggregateFunction(countIf, UInt8),
    entry_at_state AggregateFunction(minIf, DateTime('UTC'), UInt8),
    exit_at_state AggregateFunction(maxIf, DateTime('UTC'), UInt8),
    entry_attributes_state AggregateFunction(argMinIf, Tuple(String, String, String, String, String, String, String, String, String, String, String, String, String, String, String, String), Int64, UInt8),
    exit_page_state AggregateFunction(argMaxIf, String, Int64, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, session_key);

-- On a cluster: the Distributed sessions_v6, whose local tables now have the name sessions_local.
DROP TABLE IF EXISTS sessions_v6;

CREATE MATERIALIZED VIEW IF NOT EXISTS sessions_feed TO sessions AS
SELECT site_id,
    toDate(ts) AS day,
    session_key,
    anyState(visitor_key) AS visitor_key_state,
    minState(ts) AS started_at_state,
    maxState(ts) AS ended_at_state,
    minState(ts_us) AS started_at_us_state,
    maxState(ts_us) AS ended_at_us_state,
    minIfState(ts, event_type IN ('pageview', 'goal')) AS first_counted_at_state,
    maxIfState(ts, event_type IN ('pageview', 'goal')) AS last_counted_at_state,
    countIfState(event_type = 'pageview') AS pageviews_state,
    countIfState(event_type = 'goal') AS goals_state,
    sumIfState(ifNull(duration_ms, toInt64(0)), event_type = '_leave') AS leave_ms_state,
    countIfState(event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_count_state,
    sumIfState(ifNull(scroll_depth, toInt16(0)), event_type = '_leave') AS scroll_state,
    countIfState(event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_count_state,
    minIfState(ts, event_type = 'pageview') AS entry_at_state,
    maxIfState(ts, event_type = 'pageview') AS exit_at_state,
    argMinIfState(tuple(ifNull(concat('=', toString(pathname)), ''), ifNull(concat('=', toString(channel)), ''), ifNull(concat('=', toString(coalesce(referrer_source, referrer_domain))), ''), ifNull(concat('=', toString(utm_source)), ''), ifNull(concat('=', toString(utm_medium)), ''), ifNull(concat('=', toString(utm_campaign)), ''), ifNull(concat('=', toString(utm_term)), ''), ifNull(concat('=', toString(utm_content)), ''), ifNull(concat('=', toString(country)), ''), ifNull(concat('=', toString(region)), ''), ifNull(concat('=', toString(city)), ''), ifNull(concat('=', toString(device_type)), ''), ifNull(concat('=', toString(browser)), ''), ifNull(concat('=', toString(os)), ''), ifNull(concat('=', toString(screen_width)), ''), ifNull(concat('=', toString(language)), '')), ts_us, event_type = 'pageview') AS entry_attributes_state,
    argMaxIfState(ifNull(concat('=', toString(pathname)), ''), ts_us, event_type = 'pageview') AS exit_page_state
FROM events
GROUP BY site_id, day, session_key;
