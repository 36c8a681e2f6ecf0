package com.datasaas.stats;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Time buckets of a timeseries, in local time of the query's zone. Weeks start on Monday (ISO). */
public enum Interval {
    HOUR,
    DAY,
    WEEK,
    MONTH;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Interval> fromApiName(String name) {
        for (Interval i : values()) {
            if (i.apiName().equals(name)) return Optional.of(i);
        }
        return Optional.empty();
    }

    /** Start of the bucket holding {@code t}; matches what the dialects' truncation returns. */
    LocalDateTime truncate(LocalDateTime t) {
        return switch (this) {
            case HOUR -> t.withMinute(0).withSecond(0).withNano(0);
            case DAY -> t.toLocalDate().atStartOfDay();
            case WEEK ->
                t.toLocalDate()
                        .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                        .atStartOfDay();
            case MONTH -> t.toLocalDate().withDayOfMonth(1).atStartOfDay();
        };
    }

    /**
     * Every bucket start from {@code start} to {@code end} inclusive, as local wall-clock times. On the day clocks go
     * back, the repeated local hour is one bucket; on the day they go forward, the skipped hour is an empty bucket.
     */
    List<LocalDateTime> buckets(LocalDate start, LocalDate end) {
        List<LocalDateTime> out = new ArrayList<>();
        LocalDateTime last = end.atTime(23, 59);
        for (LocalDateTime t = truncate(start.atStartOfDay()); !t.isAfter(last); t = next(t)) {
            out.add(t);
        }
        return out;
    }

    private LocalDateTime next(LocalDateTime t) {
        return switch (this) {
            case HOUR -> t.plusHours(1);
            case DAY -> t.plusDays(1);
            case WEEK -> t.plusWeeks(1);
            case MONTH -> t.plusMonths(1);
        };
    }
}
