SELECT v__device_type AS device_type,
    v__os AS os,
    v__browser AS browser,
    v__country AS country,
    v__referrer AS referrer,
    v__payer AS payer,
    count() AS visitors,
    countIf(v__goals > 0) AS goal_converters
FROM (
    SELECT visitor_key AS v__visitor_key,
        tupleElement(argMinIf(tuple(toNullable(device_type)), started_at, pageviews > 0), 1) AS v__device_type,
        tupleElement(argMinIf(tuple(toNullable(os)), started_at, pageviews > 0), 1) AS v__os,
        tupleElement(argMinIf(tuple(toNullable(browser)), started_at, pageviews > 0), 1) AS v__browser,
        tupleElement(argMinIf(tuple(toNullable(country)), started_at, pageviews > 0), 1) AS v__country,
        tupleElement(argMinIf(tuple(toNullable(referrer)), started_at, pageviews > 0), 1) AS v__referrer,
        if(countIf(goals IS NOT NULL) = 0, NULL, sum(goals)) AS v__goals,
        CASE WHEN visitor_key IN (7, 9) THEN visitor_key END AS v__payer
    FROM (
        SELECT site_id,
            session_key,
            any(visitor_key) AS visitor_key,
            min(ts) AS started_at,
            max(ts) AS ended_at,
            min(ts_us) AS started_at_us,
            max(ts_us) AS ended_at_us,
            if(countIf(event_type IN ('pageview', 'goal')) = 0, NULL, minIf(ts, event_type IN ('pageview', 'goal'))) AS first_counted_at,
            if(countIf(event_type IN ('pageview', 'goal')) = 0, NULL, maxIf(ts, event_type IN ('pageview', 'goal'))) AS last_counted_at,
            countIf(event_type = 'pageview') AS pageviews,
            countIf(event_type = 'goal') AS goals,
            sumIf(ifNull(duration_ms, 0), event_type = '_leave') AS leave_ms,
            countIf(event_type = '_leave' AND duration_ms IS NOT NULL) AS leave_count,
            sumIf(ifNull(scroll_depth, 0), event_type = '_leave') AS scroll,
            countIf(event_type = '_leave' AND scroll_depth IS NOT NULL) AS scroll_count,
            if(countIf(event_type = 'pageview') = 0, NULL, minIf(ts, event_type = 'pageview')) AS entry_at,
            if(countIf(event_type = 'pageview') = 0, NULL, maxIf(ts, event_type = 'pageview')) AS exit_at,
            tupleElement(argMinIf(tuple(toNullable(pathname)), ts_us, event_type = 'pageview'), 1) AS entry_page,
            tupleElement(argMinIf(tuple(toNullable(channel)), ts_us, event_type = 'pageview'), 1) AS channel,
            tupleElement(argMinIf(tuple(toNullable(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 1) AS referrer,
            tupleElement(argMinIf(tuple(toNullable(utm_source)), ts_us, event_type = 'pageview'), 1) AS utm_source,
            tupleElement(argMinIf(tuple(toNullable(utm_medium)), ts_us, event_type = 'pageview'), 1) AS utm_medium,
            tupleElement(argMinIf(tuple(toNullable(utm_campaign)), ts_us, event_type = 'pageview'), 1) AS utm_campaign,
            tupleElement(argMinIf(tuple(toNullable(utm_term)), ts_us, event_type = 'pageview'), 1) AS utm_term,
            tupleElement(argMinIf(tuple(toNullable(utm_content)), ts_us, event_type = 'pageview'), 1) AS utm_content,
            tupleElement(argMaxIf(tuple(toNullable(pathname)), ts_us, event_type = 'pageview'), 1) AS exit_page,
            tupleElement(argMinIf(tuple(toNullable(country)), ts_us, event_type = 'pageview'), 1) AS country,
            tupleElement(argMinIf(tuple(toNullable(region)), ts_us, event_type = 'pageview'), 1) AS region,
            tupleElement(argMinIf(tuple(toNullable(city)), ts_us, event_type = 'pageview'), 1) AS city,
            tupleElement(argMinIf(tuple(toNullable(device_type)), ts_us, event_type = 'pageview'), 1) AS device_type,
            tupleElement(argMinIf(tuple(toNullable(browser)), ts_us, event_type = 'pageview'), 1) AS browser,
            tupleElement(argMinIf(tuple(toNullable(os)), ts_us, event_type = 'pageview'), 1) AS os,
            tupleElement(argMinIf(tuple(toNullable(screen_width)), ts_us, event_type = 'pageview'), 1) AS screen_width,
            tupleElement(argMinIf(tuple(toNullable(language)), ts_us, event_type = 'pageview'), 1) AS language
        FROM events
        WHERE site_id = 'mrf_site'
        GROUP BY site_id, session_key
    )
    WHERE site_id = 'mrf_site'
        AND started_at >= toDateTime('2026-02-06 12:00:00', 'UTC')
        AND started_at < toDateTime('2026-03-08 12:00:00', 'UTC')
    GROUP BY visitor_key
) AS v
GROUP BY v__device_type, v__os, v__browser, v__country, v__referrer, v__payer
