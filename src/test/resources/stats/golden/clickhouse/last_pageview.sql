SELECT ts,
    visitor_id,
    session_id,
    session_key,
    url,
    hostname,
    pathname,
    referrer,
    referrer_domain,
    referrer_source,
    channel,
    screen_width,
    language,
    device_type,
    browser,
    browser_version,
    os,
    os_version,
    country,
    region,
    city,
    latitude,
    longitude
FROM events
WHERE site_id = 'mrf_site'
    AND visitor_key = 42
    AND event_type = 'pageview'
ORDER BY ts DESC
LIMIT 1
