WITH ev AS (
    SELECT session_key, visitor_key, ts, event_type, pathname, duration_ms, scroll_depth,
        ts >= ? AND ts < ? AS in_range, 0 AS converts
    FROM events
    WHERE site_id = ? AND ts >= ? AND ts < ?
),
sessions AS (
    SELECT session_key, any_value(visitor_key) AS visitor_key,
        count(*) FILTER (WHERE in_range AND event_type IN ('pageview', 'goal')) AS counted,
        count(*) FILTER (WHERE in_range AND event_type = 'pageview') AS pageviews,
        count(*) FILTER (WHERE event_type = 'pageview') AS session_pageviews, count(*) FILTER (WHERE event_type = 'goal') AS session_goals, (epoch_ms(max(ts)) - epoch_ms(min(ts))) / 1000.0 AS session_duration,
        sum(duration_ms) FILTER (WHERE in_range AND event_type = '_leave') AS leave_ms, count(*) FILTER (WHERE in_range AND event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_n,
        sum(scroll_depth) FILTER (WHERE in_range AND event_type = '_leave') AS scroll, count(*) FILTER (WHERE in_range AND event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_n,
        count(*) FILTER (WHERE in_range AND converts = 1) AS converted,
        arg_min_null(pathname, ts) FILTER (WHERE event_type = 'pageview') AS entry_page
    FROM ev
    GROUP BY session_key
),
per_session AS (
    SELECT entry_page AS g0, session_key, visitor_key, counted, pageviews, session_pageviews, session_goals, session_duration,
        leave_ms, leave_n, scroll, scroll_n, converted
    FROM sessions
)
SELECT g0,
    count(DISTINCT visitor_key) FILTER (WHERE counted > 0) AS visitors,
    count(*) FILTER (WHERE counted > 0) AS sessions,
    sum(pageviews) AS pageviews,
    count(*) FILTER (WHERE counted > 0 AND session_pageviews = 1 AND session_goals = 0) AS bounces,
    sum(session_duration) FILTER (WHERE counted > 0) AS duration_sum,
    sum(leave_ms) AS leave_ms_sum,
    sum(leave_n) AS leave_count,
    sum(scroll) AS scroll_sum,
    sum(scroll_n) AS scroll_count,
    count(DISTINCT visitor_key) FILTER (WHERE converted > 0) AS converted_visitors
FROM per_session
GROUP BY g0
HAVING count(*) FILTER (WHERE counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT ? OFFSET ?
