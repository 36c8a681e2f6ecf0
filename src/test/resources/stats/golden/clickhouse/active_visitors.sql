SELECT l__visitor_key AS visitor_key,
    l__visitor_id AS visitor_id,
    l__country AS country,
    l__region AS region,
    l__city AS city,
    l__latitude AS latitude,
    l__longitude AS longitude,
    l__browser AS browser,
    l__os AS os,
    l__device_type AS device_type,
    l__pathname AS pathname,
    s__referrer AS referrer,
    s__started_at AS started_at,
    l__last_seen AS last_seen
FROM (
    SELECT visitor_key AS l__visitor_key,
        if(tupleElement(argMax(tuple(isNotNull(session_key), assumeNotNull(session_key)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(session_key), assumeNotNull(session_key)), ts_us), 2), NULL) AS l__session_key,
        if(tupleElement(argMax(tuple(isNotNull(visitor_id), assumeNotNull(visitor_id)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(visitor_id), assumeNotNull(visitor_id)), ts_us), 2), NULL) AS l__visitor_id,
        if(tupleElement(argMax(tuple(isNotNull(country), assumeNotNull(country)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(country), assumeNotNull(country)), ts_us), 2), NULL) AS l__country,
        if(tupleElement(argMax(tuple(isNotNull(region), assumeNotNull(region)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(region), assumeNotNull(region)), ts_us), 2), NULL) AS l__region,
        if(tupleElement(argMax(tuple(isNotNull(city), assumeNotNull(city)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(city), assumeNotNull(city)), ts_us), 2), NULL) AS l__city,
        if(tupleElement(argMax(tuple(isNotNull(latitude), assumeNotNull(latitude)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(latitude), assumeNotNull(latitude)), ts_us), 2), NULL) AS l__latitude,
        if(tupleElement(argMax(tuple(isNotNull(longitude), assumeNotNull(longitude)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(longitude), assumeNotNull(longitude)), ts_us), 2), NULL) AS l__longitude,
        if(tupleElement(argMax(tuple(isNotNull(browser), assumeNotNull(browser)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(browser), assumeNotNull(browser)), ts_us), 2), NULL) AS l__browser,
        if(tupleElement(argMax(tuple(isNotNull(os), assumeNotNull(os)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(os), assumeNotNull(os)), ts_us), 2), NULL) AS l__os,
        if(tupleElement(argMax(tuple(isNotNull(device_type), assumeNotNull(device_type)), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(device_type), assumeNotNull(device_type)), ts_us), 2), NULL) AS l__device_type,
        if(tupleElement(argMaxIf(tuple(isNotNull(pathname), assumeNotNull(pathname)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMaxIf(tuple(isNotNull(pathname), assumeNotNull(pathname)), ts_us, event_type = 'pageview'), 2), NULL) AS l__pathname,
        if(countIf(ts IS NOT NULL) = 0, NULL, max(ts)) AS l__last_seen
    FROM events
    WHERE site_id = 'mrf_site'
        AND ts >= toDateTime('2026-03-08 12:00:00', 'UTC')
    GROUP BY visitor_key
) AS l
ALL LEFT JOIN (
    SELECT session_key AS s__session_key,
        if(countIf(ts IS NOT NULL) = 0, NULL, min(ts)) AS s__started_at,
        if(tupleElement(argMinIf(tuple(isNotNull(coalesce(referrer_source, referrer_domain)), assumeNotNull(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(coalesce(referrer_source, referrer_domain)), assumeNotNull(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 2), NULL) AS s__referrer
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
) AS s ON l__session_key = s__session_key
ORDER BY l__last_seen DESC
