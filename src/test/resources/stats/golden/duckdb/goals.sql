SELECT count(DISTINCT visitor_key) FILTER (WHERE event_type IN ('pageview', 'goal')) AS visitors,
    count(DISTINCT visitor_key) FILTER (WHERE goal_0) AS goal_0_visitors,
    count(*) FILTER (WHERE goal_0) AS goal_0_completions,
    count(DISTINCT visitor_key) FILTER (WHERE goal_1) AS goal_1_visitors,
    count(*) FILTER (WHERE goal_1) AS goal_1_completions
FROM (
    SELECT visitor_key,
        event_type,
        event_type = 'goal' AND goal_name = ? AS goal_0,
        event_type = 'pageview' AND pathname LIKE ? ESCAPE '\' AS goal_1
    FROM events
    WHERE site_id = ?
        AND ts >= ?
        AND ts < ?
) AS matched
