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
            WHERE site_id = 'mrf_site'
            GROUP BY session_key
        )
    )
    WHERE site_id = 'mrf_site'
        AND started_at >= toDateTime('2026-02-06 12:00:00', 'UTC')
        AND started_at < toDateTime('2026-03-08 12:00:00', 'UTC')
    GROUP BY visitor_key
) AS v
GROUP BY v__device_type, v__os, v__browser, v__country, v__referrer, v__payer
