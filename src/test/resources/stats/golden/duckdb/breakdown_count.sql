SELECT count(*)
FROM (
    SELECT g0
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
            SELECT e.country AS g0,
                e.session_key,
                e.visitor_key,
                e.event_type,
                e.duration_ms,
                e.scroll_depth,
                s.pageviews AS session_pageviews,
                s.goals AS session_goals,
                s.duration AS session_duration,
                0 AS converts
            FROM (
                SELECT session_key,
                    visitor_key,
                    ts,
                    event_type,
                    pathname,
                    duration_ms,
                    scroll_depth,
                    country
                FROM events
                WHERE site_id = ?
                    AND ts >= ?
                    AND ts < ?
            ) AS e
            JOIN (
                SELECT session_key,
                    pageviews,
                    goals,
                    (epoch_ms(ended_at) - epoch_ms(started_at)) / 1000.0 AS duration
                FROM sessions
                WHERE site_id = ?
                    AND started_at < ?
                    AND ended_at >= ?
            ) AS s ON s.session_key = e.session_key
        ) AS hits
        GROUP BY g0, session_key
    ) AS per_session
    GROUP BY g0
    HAVING count(*) FILTER (WHERE counted > 0) > 0
) AS grouped
