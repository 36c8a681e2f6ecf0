SELECT ts,
    event_type,
    session_key,
    session_id,
    visitor_id,
    pathname,
    title,
    goal_name,
    duration_ms,
    scroll_depth,
    target_url
FROM events
WHERE site_id = ?
    AND session_key IN (?, ?)
    AND event_type <> '_heartbeat'
ORDER BY ts, CASE WHEN event_type = 'pageview' THEN 0 ELSE 1 END, event_type
LIMIT 5000
