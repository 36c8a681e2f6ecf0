package com.datasaas.sql;

import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.asc;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.count;
import static com.datasaas.sql.Sql.ge;
import static com.datasaas.sql.Sql.lt;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DuckDB dialect's time buckets (the UTC epoch plus the zone's offsets, as integers) against Java's zone rules
 * and against DuckDB's own {@code date_trunc(timezone(zone, ts))}, which they replace, in a real in-memory DuckDB:
 * a year of instants 7 min 13 s apart, in zones with DST changes of an hour and of half an hour, with offsets that
 * are not whole hours, and with none.
 */
class DuckDbTimeBucketTest {
    private static final List<ZoneId> ZONES = List.of(
            ZoneId.of("UTC"),
            ZoneId.of("America/New_York"),
            ZoneId.of("Europe/Berlin"),
            ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("Asia/Kolkata"),
            ZoneId.of("Pacific/Chatham"));
    private static final Instant FIRST = Instant.parse("2025-12-25T00:00:00Z");
    private static final int STEP_SECONDS = 433;
    private static final int ROWS = 75_000;

    private static Connection db;
    private final DuckDbDialect dialect = new DuckDbDialect();

    @BeforeAll
    static void events() throws SQLException {
        db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE events AS SELECT TIMESTAMPTZ '2025-12-25 00:00:00+00' + to_seconds(i * "
                    + STEP_SECONDS + ") AS ts FROM range(0, " + ROWS + ") AS r(i)");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void buckets_match_the_zone_rules_and_the_zone_conversion_they_replace() throws SQLException {
        for (ZoneId zone : ZONES) {
            // A local year plus a few days, so both DST changes and a year's end fall inside.
            Instant from = LocalDate.of(2026, 1, 1).atStartOfDay(zone).toInstant();
            Instant until = LocalDate.of(2027, 1, 3).atStartOfDay(zone).toInstant();
            for (Sql.BucketSize size : Sql.BucketSize.values()) {
                Map<LocalDateTime, Long> expected = new TreeMap<>();
                for (int i = 0; i < ROWS; i++) {
                    Instant t = FIRST.plusSeconds((long) i * STEP_SECONDS);
                    if (t.isBefore(from) || !t.isBefore(until)) continue;
                    expected.merge(truncate(LocalDateTime.ofInstant(t, zone), size), 1L, Long::sum);
                }
                Map<LocalDateTime, Long> buckets = run(dialect.print(select(
                                as(new Sql.TimeBucket(size, col("ts"), zone, from, until), "bucket"), as(count(), "n"))
                        .from(table("events"))
                        .where(ge(col("ts"), value(from)), lt(col("ts"), value(until)))
                        .groupBy(List.of(col("bucket")))
                        .orderBy(asc(col("bucket")))
                        .build()));
                Map<LocalDateTime, Long> converted = run(new CompiledQuery(
                        "SELECT date_trunc('" + size.name().toLowerCase(Locale.ROOT)
                                + "', timezone(?, ts)) AS bucket, count(*) FROM events WHERE ts >= ? AND ts < ?"
                                + " GROUP BY bucket",
                        List.of(
                                zone.getId(),
                                OffsetDateTime.ofInstant(from, ZoneOffset.UTC),
                                OffsetDateTime.ofInstant(until, ZoneOffset.UTC))));
                assertThat(expected).as(zone + " " + size).isNotEmpty();
                assertThat(buckets).as(zone + " " + size).isEqualTo(expected).isEqualTo(converted);
            }
        }
    }

    @Test
    void one_offset_needs_no_case() {
        Instant from = Instant.parse("2026-07-01T04:00:00Z");
        Instant until = Instant.parse("2026-07-02T04:00:00Z");
        String sql = dialect.print(select(as(
                                new Sql.TimeBucket(
                                        Sql.BucketSize.HOUR, col("ts"), ZoneId.of("America/New_York"), from, until),
                                "bucket"))
                        .from(table("events"))
                        .build())
                .sql();
        assertThat(sql).contains("make_timestamp(epoch_us(ts) - 14400000000)").doesNotContain("CASE");
    }

    private static LocalDateTime truncate(LocalDateTime t, Sql.BucketSize size) {
        return switch (size) {
            case HOUR -> t.withMinute(0).withSecond(0).withNano(0);
            case DAY -> t.toLocalDate().atStartOfDay();
            case WEEK ->
                t.toLocalDate()
                        .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                        .atStartOfDay();
            case MONTH -> t.toLocalDate().withDayOfMonth(1).atStartOfDay();
        };
    }

    private static Map<LocalDateTime, Long> run(CompiledQuery q) throws SQLException {
        Map<LocalDateTime, Long> out = new TreeMap<>();
        try (PreparedStatement ps = db.prepareStatement(q.sql())) {
            for (int i = 0; i < q.parameters().size(); i++)
                ps.setObject(i + 1, q.parameters().get(i));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getObject(1, LocalDateTime.class), rs.getLong(2));
            }
        }
        return out;
    }
}
