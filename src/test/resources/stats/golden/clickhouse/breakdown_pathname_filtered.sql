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
    SELECT g0,
        session_key,
        any(visitor_key) AS visitor_key,
        countIf(event_type IN ('pageview', 'goal')) AS counted,
        countIf(event_type = 'pageview') AS pageviews,
        any(session_pageviews) AS session_pageviews,
        any(session_goals) AS session_goals,
        any(session_duration) AS session_duration,
        sumIf(duration_ms, event_type = '_leave') AS leave_ms,
        countIf(event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_n,
        sumIf(scroll_depth, event_type = '_leave') AS scroll,
        countIf(event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_n,
        max(converts) AS converted
    FROM (
        SELECT e.pathname AS g0,
            e.session_key,
            e.visitor_key,
            e.event_type,
            e.duration_ms,
            e.scroll_depth,
            s.pageviews AS session_pageviews,
            s.goals AS session_goals,
            s.duration AS session_duration,
            CASE WHEN (e.event_type = 'goal' AND e.goal_name = 'signup') OR (e.event_type = 'pageview' AND e.pathname LIKE '/docs/%\\_v1') THEN 1 ELSE 0 END AS converts
        FROM (
            SELECT session_key,
                visitor_key,
                ts,
                event_type,
                pathname,
                duration_ms,
                scroll_depth,
                goal_name
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
        ) AS e
        ALL INNER JOIN (
            SELECT session_key,
                pageviews,
                goals,
                (toUnixTimestamp(ended_at) - toUnixTimestamp(started_at)) AS duration,
                country,
                channel
            FROM sessions
            WHERE site_id = 'mrf_site'
                AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
        ) AS s ON s.session_key = e.session_key
        WHERE s.country IN ('US', 'CA')
            AND (s.channel IS NULL OR s.channel NOT IN ('Direct'))
            AND ((positionCaseInsensitive(e.pathname, 'blog') > 0) OR (positionCaseInsensitive(e.pathname, 'docs') > 0))
    ) AS hits
    GROUP BY g0, session_key
) AS per_session
GROUP BY g0
HAVING countIf(counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT 10 OFFSET 20
