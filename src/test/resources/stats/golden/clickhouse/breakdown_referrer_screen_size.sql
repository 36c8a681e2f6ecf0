SELECT g0,
    uniqExactIf(visitor_key, counted > 0) AS visitors,
    countIf(counted > 0) AS sessions,
    sum(pageviews) AS pageviews,
    countIf(counted > 0 AND session_pageviews = 1 AND session_goals = 0) AS bounces,
    sumIf(session_duration, counted > 0) AS duration_sum,
    sum(leave_ms) AS leave_ms_sum,
    sum(leave_n) AS leave_count,
    sum(scroll) AS scroll_sum,
    sum(scroll_n) AS scroll_count,
    uniqExactIf(visitor_key, converted > 0) AS converted_visitors
FROM (
    SELECT CASE WHEN s.screen_width IS NULL THEN NULL WHEN s.screen_width < 576 THEN 'mobile' WHEN s.screen_width < 992 THEN 'tablet' WHEN s.screen_width < 1440 THEN 'laptop' ELSE 'desktop' END AS g0,
        s.session_key,
        s.visitor_key,
        CASE WHEN s.crossing THEN coalesce(e.counted, 0) ELSE s.pageviews + s.goals END AS counted,
        CASE WHEN s.crossing THEN coalesce(e.pageviews, 0) ELSE s.pageviews END AS pageviews,
        s.pageviews AS session_pageviews,
        s.goals AS session_goals,
        (toUnixTimestamp(s.ended_at) - toUnixTimestamp(s.started_at)) AS session_duration,
        CASE WHEN s.crossing THEN e.leave_ms ELSE s.leave_ms END AS leave_ms,
        CASE WHEN s.crossing THEN coalesce(e.leave_n, 0) ELSE s.leave_count END AS leave_n,
        CASE WHEN s.crossing THEN e.scroll ELSE s.scroll END AS scroll,
        CASE WHEN s.crossing THEN coalesce(e.scroll_n, 0) ELSE s.scroll_count END AS scroll_n,
        0 AS converted
    FROM (
        SELECT session_key,
            visitor_key,
            started_at,
            ended_at,
            pageviews,
            goals,
            leave_ms,
            leave_count,
            scroll,
            scroll_count,
            screen_width,
            referrer,
            started_at < toDateTime('2026-03-08 05:00:00', 'UTC') OR ended_at >= toDateTime('2026-03-10 04:00:00', 'UTC') AS crossing
        FROM sessions
        WHERE site_id = 'mrf_site'
            AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
            AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
    ) AS s
    ALL LEFT JOIN (
        SELECT session_key,
            countIf(event_type IN ('pageview', 'goal')) AS counted,
            countIf(event_type = 'pageview') AS pageviews,
            sumIf(duration_ms, event_type = '_leave') AS leave_ms,
            countIf(event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_n,
            sumIf(scroll_depth, event_type = '_leave') AS scroll,
            countIf(event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_n
        FROM (
            SELECT session_key,
                event_type,
                duration_ms,
                scroll_depth
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
        ) AS near_edges
        WHERE session_key IN (
            SELECT session_key
            FROM sessions
            WHERE site_id = 'mrf_site'
                AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND (started_at < toDateTime('2026-03-08 05:00:00', 'UTC') OR ended_at >= toDateTime('2026-03-10 04:00:00', 'UTC'))
        )
        GROUP BY session_key
    ) AS e ON e.session_key = s.session_key
    WHERE s.referrer IN ('Google')
) AS per_session
GROUP BY g0
HAVING countIf(counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT 10 OFFSET 20
