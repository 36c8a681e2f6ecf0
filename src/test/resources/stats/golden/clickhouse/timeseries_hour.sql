SELECT per_session__g0 AS g0,
    uniqExactIf(per_session__visitor_key, per_session__counted > 0) AS visitors,
    countIf(per_session__counted > 0) AS sessions,
    if(countIf(per_session__pageviews IS NOT NULL) = 0, NULL, sum(per_session__pageviews)) AS pageviews,
    countIf(per_session__counted > 0 AND per_session__session_pageviews = 1 AND per_session__session_goals = 0) AS bounces,
    if(countIf(per_session__session_duration IS NOT NULL AND (per_session__counted > 0)) = 0, NULL, sumIf(per_session__session_duration, per_session__counted > 0)) AS duration_sum,
    if(countIf(per_session__leave_ms IS NOT NULL) = 0, NULL, sum(per_session__leave_ms)) AS leave_ms_sum,
    if(countIf(per_session__leave_n IS NOT NULL) = 0, NULL, sum(per_session__leave_n)) AS leave_count,
    if(countIf(per_session__scroll IS NOT NULL) = 0, NULL, sum(per_session__scroll)) AS scroll_sum,
    if(countIf(per_session__scroll_n IS NOT NULL) = 0, NULL, sum(per_session__scroll_n)) AS scroll_count,
    uniqExactIf(per_session__visitor_key, per_session__converted > 0) AS converted_visitors
FROM (
    SELECT hits__g0 AS per_session__g0,
        hits__session_key AS per_session__session_key,
        any(hits__visitor_key) AS per_session__visitor_key,
        countIf(hits__event_type IN ('pageview', 'goal')) AS per_session__counted,
        countIf(hits__event_type = 'pageview') AS per_session__pageviews,
        any(hits__session_pageviews) AS per_session__session_pageviews,
        any(hits__session_goals) AS per_session__session_goals,
        any(hits__session_duration) AS per_session__session_duration,
        if(countIf(hits__duration_ms IS NOT NULL AND (hits__event_type = '_leave')) = 0, NULL, sumIf(hits__duration_ms, hits__event_type = '_leave')) AS per_session__leave_ms,
        countIf(hits__event_type = '_leave' AND hits__duration_ms IS NOT NULL) AS per_session__leave_n,
        if(countIf(hits__scroll_depth IS NOT NULL AND (hits__event_type = '_leave')) = 0, NULL, sumIf(hits__scroll_depth, hits__event_type = '_leave')) AS per_session__scroll,
        countIf(hits__event_type = '_leave' AND hits__scroll_depth IS NOT NULL) AS per_session__scroll_n,
        if(countIf(hits__converts IS NOT NULL) = 0, NULL, max(hits__converts)) AS per_session__converted
    FROM (
        SELECT toDateTime(toString(toStartOfHour(e__ts, 'America/New_York')), 'Etc/UTC') AS hits__g0,
            e__session_key AS hits__session_key,
            e__visitor_key AS hits__visitor_key,
            e__event_type AS hits__event_type,
            e__duration_ms AS hits__duration_ms,
            e__scroll_depth AS hits__scroll_depth,
            s__pageviews AS hits__session_pageviews,
            s__goals AS hits__session_goals,
            s__duration AS hits__session_duration,
            0 AS hits__converts
        FROM (
            SELECT session_key AS e__session_key,
                visitor_key AS e__visitor_key,
                ts AS e__ts,
                event_type AS e__event_type,
                pathname AS e__pathname,
                duration_ms AS e__duration_ms,
                scroll_depth AS e__scroll_depth
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
        ) AS e
        ALL INNER JOIN (
            SELECT session_key AS s__session_key,
                pageviews AS s__pageviews,
                goals AS s__goals,
                (ended_at_us - started_at_us) / 1000000.0 AS s__duration
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
                WHERE site_id = 'mrf_site' AND ts >= toDateTime('2026-03-07 05:00:00', 'UTC') AND ts < toDateTime('2026-03-11 04:00:00', 'UTC')
                GROUP BY site_id, session_key
            )
            WHERE site_id = 'mrf_site'
                AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
        ) AS s ON e__session_key = s__session_key
    ) AS hits
    GROUP BY hits__g0, hits__session_key
) AS per_session
GROUP BY per_session__g0
HAVING countIf(per_session__counted > 0) > 0
ORDER BY g0
