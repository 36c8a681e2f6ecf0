SELECT ts,
    event_type,
    visitor_id,
    visitor_key,
    goal_name,
    pathname,
    country,
    region,
    city,
    device_type,
    browser,
    os
FROM events
WHERE site_id = 'mrf_site'
    AND event_type <> '_heartbeat'
ORDER BY ts DESC
LIMIT 50
