SELECT g0,
    count(DISTINCT visitor_key) FILTER (WHERE counted > 0) AS visitors,
    count(*) FILTER (WHERE counted > 0) AS sessions,
    sum(pageviews) AS pageviews,
    count(*) FILTER (WHERE counted > 0 AND session_pageviews = 1 AND session_goals = 0) AS bounces,
    sum(session_duration) FILTER (WHERE counted > 0) AS duration_sum,
    sum(leave_ms) AS leave_ms_sum,
    sum(leave_n) AS leave_count,
    sum(scroll) AS scroll_sum,
    sum(scroll_n) AS scroll_count,
    count(DISTINCT visitor_key) FILTER (WHERE converted > 0) AS converted_visitors
FROM (
    SELECT e.pathname AS g0,
        e.session_key,
        e.visitor_key,
        e.counted,
        e.pageviews,
        s.pageviews AS session_pageviews,
        s.goals AS session_goals,
        s.duration AS session_duration,
        e.leave_ms,
        e.leave_n,
        e.scroll,
        e.scroll_n,
        e.converted
    FROM (
        SELECT e.pathname AS pathname,
            e.session_key,
            e.visitor_key,
            sum(e.counted) AS counted,
            sum(e.pageviews) AS pageviews,
            sum(e.leave_ms) AS leave_ms,
            sum(e.leave_n) AS leave_n,
            sum(e.scroll) AS scroll,
            sum(e.scroll_n) AS scroll_n,
            max(CASE WHEN (e.goals > 0 AND e.goal_name = ?) OR (e.pageviews > 0 AND e.pathname LIKE ? ESCAPE '\') THEN 1 ELSE 0 END) AS converted
        FROM (
            SELECT hour AS ts,
                session_key,
                visitor_key,
                pathname,
                goal_name,
                counted,
                pageviews,
                goals,
                leave_ms,
                leave_n,
                scroll,
                scroll_n
            FROM hourly_rollup
            WHERE site_id = ?
                AND hour >= ?
                AND hour < ?
                AND hour NOT IN (?)
            UNION ALL
            SELECT ts,
                session_key,
                visitor_key,
                pathname,
                goal_name,
                CASE WHEN event_type IN ('pageview', 'goal') THEN 1 ELSE 0 END AS counted,
                CASE WHEN event_type = 'pageview' THEN 1 ELSE 0 END AS pageviews,
                CASE WHEN event_type = 'goal' THEN 1 ELSE 0 END AS goals,
                CASE WHEN event_type = '_leave' THEN duration_ms END AS leave_ms,
                CASE WHEN event_type = '_leave' AND duration_ms IS NOT NULL THEN 1 ELSE 0 END AS leave_n,
                CASE WHEN event_type = '_leave' THEN scroll_depth END AS scroll,
                CASE WHEN event_type = '_leave' AND scroll_depth IS NOT NULL THEN 1 ELSE 0 END AS scroll_n
            FROM events
            WHERE (site_id = ? AND ts >= ? AND ts < ?) OR (site_id = ? AND ts >= ? AND ts < ?)
        ) AS e
        GROUP BY e.pathname, e.session_key, e.visitor_key
    ) AS e
    JOIN (
        SELECT session_key,
            pageviews,
            goals,
            (epoch_ms(ended_at) - epoch_ms(started_at)) / 1000.0 AS duration,
            channel
        FROM sessions
        WHERE site_id = ?
            AND started_at < ?
            AND ended_at >= ?
    ) AS s ON s.session_key = e.session_key
    WHERE s.channel IS NULL OR s.channel NOT IN (?)
) AS per_session
GROUP BY g0
HAVING count(*) FILTER (WHERE counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT ? OFFSET ?
