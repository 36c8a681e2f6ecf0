SELECT uniqExactIf(matched__visitor_key, matched__event_type IN ('pageview', 'goal')) AS visitors,
    uniqExactIf(matched__visitor_key, matched__goal_0) AS goal_0_visitors,
    countIf(matched__goal_0) AS goal_0_completions
FROM (
    SELECT visitor_key AS matched__visitor_key,
        event_type AS matched__event_type,
        event_type = 'goal' AND goal_name = 'signup' AS matched__goal_0
    FROM events
    WHERE site_id = 'mrf_site'
        AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
        AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
        AND visitor_key IN (
            SELECT funnel__visitor_key AS visitor_key
            FROM (
                SELECT p2__visitor_key AS funnel__visitor_key,
                    any(p2__reached) + if(countIf(CASE WHEN p2__reached = 2 AND e3__ts > p2__t THEN 1 ELSE 0 END IS NOT NULL) = 0, NULL, max(CASE WHEN p2__reached = 2 AND e3__ts > p2__t THEN 1 ELSE 0 END)) AS funnel__reached,
                    if(countIf(e3__ts IS NOT NULL AND (p2__reached = 2 AND e3__ts > p2__t)) = 0, NULL, minIf(e3__ts, p2__reached = 2 AND e3__ts > p2__t)) AS funnel__t
                FROM (
                    SELECT p1__visitor_key AS p2__visitor_key,
                        any(p1__reached) + if(countIf(CASE WHEN p1__reached = 1 AND e2__ts > p1__t THEN 1 ELSE 0 END IS NOT NULL) = 0, NULL, max(CASE WHEN p1__reached = 1 AND e2__ts > p1__t THEN 1 ELSE 0 END)) AS p2__reached,
                        if(countIf(e2__ts IS NOT NULL AND (p1__reached = 1 AND e2__ts > p1__t)) = 0, NULL, minIf(e2__ts, p1__reached = 1 AND e2__ts > p1__t)) AS p2__t
                    FROM (
                        SELECT visitor_key AS p1__visitor_key,
                            1 AS p1__reached,
                            if(countIf(ts IS NOT NULL) = 0, NULL, min(ts)) AS p1__t
                        FROM events
                        WHERE site_id = 'mrf_site'
                            AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                            AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                            AND event_type = 'pageview'
                            AND pathname LIKE '/'
                        GROUP BY visitor_key
                    ) AS p1
                    ALL LEFT JOIN (
                        SELECT visitor_key AS e2__visitor_key,
                            ts AS e2__ts
                        FROM events
                        WHERE site_id = 'mrf_site'
                            AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                            AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                            AND event_type = 'pageview'
                            AND pathname LIKE '/blog/%'
                    ) AS e2 ON p1__visitor_key = e2__visitor_key
                    GROUP BY p1__visitor_key
                ) AS p2
                ALL LEFT JOIN (
                    SELECT visitor_key AS e3__visitor_key,
                        ts AS e3__ts
                    FROM events
                    WHERE site_id = 'mrf_site'
                        AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                        AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                        AND event_type = 'goal'
                        AND goal_name = 'signup'
                ) AS e3 ON p2__visitor_key = e3__visitor_key
                GROUP BY p2__visitor_key
            ) AS funnel
            WHERE funnel__reached >= 2
        )
) AS matched
