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
    SELECT g0,
        session_key,
        any_value(visitor_key) AS visitor_key,
        count(*) FILTER (WHERE event_type IN ('pageview', 'goal')) AS counted,
        count(*) FILTER (WHERE event_type = 'pageview') AS pageviews,
        any_value(session_pageviews) AS session_pageviews,
        any_value(session_goals) AS session_goals,
        any_value(session_duration) AS session_duration,
        sum(duration_ms) FILTER (WHERE event_type = '_leave') AS leave_ms,
        count(*) FILTER (WHERE event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_n,
        sum(scroll_depth) FILTER (WHERE event_type = '_leave') AS scroll,
        count(*) FILTER (WHERE event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_n,
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
            CASE WHEN (e.event_type = 'goal' AND e.goal_name = ?) OR (e.event_type = 'pageview' AND e.pathname LIKE ? ESCAPE '\') THEN 1 ELSE 0 END AS converts
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
            WHERE site_id = ?
                AND ts >= ?
                AND ts < ?
        ) AS e
        JOIN (
            SELECT session_key,
                pageviews,
                goals,
                (epoch_ms(ended_at) - epoch_ms(started_at)) / 1000.0 AS duration,
                country,
                channel
            FROM sessions
            WHERE site_id = ?
                AND started_at < ?
                AND ended_at >= ?
        ) AS s ON s.session_key = e.session_key
        WHERE s.country IN (?, ?)
            AND (s.channel IS NULL OR s.channel NOT IN (?))
            AND (contains(lower(e.pathname), lower(?)) OR contains(lower(e.pathname), lower(?)))
    ) AS hits
    GROUP BY g0, session_key
) AS per_session
GROUP BY g0
HAVING count(*) FILTER (WHERE counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT ? OFFSET ?
