SELECT l.visitor_key,
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
        argMax(session_key, ts) AS session_key,
        argMax(country, ts) AS country,
        argMax(region, ts) AS region,
        argMax(city, ts) AS city,
        argMax(latitude, ts) AS latitude,
        argMax(longitude, ts) AS longitude,
        argMax(browser, ts) AS browser,
        argMax(os, ts) AS os,
        argMax(device_type, ts) AS device_type,
        argMaxIf(pathname, ts, event_type = 'pageview') AS pathname,
        max(ts) AS last_seen
    FROM events
    WHERE site_id = 'mrf_site'
        AND ts >= toDateTime('2026-03-08 12:00:00', 'UTC')
    GROUP BY visitor_key
) AS l
ALL LEFT JOIN (
    SELECT session_key,
        min(ts) AS started_at,
        argMinIf(coalesce(referrer_source, referrer_domain), ts, event_type = 'pageview') AS referrer
    FROM events
    WHERE site_id = 'mrf_site'
        AND ts >= toDateTime('2026-03-07 12:00:00', 'UTC')
        AND session_key IN (
            SELECT session_key
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 12:00:00', 'UTC')
        )
    GROUP BY session_key
) AS s ON s.session_key = l.session_key
ORDER BY l.last_seen DESC
