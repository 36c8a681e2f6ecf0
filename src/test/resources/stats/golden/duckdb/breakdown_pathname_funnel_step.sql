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
            0 AS converts
        FROM (
            SELECT session_key,
                visitor_key,
                ts,
                event_type,
                pathname,
                duration_ms,
                scroll_depth
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
                country
            FROM sessions
            WHERE site_id = ?
                AND started_at < ?
                AND ended_at >= ?
        ) AS s ON s.session_key = e.session_key
        WHERE s.country IN (?)
            AND e.visitor_key IN (
                SELECT visitor_key
                FROM (
                    SELECT p2.visitor_key AS visitor_key,
                        any_value(p2.reached) + max(CASE WHEN p2.reached = 2 AND e3.ts > p2.t THEN 1 ELSE 0 END) AS reached,
                        min(e3.ts) FILTER (WHERE p2.reached = 2 AND e3.ts > p2.t) AS t
                    FROM (
                        SELECT p1.visitor_key AS visitor_key,
                            any_value(p1.reached) + max(CASE WHEN p1.reached = 1 AND e2.ts > p1.t THEN 1 ELSE 0 END) AS reached,
                            min(e2.ts) FILTER (WHERE p1.reached = 1 AND e2.ts > p1.t) AS t
                        FROM (
                            SELECT visitor_key,
                                1 AS reached,
                                min(ts) AS t
                            FROM events
                            WHERE site_id = ?
                                AND ts >= ?
                                AND ts < ?
                                AND event_type = 'pageview'
                                AND pathname LIKE ? ESCAPE '\'
                                AND session_key IN (
                                    SELECT s.session_key
                                    FROM sessions AS s
                                    WHERE s.site_id = ?
                                        AND s.started_at < ?
                                        AND s.ended_at >= ?
                                        AND s.country IN (?)
                                )
                            GROUP BY visitor_key
                        ) AS p1
                        LEFT JOIN (
                            SELECT visitor_key,
                                ts
                            FROM events
                            WHERE site_id = ?
                                AND ts >= ?
                                AND ts < ?
                                AND event_type = 'pageview'
                                AND pathname LIKE ? ESCAPE '\'
                                AND session_key IN (
                                    SELECT s.session_key
                                    FROM sessions AS s
                                    WHERE s.site_id = ?
                                        AND s.started_at < ?
                                        AND s.ended_at >= ?
                                        AND s.country IN (?)
                                )
                        ) AS e2 ON e2.visitor_key = p1.visitor_key
                        GROUP BY p1.visitor_key
                    ) AS p2
                    LEFT JOIN (
                        SELECT visitor_key,
                            ts
                        FROM events
                        WHERE site_id = ?
                            AND ts >= ?
                            AND ts < ?
                            AND event_type = 'goal'
                            AND goal_name = ?
                            AND session_key IN (
                                SELECT s.session_key
                                FROM sessions AS s
                                WHERE s.site_id = ?
                                    AND s.started_at < ?
                                    AND s.ended_at >= ?
                                    AND s.country IN (?)
                            )
                    ) AS e3 ON e3.visitor_key = p2.visitor_key
                    GROUP BY p2.visitor_key
                ) AS funnel
                WHERE reached >= 2
            )
    ) AS hits
    GROUP BY g0, session_key
) AS per_session
GROUP BY g0
HAVING count(*) FILTER (WHERE counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT ? OFFSET ?
