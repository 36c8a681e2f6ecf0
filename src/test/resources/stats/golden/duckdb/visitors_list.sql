SELECT user_id,
    arg_max_null(visitor_id, last_seen) AS visitor_id,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    sum(pageviews) AS pageviews,
    sum(goals) AS goals,
    arg_max_null(country, last_seen) AS country,
    arg_max_null(city, last_seen) AS city,
    arg_max_null(browser, last_seen) AS browser,
    arg_max_null(os, last_seen) AS os,
    arg_max_null(device_type, last_seen) AS device_type,
    arg_min_null(referrer, first_seen) AS referrer,
    count(*) AS devices
FROM (
    SELECT v.visitor_key,
        v.visitor_id,
        v.first_seen,
        v.last_seen,
        v.pageviews,
        v.goals,
        v.country,
        v.city,
        v.browser,
        v.os,
        v.device_type,
        v.referrer,
        i.user_id,
        CASE WHEN i.user_id IS NULL THEN v.visitor_id END AS anonymous
    FROM (
        SELECT visitor_key,
            any_value(visitor_id) AS visitor_id,
            min(ts) AS first_seen,
            max(ts) AS last_seen,
            count(*) FILTER (WHERE event_type = 'pageview') AS pageviews,
            count(*) FILTER (WHERE event_type = 'goal') AS goals,
            arg_max_null(country, ts) FILTER (WHERE event_type = 'pageview') AS country,
            arg_max_null(city, ts) FILTER (WHERE event_type = 'pageview') AS city,
            arg_max_null(browser, ts) FILTER (WHERE event_type = 'pageview') AS browser,
            arg_max_null(os, ts) FILTER (WHERE event_type = 'pageview') AS os,
            arg_max_null(device_type, ts) FILTER (WHERE event_type = 'pageview') AS device_type,
            arg_min_null(coalesce(referrer_source, referrer_domain), ts) FILTER (WHERE event_type = 'pageview') AS referrer
        FROM events
        WHERE site_id = ?
            AND ts >= ?
            AND ts < ?
            AND event_type IN ('pageview', 'goal')
            AND visitor_key IN (?, ?)
        GROUP BY visitor_key
    ) AS v
    LEFT JOIN (
        SELECT visitor_key,
            arg_max_null(json_extract_string(metadata, '$.user_id'), ts) AS user_id
        FROM events
        WHERE site_id = ?
            AND event_type = '_identify'
        GROUP BY visitor_key
    ) AS i ON i.visitor_key = v.visitor_key
) AS p
GROUP BY user_id, anonymous
ORDER BY last_seen DESC, visitor_id
LIMIT ? OFFSET ?
