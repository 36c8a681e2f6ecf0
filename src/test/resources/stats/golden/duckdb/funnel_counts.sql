SELECT count(*) AS step_1,
    count(*) FILTER (WHERE reached >= 2) AS step_2,
    count(*) FILTER (WHERE reached >= 3) AS step_3
FROM (
    SELECT p.visitor_key AS visitor_key,
        any_value(p.reached) + max(CASE WHEN p.reached = 2 AND e.ts > p.t THEN 1 ELSE 0 END) AS reached,
        min(e.ts) FILTER (WHERE p.reached = 2 AND e.ts > p.t) AS t
    FROM (
        SELECT p.visitor_key AS visitor_key,
            any_value(p.reached) + max(CASE WHEN p.reached = 1 AND e.ts > p.t THEN 1 ELSE 0 END) AS reached,
            min(e.ts) FILTER (WHERE p.reached = 1 AND e.ts > p.t) AS t
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
                AND session_key IN (
                    SELECT session_key
                    FROM (
                        SELECT e.session_key,
                            count(*) FILTER (WHERE e.pathname IN (?)) AS f0
                        FROM events AS e
                        WHERE e.site_id = ?
                            AND e.ts >= ?
                            AND e.ts < ?
                        GROUP BY e.session_key
                    ) AS matched
                    WHERE f0 = 0
                )
            GROUP BY visitor_key
        ) AS p
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
                AND session_key IN (
                    SELECT session_key
                    FROM (
                        SELECT e.session_key,
                            count(*) FILTER (WHERE e.pathname IN (?)) AS f0
                        FROM events AS e
                        WHERE e.site_id = ?
                            AND e.ts >= ?
                            AND e.ts < ?
                        GROUP BY e.session_key
                    ) AS matched
                    WHERE f0 = 0
                )
        ) AS e ON e.visitor_key = p.visitor_key
        GROUP BY p.visitor_key
    ) AS p
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
            AND session_key IN (
                SELECT session_key
                FROM (
                    SELECT e.session_key,
                        count(*) FILTER (WHERE e.pathname IN (?)) AS f0
                    FROM events AS e
                    WHERE e.site_id = ?
                        AND e.ts >= ?
                        AND e.ts < ?
                    GROUP BY e.session_key
                ) AS matched
                WHERE f0 = 0
            )
    ) AS e ON e.visitor_key = p.visitor_key
    GROUP BY p.visitor_key
) AS funnel
