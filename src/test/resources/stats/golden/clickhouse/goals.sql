SELECT uniqExactIf(visitor_key, event_type IN ('pageview', 'goal')) AS visitors,
    uniqExactIf(visitor_key, goal_0) AS goal_0_visitors,
    countIf(goal_0) AS goal_0_completions,
    uniqExactIf(visitor_key, goal_1) AS goal_1_visitors,
    countIf(goal_1) AS goal_1_completions
FROM (
    SELECT visitor_key,
        event_type,
        event_type = 'goal' AND goal_name = 'signup' AS goal_0,
        event_type = 'pageview' AND pathname LIKE '/docs/%\\_v1' AS goal_1
    FROM events
    WHERE site_id = 'mrf_site'
        AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
        AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
) AS matched
