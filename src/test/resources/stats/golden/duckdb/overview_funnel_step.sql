SELECT count(DISTINCT visitor_key) FILTER (WHERE counted > 0) AS visitors,
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
    SELECT s.session_key,
        s.visitor_key,
        CASE WHEN s.crossing THEN coalesce(e.counted, 0) ELSE s.pageviews + s.goals END AS counted,
        CASE WHEN s.crossing THEN coalesce(e.pageviews, 0) ELSE s.pageviews END AS pageviews,
        s.pageviews AS session_pageviews,
        s.goals AS session_goals,
        s.duration AS session_duration,
        CASE WHEN s.crossing THEN e.leave_ms ELSE s.leave_ms END AS leave_ms,
        CASE WHEN s.crossing THEN coalesce(e.leave_n, 0) ELSE s.leave_count END AS leave_n,
        CASE WHEN s.crossing THEN e.scroll ELSE s.scroll END AS scroll,
        CASE WHEN s.crossing THEN coalesce(e.scroll_n, 0) ELSE s.scroll_count END AS scroll_n,
        0 AS converted
    FROM (
        SELECT session_key,
            visitor_key,
            pageviews,
            goals,
            leave_ms,
            leave_count,
            scroll,
            scroll_count,
            (epoch_ms(ended_at) - epoch_ms(started_at)) / 1000.0 AS duration,
            country,
            started_at < ? OR ended_at >= ? AS crossing
        FROM sessions
        WHERE site_id = ?
            AND started_at < ?
            AND ended_at >= ?
    ) AS s
    LEFT JOIN (
        SELECT session_key,
            count(*) FILTER (WHERE event_type IN ('pageview', 'goal')) AS counted,
            count(*) FILTER (WHERE event_type = 'pageview') AS pageviews,
            sum(duration_ms) FILTER (WHERE event_type = '_leave') AS leave_ms,
            count(*) FILTER (WHERE event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_n,
            sum(scroll_depth) FILTER (WHERE event_type = '_leave') AS scroll,
            count(*) FILTER (WHERE event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_n
        FROM (
            SELECT session_key,
                event_type,
                duration_ms,
                scroll_depth
            FROM events
            WHERE site_id = ?
                AND ts >= ?
                AND ts < ?
        ) AS near_edges
        WHERE session_key IN (
            SELECT session_key
            FROM sessions
            WHERE site_id = ?
                AND started_at < ?
                AND ended_at >= ?
                AND (started_at < ? OR ended_at >= ?)
        )
        GROUP BY session_key
    ) AS e ON e.session_key = s.session_key
    WHERE s.country IN (?)
        AND s.visitor_key IN (
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
) AS per_session
