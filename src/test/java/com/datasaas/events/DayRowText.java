package com.datasaas.events;

import java.util.Arrays;
import java.util.List;

/**
 * Day rows as lines of text, every field (the sketch's bytes and the visitor keys included), sorted: so two stores'
 * rows, or one store's rows before and after an upgrade, compare as lists with a readable difference.
 */
final class DayRowText {
    private DayRowText() {}

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
