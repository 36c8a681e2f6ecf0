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
