SELECT p__user_id AS user_id,
    if(tupleElement(argMax(tuple(isNotNull(p__visitor_id), assumeNotNull(p__visitor_id)), p__last_seen), 1) = 1, tupleElement(argMax(tuple(isNotNull(p__visitor_id), assumeNotNull(p__visitor_id)), p__last_seen), 2), NULL) AS visitor_id,
    if(countIf(p__first_seen IS NOT NULL) = 0, NULL, min(p__first_seen)) AS first_seen,
    if(countIf(p__last_seen IS NOT NULL) = 0, NULL, max(p__last_seen)) AS last_seen,
    if(countIf(p__pageviews IS NOT NULL) = 0, NULL, sum(p__pageviews)) AS pageviews,
    if(countIf(p__goals IS NOT NULL) = 0, NULL, sum(p__goals)) AS goals,
    if(tupleElement(argMax(tuple(isNotNull(p__country), assumeNotNull(p__country)), p__last_seen), 1) = 1, tupleElement(argMax(tuple(isNotNull(p__country), assumeNotNull(p__country)), p__last_seen), 2), NULL) AS country,
    if(tupleElement(argMax(tuple(isNotNull(p__city), assumeNotNull(p__city)), p__last_seen), 1) = 1, tupleElement(argMax(tuple(isNotNull(p__city), assumeNotNull(p__city)), p__last_seen), 2), NULL) AS city,
    if(tupleElement(argMax(tuple(isNotNull(p__browser), assumeNotNull(p__browser)), p__last_seen), 1) = 1, tupleElement(argMax(tuple(isNotNull(p__browser), assumeNotNull(p__browser)), p__last_seen), 2), NULL) AS browser,
    if(tupleElement(argMax(tuple(isNotNull(p__os), assumeNotNull(p__os)), p__last_seen), 1) = 1, tupleElement(argMax(tuple(isNotNull(p__os), assumeNotNull(p__os)), p__last_seen), 2), NULL) AS os,
    if(tupleElement(argMax(tuple(isNotNull(p__device_type), assumeNotNull(p__device_type)), p__last_seen), 1) = 1, tupleElement(argMax(tuple(isNotNull(p__device_type), assumeNotNull(p__device_type)), p__last_seen), 2), NULL) AS device_type,
    if(tupleElement(argMin(tuple(isNotNull(p__referrer), assumeNotNull(p__referrer)), p__first_seen), 1) = 1, tupleElement(argMin(tuple(isNotNull(p__referrer), assumeNotNull(p__referrer)), p__first_seen), 2), NULL) AS referrer,
    count() AS devices
FROM (
    SELECT v__visitor_key AS p__visitor_key,
        v__visitor_id AS p__visitor_id,
        v__first_seen AS p__first_seen,
        v__last_seen AS p__last_seen,
        v__pageviews AS p__pageviews,
        v__goals AS p__goals,
        v__country AS p__country,
        v__city AS p__city,
        v__browser AS p__browser,
        v__os AS p__os,
        v__device_type AS p__device_type,
        v__referrer AS p__referrer,
        i__user_id AS p__user_id,
        CASE WHEN i__user_id IS NULL THEN v__visitor_id END AS p__anonymous
    FROM (
        SELECT visitor_key AS v__visitor_key,
            any(visitor_id) AS v__visitor_id,
            if(countIf(ts IS NOT NULL) = 0, NULL, min(ts)) AS v__first_seen,
            if(countIf(ts IS NOT NULL) = 0, NULL, max(ts)) AS v__last_seen,
            countIf(event_type = 'pageview') AS v__pageviews,
            countIf(event_type = 'goal') AS v__goals,
            if(tupleElement(argMaxIf(tuple(isNotNull(country), assumeNotNull(country)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMaxIf(tuple(isNotNull(country), assumeNotNull(country)), ts_us, event_type = 'pageview'), 2), NULL) AS v__country,
            if(tupleElement(argMaxIf(tuple(isNotNull(city), assumeNotNull(city)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMaxIf(tuple(isNotNull(city), assumeNotNull(city)), ts_us, event_type = 'pageview'), 2), NULL) AS v__city,
            if(tupleElement(argMaxIf(tuple(isNotNull(browser), assumeNotNull(browser)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMaxIf(tuple(isNotNull(browser), assumeNotNull(browser)), ts_us, event_type = 'pageview'), 2), NULL) AS v__browser,
            if(tupleElement(argMaxIf(tuple(isNotNull(os), assumeNotNull(os)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMaxIf(tuple(isNotNull(os), assumeNotNull(os)), ts_us, event_type = 'pageview'), 2), NULL) AS v__os,
            if(tupleElement(argMaxIf(tuple(isNotNull(device_type), assumeNotNull(device_type)), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMaxIf(tuple(isNotNull(device_type), assumeNotNull(device_type)), ts_us, event_type = 'pageview'), 2), NULL) AS v__device_type,
            if(tupleElement(argMinIf(tuple(isNotNull(coalesce(referrer_source, referrer_domain)), assumeNotNull(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 1) = 1, tupleElement(argMinIf(tuple(isNotNull(coalesce(referrer_source, referrer_domain)), assumeNotNull(coalesce(referrer_source, referrer_domain))), ts_us, event_type = 'pageview'), 2), NULL) AS v__referrer
        FROM events
        WHERE site_id = 'mrf_site'
            AND ts >= toDateTime('2026-03-01 00:00:00', 'UTC')
            AND ts < toDateTime('2026-04-01 00:00:00', 'UTC')
            AND event_type IN ('pageview', 'goal')
            AND visitor_key IN (7, 9)
        GROUP BY visitor_key
    ) AS v
    ANY LEFT JOIN (
        SELECT visitor_key AS i__visitor_key,
            if(tupleElement(argMax(tuple(isNotNull(nullIf(visitParamExtractString(metadata, 'user_id'), '')), assumeNotNull(nullIf(visitParamExtractString(metadata, 'user_id'), ''))), ts_us), 1) = 1, tupleElement(argMax(tuple(isNotNull(nullIf(visitParamExtractString(metadata, 'user_id'), '')), assumeNotNull(nullIf(visitParamExtractString(metadata, 'user_id'), ''))), ts_us), 2), NULL) AS i__user_id
        FROM events
        WHERE site_id = 'mrf_site'
            AND event_type = '_identify'
        GROUP BY visitor_key
    ) AS i ON v__visitor_key = i__visitor_key
) AS p
GROUP BY p__user_id, p__anonymous
ORDER BY last_seen DESC, visitor_id
LIMIT 50 OFFSET 100
