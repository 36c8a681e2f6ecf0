SELECT count() AS step_1,
    countIf(funnel__reached >= 2) AS step_2,
    countIf(funnel__reached >= 3) AS step_3
FROM (
    SELECT p2__visitor_key AS funnel__visitor_key,
        any(p2__reached) + if(countIf(CASE WHEN p2__reached = 2 AND e3__ts > p2__t THEN 1 ELSE 0 END IS NOT NULL) = 0, NULL, max(CASE WHEN p2__reached = 2 AND e3__ts > p2__t THEN 1 ELSE 0 END)) AS funnel__reached,
        if(countIf(e3__ts IS NOT NULL AND (p2__reached = 2 AND e3__ts > p2__t)) = 0, NULL, minIf(e3__ts, p2__reached = 2 AND e3__ts > p2__t)) AS funnel__t
    FROM (
        SELECT p1__visitor_key AS p2__visitor_key,
            any(p1__reached) + if(countIf(CASE WHEN p1__reached = 1 AND e2__ts > p1__t THEN 1 ELSE 0 END IS NOT NULL) = 0, NULL, max(CASE WHEN p1__reached = 1 AND e2__ts > p1__t THEN 1 ELSE 0 END)) AS p2__reached,
            if(countIf(e2__ts IS NOT NULL AND (p1__reached = 1 AND e2__ts > p1__t)) = 0, NULL, minIf(e2__ts, p1__reached = 1 AND e2__ts > p1__t)) AS p2__t
        FROM (
            SELECT visitor_key AS p1__visitor_key,
                1 AS p1__reached,
                if(countIf(ts IS NOT NULL) = 0, NULL, min(ts)) AS p1__t
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                AND event_type = 'pageview'
                AND pathname LIKE '/x\' OR 1=1 --\\\\\\\\%'
                AND session_key IN (
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
                        GROUP BY site_id, session_key
                    ) AS s
                    WHERE site_id = 'mrf_site'
                        AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                        AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
                        AND country IN ('DE')
                )
                AND session_key IN (
                    SELECT matched__session_key AS session_key
                    FROM (
                        SELECT session_key AS matched__session_key,
                            countIf(pathname IN ('/admin')) AS matched__f0
                        FROM events AS e
                        WHERE site_id = 'mrf_site'
                            AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                            AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                        GROUP BY session_key
                    ) AS matched
                    WHERE matched__f0 = 0
                )
            GROUP BY visitor_key
        ) AS p1
        ALL LEFT JOIN (
            SELECT visitor_key AS e2__visitor_key,
                ts AS e2__ts
            FROM events
            WHERE site_id = 'mrf_site'
                AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                AND event_type = 'goal'
                AND goal_name = 'signup'
                AND session_key IN (
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
                        GROUP BY site_id, session_key
                    ) AS s
                    WHERE site_id = 'mrf_site'
                        AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                        AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
                        AND country IN ('DE')
                )
                AND session_key IN (
                    SELECT matched__session_key AS session_key
                    FROM (
                        SELECT session_key AS matched__session_key,
                            countIf(pathname IN ('/admin')) AS matched__f0
                        FROM events AS e
                        WHERE site_id = 'mrf_site'
                            AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                            AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                        GROUP BY session_key
                    ) AS matched
                    WHERE matched__f0 = 0
                )
        ) AS e2 ON p1__visitor_key = e2__visitor_key
        GROUP BY p1__visitor_key
    ) AS p2
    ALL LEFT JOIN (
        SELECT visitor_key AS e3__visitor_key,
            ts AS e3__ts
        FROM events
        WHERE site_id = 'mrf_site'
            AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
            AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
            AND event_type = 'pageview'
            AND pathname LIKE '/thanks'
            AND session_key IN (
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
                    GROUP BY site_id, session_key
                ) AS s
                WHERE site_id = 'mrf_site'
                    AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                    AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
                    AND country IN ('DE')
            )
            AND session_key IN (
                SELECT matched__session_key AS session_key
                FROM (
                    SELECT session_key AS matched__session_key,
                        countIf(pathname IN ('/admin')) AS matched__f0
                    FROM events AS e
                    WHERE site_id = 'mrf_site'
                        AND ts >= toDateTime('2026-03-08 05:00:00', 'UTC')
                        AND ts < toDateTime('2026-03-10 04:00:00', 'UTC')
                    GROUP BY session_key
                ) AS matched
                WHERE matched__f0 = 0
            )
    ) AS e3 ON p2__visitor_key = e3__visitor_key
    GROUP BY p2__visitor_key
) AS funnel
