SELECT uniqExactIf(matched__visitor_key, matched__event_type IN ('pageview', 'goal')) AS visitors,
    uniqExactIf(matched__visitor_key, matched__goal_0) AS goal_0_visitors,
    countIf(matched__goal_0) AS goal_0_completions,
    uniqExactIf(matched__visitor_key, matched__goal_1) AS goal_1_visitors,
    countIf(matched__goal_1) AS goal_1_completions
FROM (
    SELECT visitor_key AS matched__visitor_key,
        event_type AS matched__event_type,
        event_type = 'goal' AND goal_name = 'signup' AS matched__goal_0,
        event_type = 'pageview' AND pathname LIKE '/docs/%\\_v1' AS matched__goal_1
    FROM events
    WHERE site_id = 'mrf_site'
        AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
        AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
) AS matched
