SELECT v.device_type AS device_type,
    v.os AS os,
    v.browser AS browser,
    v.country AS country,
    v.referrer AS referrer,
    v.payer AS payer,
    count(*) AS visitors,
    count(*) FILTER (WHERE v.goals > 0) AS goal_converters
FROM (
    SELECT visitor_key,
        arg_min_null(device_type, started_at) FILTER (WHERE pageviews > 0) AS device_type,
        arg_min_null(os, started_at) FILTER (WHERE pageviews > 0) AS os,
        arg_min_null(browser, started_at) FILTER (WHERE pageviews > 0) AS browser,
        arg_min_null(country, started_at) FILTER (WHERE pageviews > 0) AS country,
        arg_min_null(referrer, started_at) FILTER (WHERE pageviews > 0) AS referrer,
        sum(goals) AS goals,
        CASE WHEN visitor_key IN (?, ?) THEN visitor_key END AS payer
    FROM sessions
    WHERE site_id = ?
        AND started_at >= ?
        AND started_at < ?
    GROUP BY visitor_key
) AS v
GROUP BY v.device_type, v.os, v.browser, v.country, v.referrer, v.payer
