SELECT toString(day) AS day_text, dimension, if(v = '', NULL, substring(v, 2)) AS value, countIf(e_counted > 0) AS sessions, sum(e_pageviews) AS pageviews, countIf(e_counted > 0 AND s_pageviews = 1 AND s_goals = 0) AS bounces, sumIf(s_duration_ms, e_counted > 0) / 1000.0 AS duration_sum, toFloat64(sum(e_leave_ms)) AS leave_ms_sum, sum(e_leave_n) AS leave_count, toFloat64(sum(e_scroll)) AS scroll_sum, sum(e_scroll_n) AS scroll_count, countIf(e_continued) AS continued_sessions, sumIf(s_duration_ms, e_continued) / 1000.0 AS continued_duration, arrayStringConcat(arrayMap(k -> toString(k), groupUniqArrayIf(vk, e_counted > 0)), ',') AS visitor_keys
FROM (
SELECT day, dimension, v, vk, e_counted, e_pageviews, e_leave_ms, e_leave_n, e_scroll, e_scroll_n, s_pageviews, s_goals, s_duration_ms, e_continued FROM (SELECT a_day[i] AS day, arrayJoin([tuple('total', ''), tuple('entry_page', s_entry_page), tuple('channel', s_channel), tuple('referrer', s_referrer), tuple('utm_source', s_utm_source), tuple('utm_medium', s_utm_medium), tuple('utm_campaign', s_utm_campaign), tuple('utm_term', s_utm_term), tuple('utm_content', s_utm_content), tuple('exit_page', s_exit_page), tuple('country', s_country), tuple('region', s_region), tuple('city', s_city), tuple('device_type', s_device_type), tuple('browser', s_browser), tuple('os', s_os), tuple('screen_width', s_screen_width), tuple('language', s_language)]) AS dv, tupleElement(dv, 1) AS dimension, tupleElement(dv, 2) AS v, vk, a_c[i] AS e_counted, a_pv[i] AS e_pageviews, a_lms[i] AS e_leave_ms, a_ln[i] AS e_leave_n, a_sc[i] AS e_scroll, a_sn[i] AS e_scroll_n, s_pageviews, s_goals, s_duration_ms, e_counted > 0 AND has(a_counted, toString(a_day[i] - 1)) AS e_continued FROM (SELECT session_key, vk, a_day, a_counted, a_c, a_pv, a_lms, a_ln, a_sc, a_sn, s_pageviews, s_goals, s_duration_ms, s_entry_page, s_channel, s_referrer, s_utm_source, s_utm_medium, s_utm_campaign, s_utm_term, s_utm_content, s_exit_page, s_country, s_region, s_city, s_device_type, s_browser, s_os, s_screen_width, s_language FROM (SELECT session_key, any(x_vk) AS vk, groupArray(x_day) AS a_day, groupArrayIf(toString(x_day), x_c > 0) AS a_counted, groupArray(x_c) AS a_c, groupArray(x_pv) AS a_pv, groupArray(x_lms) AS a_lms, groupArray(x_ln) AS a_ln, groupArray(x_sc) AS a_sc, groupArray(x_sn) AS a_sn FROM (SELECT toDate(ts, 'Europe/Berlin') AS x_day, session_key, any(visitor_key) AS x_vk, countIf(event_type IN ('pageview', 'goal')) AS x_c, countIf(event_type = 'pageview') AS x_pv, sumIf(ifNull(duration_ms, toInt64(0)), event_type = '_leave') AS x_lms, countIf(event_type = '_leave' AND isNotNull(duration_ms)) AS x_ln, sumIf(toInt64(ifNull(scroll_depth, toInt16(0))), event_type = '_leave') AS x_sc, countIf(event_type = '_leave' AND isNotNull(scroll_depth)) AS x_sn FROM events PREWHERE session_key GLOBAL IN (SELECT session_key FROM events WHERE site_id = 'mrf_golden' AND ts >= toDateTime('2026-03-29 14:00:00', 'UTC')) WHERE site_id = 'mrf_golden' AND ts >= toDateTime('2026-03-29 12:40:00', 'UTC') AND ts < toDateTime('2026-03-29 22:00:00', 'UTC') GROUP BY x_day, session_key) GROUP BY session_key) AS p ANY INNER JOIN (SELECT session_key, pageviews AS s_pageviews, goals AS s_goals, intDiv(ended_at_us, 1000) - intDiv(started_at_us, 1000) AS s_duration_ms, ifNull(concat('=', entry_page), '') AS s_entry_page, ifNull(concat('=', channel), '') AS s_channel, ifNull(concat('=', referrer), '') AS s_referrer, ifNull(concat('=', utm_source), '') AS s_utm_source, ifNull(concat('=', utm_medium), '') AS s_utm_medium, ifNull(concat('=', utm_campaign), '') AS s_utm_campaign, ifNull(concat('=', utm_term), '') AS s_utm_term, ifNull(concat('=', utm_content), '') AS s_utm_content, ifNull(concat('=', exit_page), '') AS s_exit_page, ifNull(concat('=', country), '') AS s_country, ifNull(concat('=', region), '') AS s_region, ifNull(concat('=', city), '') AS s_city, ifNull(concat('=', device_type), '') AS s_device_type, ifNull(concat('=', browser), '') AS s_browser, ifNull(concat('=', os), '') AS s_os, ifNull(concat('=', toString(screen_width)), '') AS s_screen_width, ifNull(concat('=', language), '') AS s_language FROM (SELECT 'mrf_golden' AS site_id, session_key, visitor_key, started_at, ended_at, started_at_us, ended_at_us, first_counted_at, last_counted_at, pageviews, goals, leave_ms, leave_count, scroll, scroll_count, entry_at, exit_at, entry_page, channel, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, exit_page, country, region, city, device_type, browser, os, screen_width, language
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
        if(argMinIfMerge(entry_page_state) = '', NULL, substring(argMinIfMerge(entry_page_state), 2)) AS entry_page,
        if(argMinIfMerge(channel_state) = '', NULL, substring(argMinIfMerge(channel_state), 2)) AS channel,
        if(argMinIfMerge(referrer_state) = '', NULL, substring(argMinIfMerge(referrer_state), 2)) AS referrer,
        if(argMinIfMerge(utm_source_state) = '', NULL, substring(argMinIfMerge(utm_source_state), 2)) AS utm_source,
        if(argMinIfMerge(utm_medium_state) = '', NULL, substring(argMinIfMerge(utm_medium_state), 2)) AS utm_medium,
        if(argMinIfMerge(utm_campaign_state) = '', NULL, substring(argMinIfMerge(utm_campaign_state), 2)) AS utm_campaign,
        if(argMinIfMerge(utm_term_state) = '', NULL, substring(argMinIfMerge(utm_term_state), 2)) AS utm_term,
        if(argMinIfMerge(utm_content_state) = '', NULL, substring(argMinIfMerge(utm_content_state), 2)) AS utm_content,
        if(argMaxIfMerge(exit_page_state) = '', NULL, substring(argMaxIfMerge(exit_page_state), 2)) AS exit_page,
        if(argMinIfMerge(country_state) = '', NULL, substring(argMinIfMerge(country_state), 2)) AS country,
        if(argMinIfMerge(region_state) = '', NULL, substring(argMinIfMerge(region_state), 2)) AS region,
        if(argMinIfMerge(city_state) = '', NULL, substring(argMinIfMerge(city_state), 2)) AS city,
        if(argMinIfMerge(device_type_state) = '', NULL, substring(argMinIfMerge(device_type_state), 2)) AS device_type,
        if(argMinIfMerge(browser_state) = '', NULL, substring(argMinIfMerge(browser_state), 2)) AS browser,
        if(argMinIfMerge(os_state) = '', NULL, substring(argMinIfMerge(os_state), 2)) AS os,
        if(argMinIfMerge(screen_width_state) = '', NULL, toInt32OrZero(substring(argMinIfMerge(screen_width_state), 2))) AS screen_width,
        if(argMinIfMerge(language_state) = '', NULL, substring(argMinIfMerge(language_state), 2)) AS language
    FROM sessions
    PREWHERE session_key GLOBAL IN (SELECT session_key FROM events WHERE site_id = 'mrf_golden' AND ts >= toDateTime('2026-03-29 14:00:00', 'UTC'))
    WHERE site_id = 'mrf_golden' AND day >= toDate(toDateTime('2026-03-29 12:40:00', 'UTC')) AND day <= toDate(toDateTime('2026-03-30 22:00:00', 'UTC'))
    GROUP BY session_key
))) AS w USING session_key) ARRAY JOIN arrayEnumerate(a_day) AS i)
UNION ALL
SELECT day, dimension, v, vk, e_counted, e_pageviews, e_leave_ms, e_leave_n, e_scroll, e_scroll_n, s_pageviews, s_goals, s_duration_ms, e_continued FROM (SELECT a_day[i] AS day, 'pathname' AS dimension, a_path[i] AS v, vk, a_c[i] AS e_counted, a_pv[i] AS e_pageviews, a_lms[i] AS e_leave_ms, a_ln[i] AS e_leave_n, a_sc[i] AS e_scroll, a_sn[i] AS e_scroll_n, s_pageviews, s_goals, s_duration_ms, e_counted > 0 AND has(a_counted, concat(toString(a_day[i] - 1), a_path[i])) AS e_continued FROM (SELECT session_key, vk, a_day, a_counted, a_c, a_pv, a_lms, a_ln, a_sc, a_sn, s_pageviews, s_goals, s_duration_ms, a_path FROM (SELECT session_key, any(x_vk) AS vk, groupArray(x_day) AS a_day, groupArrayIf(concat(toString(x_day), x_path), x_c > 0) AS a_counted, groupArray(x_path) AS a_path, groupArray(x_c) AS a_c, groupArray(x_pv) AS a_pv, groupArray(x_lms) AS a_lms, groupArray(x_ln) AS a_ln, groupArray(x_sc) AS a_sc, groupArray(x_sn) AS a_sn FROM (SELECT toDate(ts, 'Europe/Berlin') AS x_day, session_key, ifNull(concat('=', pathname), '') AS x_path, any(visitor_key) AS x_vk, countIf(event_type IN ('pageview', 'goal')) AS x_c, countIf(event_type = 'pageview') AS x_pv, sumIf(ifNull(duration_ms, toInt64(0)), event_type = '_leave') AS x_lms, countIf(event_type = '_leave' AND isNotNull(duration_ms)) AS x_ln, sumIf(toInt64(ifNull(scroll_depth, toInt16(0))), event_type = '_leave') AS x_sc, countIf(event_type = '_leave' AND isNotNull(scroll_depth)) AS x_sn FROM events PREWHERE session_key GLOBAL IN (SELECT session_key FROM events WHERE site_id = 'mrf_golden' AND ts >= toDateTime('2026-03-29 14:00:00', 'UTC')) WHERE site_id = 'mrf_golden' AND ts >= toDateTime('2026-03-29 12:40:00', 'UTC') AND ts < toDateTime('2026-03-29 22:00:00', 'UTC') GROUP BY x_day, session_key, x_path) GROUP BY session_key) AS p ANY INNER JOIN (SELECT session_key, pageviews AS s_pageviews, goals AS s_goals, intDiv(ended_at_us, 1000) - intDiv(started_at_us, 1000) AS s_duration_ms FROM (SELECT 'mrf_golden' AS site_id, session_key, visitor_key, started_at, ended_at, started_at_us, ended_at_us, first_counted_at, last_counted_at, pageviews, goals, leave_ms, leave_count, scroll, scroll_count, entry_at, exit_at, entry_page, channel, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, exit_page, country, region, city, device_type, browser, os, screen_width, language
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
        if(argMinIfMerge(entry_page_state) = '', NULL, substring(argMinIfMerge(entry_page_state), 2)) AS entry_page,
        if(argMinIfMerge(channel_state) = '', NULL, substring(argMinIfMerge(channel_state), 2)) AS channel,
        if(argMinIfMerge(referrer_state) = '', NULL, substring(argMinIfMerge(referrer_state), 2)) AS referrer,
        if(argMinIfMerge(utm_source_state) = '', NULL, substring(argMinIfMerge(utm_source_state), 2)) AS utm_source,
        if(argMinIfMerge(utm_medium_state) = '', NULL, substring(argMinIfMerge(utm_medium_state), 2)) AS utm_medium,
        if(argMinIfMerge(utm_campaign_state) = '', NULL, substring(argMinIfMerge(utm_campaign_state), 2)) AS utm_campaign,
        if(argMinIfMerge(utm_term_state) = '', NULL, substring(argMinIfMerge(utm_term_state), 2)) AS utm_term,
        if(argMinIfMerge(utm_content_state) = '', NULL, substring(argMinIfMerge(utm_content_state), 2)) AS utm_content,
        if(argMaxIfMerge(exit_page_state) = '', NULL, substring(argMaxIfMerge(exit_page_state), 2)) AS exit_page,
        if(argMinIfMerge(country_state) = '', NULL, substring(argMinIfMerge(country_state), 2)) AS country,
        if(argMinIfMerge(region_state) = '', NULL, substring(argMinIfMerge(region_state), 2)) AS region,
        if(argMinIfMerge(city_state) = '', NULL, substring(argMinIfMerge(city_state), 2)) AS city,
        if(argMinIfMerge(device_type_state) = '', NULL, substring(argMinIfMerge(device_type_state), 2)) AS device_type,
        if(argMinIfMerge(browser_state) = '', NULL, substring(argMinIfMerge(browser_state), 2)) AS browser,
        if(argMinIfMerge(os_state) = '', NULL, substring(argMinIfMerge(os_state), 2)) AS os,
        if(argMinIfMerge(screen_width_state) = '', NULL, toInt32OrZero(substring(argMinIfMerge(screen_width_state), 2))) AS screen_width,
        if(argMinIfMerge(language_state) = '', NULL, substring(argMinIfMerge(language_state), 2)) AS language
    FROM sessions
    PREWHERE session_key GLOBAL IN (SELECT session_key FROM events WHERE site_id = 'mrf_golden' AND ts >= toDateTime('2026-03-29 14:00:00', 'UTC'))
    WHERE site_id = 'mrf_golden' AND day >= toDate(toDateTime('2026-03-29 12:40:00', 'UTC')) AND day <= toDate(toDateTime('2026-03-30 22:00:00', 'UTC'))
    GROUP BY session_key
))) AS w USING session_key) ARRAY JOIN arrayEnumerate(a_day) AS i)
)
WHERE day >= toDate('2026-03-29') AND day <= toDate('2026-03-29')
GROUP BY day, dimension, v
