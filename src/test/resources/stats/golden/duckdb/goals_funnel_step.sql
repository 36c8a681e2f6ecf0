SELECT count(DISTINCT visitor_key) FILTER (WHERE event_type IN ('pageview', 'goal')) AS visitors,
    count(DISTINCT visitor_key) FILTER (WHERE goal_0) AS goal_0_visitors,
    count(*) FILTER (WHERE goal_0) AS goal_0_completions
FROM (
    SELECT visitor_key,
        event_type,
        event_type = 'goal' AND goal_name = ? AS goal_0
    FROM events
    WHERE site_id = ?
        AND ts >= ?
        AND ts < ?
        AND visitor_key IN (
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
                ) AS e3 ON e3.visitor_key = p2.visitor_key
                GROUP BY p2.visitor_key
            ) AS funnel
            WHERE reached >= 2
        )
) AS matched
