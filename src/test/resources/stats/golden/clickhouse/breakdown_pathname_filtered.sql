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
            CASE WHEN (e__event_type = 'goal' AND e__goal_name = 'signup') OR (e__event_type = 'pageview' AND e__pathname LIKE '/docs/%\\_v1') THEN 1 ELSE 0 END AS hits__converts
        FROM (
            SELECT session_key AS e__session_key,
                visitor_key AS e__visitor_key,
                ts AS e__ts,
                event_type AS e__event_type,
                pathname AS e__pathname,
                duration_ms AS e__duration_ms,
                scroll_depth AS e__scroll_depth,
                goal_name AS e__goal_name
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
                country AS s__country,
                channel AS s__channel
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
        ) AS s ON e__session_key = s__session_key
        WHERE s__country IN ('US', 'CA')
            AND (s__channel IS NULL OR s__channel NOT IN ('Direct'))
            AND ((positionCaseInsensitiveUTF8(e__pathname, 'blog') > 0) OR (positionCaseInsensitiveUTF8(e__pathname, 'docs') > 0))
    ) AS hits
    GROUP BY hits__g0, hits__session_key
) AS per_session
GROUP BY per_session__g0
HAVING countIf(per_session__counted > 0) > 0
ORDER BY visitors DESC, g0
LIMIT 10 OFFSET 20
