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
            SELECT 'mrf_site' AS site_id, session_key, visitor_key, started_at, ended_at, started_at_us, ended_at_us, first_counted_at, last_counted_at, pageviews, goals, leave_ms, leave_count, scroll, scroll_count, entry_at, exit_at, entry_page, channel, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, exit_page, country, region, city, device_type, browser, os, screen_width, language
            FROM (
                SELECT session_key,
                    anyMerge(visitor_key_state) AS visitor_key,
                    toDateTime(intDiv(minMerge(started_at_us_state), 1000000), 'UTC') AS started_at,
                    toDateTime(intDiv(maxMerge(ended_at_us_state), 1000000), 'UTC') AS ended_at,
                    minMerge(started_at_us_state) AS started_at_us,
                    maxMerge(ended_at_us_state) AS ended_at_us,
                    if(countIfMerge(pageviews_state) + countIfMerge(goals_state) = 0, NULL, minIfMerge(first_counted_at_state)) AS first_counted_at,
                    if(countIfMerge(pageviews_state) + countIfMerge(goals_state) = 0, NULL, maxIfMerge(last_counted_at_state)) AS last_counted_at,
                    countIfMerge(pageviews_state) AS pageviews,
                    countIfMerge(goals_state) AS goals,
                    sumIfMerge(leave_ms_state) AS leave_ms,
                    countIfMerge(leave_count_state) AS leave_count,
                    sumIfMerge(scroll_state) AS scroll,
                    countIfMerge(scroll_count_state) AS scroll_count,
                    if(countIfMerge(pageviews_state) = 0, NULL, minIfMerge(entry_at_state)) AS entry_at,
                    if(countIfMerge(pageviews_state) = 0, NULL, maxIfMerge(exit_at_state)) AS exit_at,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 1) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 1), 2)) AS entry_page,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 2) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 2), 2)) AS channel,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 3) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 3), 2)) AS referrer,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 4) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 4), 2)) AS utm_source,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 5) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 5), 2)) AS utm_medium,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 6) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 6), 2)) AS utm_campaign,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 7) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 7), 2)) AS utm_term,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 8) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 8), 2)) AS utm_content,
                    if(argMaxIfMerge(exit_page_state) = '', NULL, substring(argMaxIfMerge(exit_page_state), 2)) AS exit_page,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 9) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 9), 2)) AS country,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 10) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 10), 2)) AS region,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 11) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 11), 2)) AS city,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 12) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 12), 2)) AS device_type,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 13) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 13), 2)) AS browser,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 14) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 14), 2)) AS os,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 15) = '', NULL, toInt32OrZero(substring(tupleElement(argMinIfMerge(entry_attributes_state), 15), 2))) AS screen_width,
                    if(tupleElement(argMinIfMerge(entry_attributes_state), 16) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 16), 2)) AS language
                FROM sessions
                WHERE site_id = 'mrf_site' AND day >= toDate(toDateTime('2026-03-07 05:00:00', 'UTC')) AND day <= toDate(toDateTime('2026-03-11 04:00:00', 'UTC'))
                GROUP BY session_key
            )
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
                SELECT 'mrf_site' AS site_id, session_key, visitor_key, started_at, ended_at, started_at_us, ended_at_us, first_counted_at, last_counted_at, pageviews, goals, leave_ms, leave_count, scroll, scroll_count, entry_at, exit_at, entry_page, channel, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, exit_page, country, region, city, device_type, browser, os, screen_width, language
                FROM (
                    SELECT session_key,
                        anyMerge(visitor_key_state) AS visitor_key,
                        toDateTime(intDiv(minMerge(started_at_us_state), 1000000), 'UTC') AS started_at,
                        toDateTime(intDiv(maxMerge(ended_at_us_state), 1000000), 'UTC') AS ended_at,
                        minMerge(started_at_us_state) AS started_at_us,
                        maxMerge(ended_at_us_state) AS ended_at_us,
                        if(countIfMerge(pageviews_state) + countIfMerge(goals_state) = 0, NULL, minIfMerge(first_counted_at_state)) AS first_counted_at,
                        if(countIfMerge(pageviews_state) + countIfMerge(goals_state) = 0, NULL, maxIfMerge(last_counted_at_state)) AS last_counted_at,
                        countIfMerge(pageviews_state) AS pageviews,
                        countIfMerge(goals_state) AS goals,
                        sumIfMerge(leave_ms_state) AS leave_ms,
                        countIfMerge(leave_count_state) AS leave_count,
                        sumIfMerge(scroll_state) AS scroll,
                        countIfMerge(scroll_count_state) AS scroll_count,
                        if(countIfMerge(pageviews_state) = 0, NULL, minIfMerge(entry_at_state)) AS entry_at,
                        if(countIfMerge(pageviews_state) = 0, NULL, maxIfMerge(exit_at_state)) AS exit_at,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 1) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 1), 2)) AS entry_page,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 2) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 2), 2)) AS channel,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 3) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 3), 2)) AS referrer,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 4) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 4), 2)) AS utm_source,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 5) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 5), 2)) AS utm_medium,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 6) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 6), 2)) AS utm_campaign,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 7) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 7), 2)) AS utm_term,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 8) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 8), 2)) AS utm_content,
                        if(argMaxIfMerge(exit_page_state) = '', NULL, substring(argMaxIfMerge(exit_page_state), 2)) AS exit_page,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 9) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 9), 2)) AS country,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 10) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 10), 2)) AS region,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 11) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 11), 2)) AS city,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 12) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 12), 2)) AS device_type,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 13) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 13), 2)) AS browser,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 14) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 14), 2)) AS os,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 15) = '', NULL, toInt32OrZero(substring(tupleElement(argMinIfMerge(entry_attributes_state), 15), 2))) AS screen_width,
                        if(tupleElement(argMinIfMerge(entry_attributes_state), 16) = '', NULL, substring(tupleElement(argMinIfMerge(entry_attributes_state), 16), 2)) AS language
                    FROM sessions
                    WHERE site_id = 'mrf_site' AND ((day >= toDate(toDateTime('2026-03-07 05:00:00', 'UTC')) AND day <= toDate(toDateTime('2026-03-09 05:00:00', 'UTC'))) OR (day >= toDate(toDateTime('2026-03-09 04:00:00', 'UTC')) AND day <= toDate(toDateTime('2026-03-11 04:00:00', 'UTC'))))
                    GROUP BY session_key
                )
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
