package com.datasaas.events;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Day rows as lines of text, every field (the sketch's bytes and the visitor keys included), sorted: so two stores'
 * rows, or one store's rows before and after an upgrade, compare as lists with a readable difference.
 */
final class DayRowText {
    /** Every row of {@code day_rollup} in one text, sketches included, in a fixed order. */
    static final String STORED_ROWS = "SELECT concat(site_id, '|', zone, '|', toString(day), '|', dimension, '|',"
            + " ifNull(value, '(null)'), '|', toString(version), '|', toString(visitors), '|', toString(sessions), '|',"
            + " toString(pageviews), '|', toString(bounces), '|', toString(duration_sum), '|', toString(leave_ms_sum),"
            + " '|', toString(leave_count), '|', toString(scroll_sum), '|', toString(scroll_count), '|',"
            + " toString(continued_sessions), '|', toString(continued_duration), '|', hex(visitor_sketch)) AS row"
            + " FROM day_rollup ORDER BY row";

    private DayRowText() {}

    /** A query's first column, its rows joined by new lines. */
    static String query(ClickHouseEventStore store, String sql) {
        return store.query(sql, List.of(), (rs, n) -> rs.getString(1)).stream().collect(Collectors.joining("\n"));
    }

    /** Visitor keys in the order stored: for a comparison byte for byte. */
    static List<String> of(List<DayRow> rows) {
        return lines(rows, false);
    }

    /** Visitor keys sorted first: a live day's keys come in the order its server met them, which differs by server. */
    static List<String> keysInAnyOrder(List<DayRow> rows) {
        return lines(rows, true);
    }

    private static List<String> lines(List<DayRow> rows, boolean sortKeys) {
        return rows.stream().map(r -> line(r, sortKeys)).sorted().toList();
    }

    private static String line(DayRow r, boolean sortKeys) {
        long[] keys = r.visitorKeys() == null ? null : r.visitorKeys().clone();
        if (keys != null && sortKeys) Arrays.sort(keys);
        return List.of(
                        r.day(),
                        String.valueOf(r.value()),
                        r.visitors(),
                        r.sessions(),
                        r.pageviews(),
                        r.bounces(),
                        r.durationSum(),
                        r.leaveMsSum(),
                        r.leaveCount(),
                        r.scrollSum(),
                        r.scrollCount(),
                        r.continuedSessions(),
                        r.continuedDuration())
                + " sketch " + Arrays.toString(r.sketch()) + " keys " + Arrays.toString(keys);
    }
}
