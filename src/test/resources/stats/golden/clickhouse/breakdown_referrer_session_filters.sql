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
    SELECT s__referrer AS per_session__g0,
        s__session_key AS per_session__session_key,
        s__visitor_key AS per_session__visitor_key,
        CASE WHEN s__crossing THEN coalesce(e__counted, 0) ELSE s__pageviews + s__goals END AS per_session__counted,
        CASE WHEN s__crossing THEN coalesce(e__pageviews, 0) ELSE s__pageviews END AS per_session__pageviews,
        s__pageviews AS per_session__session_pageviews,
        s__goals AS per_session__session_goals,
        s__duration AS per_session__session_duration,
        CASE WHEN s__crossing THEN e__leave_ms ELSE s__leave_ms END AS per_session__leave_ms,
        CASE WHEN s__crossing THEN coalesce(e__leave_n, 0) ELSE s__leave_count END AS per_session__leave_n,
        CASE WHEN s__crossing THEN e__scroll ELSE s__scroll END AS per_session__scroll,
        CASE WHEN s__crossing THEN coalesce(e__scroll_n, 0) ELSE s__scroll_count END AS per_session__scroll_n,
        CASE WHEN s__session_key IN (
            SELECT session_key
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                AND ((event_type = 'goal' AND goal_name = 'signup') OR (event_type = 'pageview' AND pathname LIKE '/docs/%\\_v1'))
        ) THEN 1 ELSE 0 END AS per_session__converted
    FROM (
        SELECT session_key AS s__session_key,
            visitor_key AS s__visitor_key,
            pageviews AS s__pageviews,
            goals AS s__goals,
            leave_ms AS s__leave_ms,
            leave_count AS s__leave_count,
            scroll AS s__scroll,
            scroll_count AS s__scroll_count,
            (ended_at_us - started_at_us) / 1000000.0 AS s__duration,
            referrer AS s__referrer,
            channel AS s__channel,
            utm_campaign AS s__utm_campaign,
            started_at < toDateTime('2026-03-08 05:00:00', 'UTC') OR ended_at >= toDateTime('2026-03-10 04:00:00', 'UTC') AS s__crossing
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
    ) AS s
    ALL LEFT JOIN (
        SELECT near_edges__session_key AS e__session_key,
            countIf(near_edges__event_type IN ('pageview', 'goal')) AS e__counted,
            countIf(near_edges__event_type = 'pageview') AS e__pageviews,
            if(countIf(near_edges__duration_ms IS NOT NULL AND (near_edges__event_type = '_leave')) = 0, NULL, sumIf(near_edges__duration_ms, near_edges__event_type = '_leave')) AS e__leave_ms,
            countIf(near_edges__event_type = '_leave' AND near_edges__duration_ms IS NOT NULL) AS e__leave_n,
            if(countIf(near_edges__scroll_depth IS NOT NULL AND (near_edges__event_type = '_leave')) = 0, NULL, sumIf(near_edges__scroll_depth, near_edges__event_type = '_leave')) AS e__scroll,
            countIf(near_edges__event_type = '_leave' AND near_edges__scroll_depth IS NOT NULL) AS e__scroll_n
        FROM (
            SELECT session_key AS near_edges__session_key,
                event_type AS near_edges__event_type,
                duration_ms AS near_edges__duration_ms,
                scroll_depth AS near_edges__scroll_depth
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
        ) AS near_edges
        WHERE near_edges__session_key IN (
            SELECT session_key
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
                AND (started_at < toDateTime('2026-03-08 05:00:00', 'UTC') OR ended_at >= toDateTime('2026-03-10 04:00:00', 'UTC'))
        )
        GROUP BY near_edges__session_key
    ) AS e ON s__session_key = e__session_key
    WHERE s__channel IN ('Organic Search')
        AND (positionCaseInsensitiveUTF8(s__utm_campaign, 'spring') > 0)
) AS per_session
GROUP BY per_session__g0
HAVING countIf(per_session__counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT 10 OFFSET 20
