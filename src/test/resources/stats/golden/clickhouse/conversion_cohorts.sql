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
        if(tupleElement(argMinIf(tuple(isNotNull(device_type), assumeNotNull(device_type)), started_at, pageviews > 0), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(device_type), assumeNotNull(device_type)), started_at, pageviews > 0), 2), NULL) AS v__device_type,
        if(tupleElement(argMinIf(tuple(isNotNull(os), assumeNotNull(os)), started_at, pageviews > 0), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(os), assumeNotNull(os)), started_at, pageviews > 0), 2), NULL) AS v__os,
        if(tupleElement(argMinIf(tuple(isNotNull(browser), assumeNotNull(browser)), started_at, pageviews > 0), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(browser), assumeNotNull(browser)), started_at, pageviews > 0), 2), NULL) AS v__browser,
        if(tupleElement(argMinIf(tuple(isNotNull(country), assumeNotNull(country)), started_at, pageviews > 0), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(country), assumeNotNull(country)), started_at, pageviews > 0), 2), NULL) AS v__country,
        if(tupleElement(argMinIf(tuple(isNotNull(referrer), assumeNotNull(referrer)), started_at, pageviews > 0), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(referrer), assumeNotNull(referrer)), started_at, pageviews > 0), 2), NULL) AS v__referrer,
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
            if(tupleElement(argMinIf(tuple(isNotNull(pathname), assumeNotNull(pathname)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(pathname), assumeNotNull(pathname)), ts_us, event_type = 'pageview'), 2), NULL) AS entry_page,
            if(tupleElement(argMinIf(tuple(isNotNull(channel), assumeNotNull(channel)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(channel), assumeNotNull(channel)), ts_us, event_type = 'pageview'), 2), NULL) AS channel,
            if(tupleElement(argMinIf(tuple(isNotNull(coalesce(referrer_source, referrer_domain)), assumeNotNull(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(coalesce(referrer_source, referrer_domain)), assumeNotNull(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 2), NULL) AS referrer,
            if(tupleElement(argMinIf(tuple(isNotNull(utm_source), assumeNotNull(utm_source)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(utm_source), assumeNotNull(utm_source)), ts_us, event_type = 'pageview'), 2), NULL) AS utm_source,
            if(tupleElement(argMinIf(tuple(isNotNull(utm_medium), assumeNotNull(utm_medium)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(utm_medium), assumeNotNull(utm_medium)), ts_us, event_type = 'pageview'), 2), NULL) AS utm_medium,
            if(tupleElement(argMinIf(tuple(isNotNull(utm_campaign), assumeNotNull(utm_campaign)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(utm_campaign), assumeNotNull(utm_campaign)), ts_us, event_type = 'pageview'), 2), NULL) AS utm_campaign,
            if(tupleElement(argMinIf(tuple(isNotNull(utm_term), assumeNotNull(utm_term)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(utm_term), assumeNotNull(utm_term)), ts_us, event_type = 'pageview'), 2), NULL) AS utm_term,
            if(tupleElement(argMinIf(tuple(isNotNull(utm_content), assumeNotNull(utm_content)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(utm_content), assumeNotNull(utm_content)), ts_us, event_type = 'pageview'), 2), NULL) AS utm_content,
            if(tupleElement(argMaxIf(tuple(isNotNull(pathname), assumeNotNull(pathname)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMaxIf(tuple(isNotNull(pathname), assumeNotNull(pathname)), ts_us, event_type = 'pageview'), 2), NULL) AS exit_page,
            if(tupleElement(argMinIf(tuple(isNotNull(country), assumeNotNull(country)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(country), assumeNotNull(country)), ts_us, event_type = 'pageview'), 2), NULL) AS country,
            if(tupleElement(argMinIf(tuple(isNotNull(region), assumeNotNull(region)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(region), assumeNotNull(region)), ts_us, event_type = 'pageview'), 2), NULL) AS region,
            if(tupleElement(argMinIf(tuple(isNotNull(city), assumeNotNull(city)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(city), assumeNotNull(city)), ts_us, event_type = 'pageview'), 2), NULL) AS city,
            if(tupleElement(argMinIf(tuple(isNotNull(device_type), assumeNotNull(device_type)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(device_type), assumeNotNull(device_type)), ts_us, event_type = 'pageview'), 2), NULL) AS device_type,
            if(tupleElement(argMinIf(tuple(isNotNull(browser), assumeNotNull(browser)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(browser), assumeNotNull(browser)), ts_us, event_type = 'pageview'), 2), NULL) AS browser,
            if(tupleElement(argMinIf(tuple(isNotNull(os), assumeNotNull(os)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(os), assumeNotNull(os)), ts_us, event_type = 'pageview'), 2), NULL) AS os,
            if(tupleElement(argMinIf(tuple(isNotNull(screen_width), assumeNotNull(screen_width)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(screen_width), assumeNotNull(screen_width)), ts_us, event_type = 'pageview'), 2), NULL) AS screen_width,
            if(tupleElement(argMinIf(tuple(isNotNull(language), assumeNotNull(language)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(language), assumeNotNull(language)), ts_us, event_type = 'pageview'), 2), NULL) AS language
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
