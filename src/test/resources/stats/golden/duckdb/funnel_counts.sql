SELECT count(*) AS step_1,
    count(*) FILTER (WHERE reached >= 2) AS step_2,
    count(*) FILTER (WHERE reached >= 3) AS step_3
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
        ) AS p1
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
    ) AS e3 ON e3.visitor_key = p2.visitor_key
    GROUP BY p2.visitor_key
) AS funnel
