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
        SELECT e__pathname AS hits__g0,
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
                (ended_at_us - started_at_us) / 1000000.0 AS s__duration,
                country AS s__country
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
                WHERE site_id = 'mrf_site' AND ts >= toDateTime('2026-03-07 05:00:00', 'UTC') AND ts < toDateTime('2026-03-11 04:00:00', 'UTC')
                GROUP BY site_id, session_key
            )
            WHERE site_id = 'mrf_site'
                AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
        ) AS s ON e__session_key = s__session_key
        WHERE s__country IN ('DE')
            AND e__visitor_key IN (
                SELECT funnel__visitor_key AS visitor_key
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
                                AND pathname LIKE '/'
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
                                        GROUP BY site_id, session_key
                                    ) AS s
                                    WHERE site_id = 'mrf_site'
                                        AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                                        AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
                                        AND country IN ('DE')
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
                                AND event_type = 'pageview'
                                AND pathname LIKE '/blog/%'
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
                                        GROUP BY site_id, session_key
                                    ) AS s
                                    WHERE site_id = 'mrf_site'
                                        AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                                        AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
                                        AND country IN ('DE')
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
                                    GROUP BY site_id, session_key
                                ) AS s
                                WHERE site_id = 'mrf_site'
                                    AND started_at < toDateTime('2026-03-10 04:00:00', 'UTC')
                                    AND ended_at >= toDateTime('2026-03-08 05:00:00', 'UTC')
                                    AND country IN ('DE')
                            )
                    ) AS e3 ON p2__visitor_key = e3__visitor_key
                    GROUP BY p2__visitor_key
                ) AS funnel
                WHERE funnel__reached >= 2
            )
    ) AS hits
    GROUP BY hits__g0, hits__session_key
) AS per_session
GROUP BY per_session__g0
HAVING countIf(per_session__counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT 10 OFFSET 20
