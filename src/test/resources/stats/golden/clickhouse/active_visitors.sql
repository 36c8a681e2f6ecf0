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
        tupleElement(argMax(tuple(toNullable(session_key)), ts_us), 1) AS l__session_key,
        tupleElement(argMax(tuple(toNullable(visitor_id)), ts_us), 1) AS l__visitor_id,
        tupleElement(argMax(tuple(toNullable(country)), ts_us), 1) AS l__country,
        tupleElement(argMax(tuple(toNullable(region)), ts_us), 1) AS l__region,
        tupleElement(argMax(tuple(toNullable(city)), ts_us), 1) AS l__city,
        tupleElement(argMax(tuple(toNullable(latitude)), ts_us), 1) AS l__latitude,
        tupleElement(argMax(tuple(toNullable(longitude)), ts_us), 1) AS l__longitude,
        tupleElement(argMax(tuple(toNullable(browser)), ts_us), 1) AS l__browser,
        tupleElement(argMax(tuple(toNullable(os)), ts_us), 1) AS l__os,
        tupleElement(argMax(tuple(toNullable(device_type)), ts_us), 1) AS l__device_type,
        tupleElement(argMaxIf(tuple(toNullable(pathname)), ts_us, event_type = 'pageview'), 1) AS l__pathname,
        if(countIf(ts IS NOT NULL) = 0, NULL, max(ts)) AS l__last_seen
    FROM events
    WHERE site_id = 'mrf_site'
        AND ts >= toDateTime('2026-03-08 12:00:00', 'UTC')
    GROUP BY visitor_key
) AS l
ALL LEFT JOIN (
    SELECT session_key AS s__session_key,
        if(countIf(ts IS NOT NULL) = 0, NULL, min(ts)) AS s__started_at,
        tupleElement(argMinIf(tuple(toNullable(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 1) AS s__referrer
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
