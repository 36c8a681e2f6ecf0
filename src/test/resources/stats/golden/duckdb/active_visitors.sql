SELECT l.visitor_key,
    l.visitor_id,
    l.country,
    l.region,
    l.city,
    l.latitude,
    l.longitude,
    l.browser,
    l.os,
    l.device_type,
    l.pathname,
    s.referrer,
    s.started_at,
    l.last_seen
FROM (
    SELECT visitor_key,
        arg_max_null(session_key, ts) AS session_key,
        arg_max_null(visitor_id, ts) AS visitor_id,
        arg_max_null(country, ts) AS country,
        arg_max_null(region, ts) AS region,
        arg_max_null(city, ts) AS city,
        arg_max_null(latitude, ts) AS latitude,
        arg_max_null(longitude, ts) AS longitude,
        arg_max_null(browser, ts) AS browser,
        arg_max_null(os, ts) AS os,
        arg_max_null(device_type, ts) AS device_type,
        arg_max_null(pathname, ts) FILTER (WHERE event_type = 'pageview') AS pathname,
        max(ts) AS last_seen
    FROM events
    WHERE site_id = ?
        AND ts >= ?
    GROUP BY visitor_key
) AS l
LEFT JOIN (
    SELECT session_key,
        min(ts) AS started_at,
        arg_min_null(coalesce(referrer_source, referrer_domain), ts) FILTER (WHERE event_type = 'pageview') AS referrer
    FROM events
    WHERE site_id = ?
        AND ts >= ?
        AND session_key IN (
            SELECT session_key
            FROM events
            WHERE site_id = ?
                AND ts >= ?
        )
    GROUP BY session_key
) AS s ON s.session_key = l.session_key
ORDER BY l.last_seen DESC
