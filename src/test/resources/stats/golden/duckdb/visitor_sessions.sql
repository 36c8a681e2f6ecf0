SELECT session_key,
    started_at,
    ended_at,
    pageviews,
    goals,
    channel,
    referrer,
    utm_source,
    utm_medium,
    utm_campaign,
    entry_page,
    exit_page,
    country,
    city,
    device_type,
    browser,
    os
FROM sessions
WHERE site_id = ?
    AND visitor_key IN (?)
ORDER BY started_at DESC, session_key
LIMIT 50
