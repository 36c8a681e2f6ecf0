package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ClickHouse day query ({@link ClickHouseDayRollup#build}) kept as golden SQL beside the stats' golden queries, so
 * that {@code ClickHouseCurrentEngineTest} also runs it on a current ClickHouse (chDB); the store's tests run it on
 * 18.16. Every rolled-up dimension, in a zone with a DST change inside the range. After an intended change, run with
 * {@code -Dgolden.update=true} and read the diff.
 */
class ClickHouseDayRollupGoldenSqlTest {
    static final Path FILE = Path.of("src/test/resources/stats/golden/clickhouse/day_rollup_days.sql");

    @Test
    void the_day_query_is_the_golden_one() throws IOException {
        String generated = ClickHouseDayRollup.build(
                        "mrf_golden",
                        ZoneId.of("Europe/Berlin"),
                        LocalDate.parse("2026-03-27"),
                        LocalDate.parse("2026-04-02"),
                        DayRollup.dimensions())
                + "\n";
        if (Boolean.getBoolean("golden.update")) Files.writeString(FILE, generated, StandardCharsets.UTF_8);
        assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
                .as(FILE + " differs from ClickHouseDayRollup.build(); regenerate with -Dgolden.update=true")
                .isEqualTo(generated);
    }

    static final Path LIVE_SESSIONS =
            Path.of("src/test/resources/stats/golden/clickhouse/day_rollup_live_sessions.sql");

    /**
     * The day query of a partial day's read: only the sessions with an event since the partial's {@code
     * closed_before} (a {@code GLOBAL IN} subquery in {@code PREWHERE}, for events and for the sessions' states), their
     * events read from the earliest start of those sessions.
     */
    @Test
    void the_live_sessions_day_query_is_the_golden_one() throws IOException {
        LocalDate day = LocalDate.parse("2026-03-29");
        ZoneId zone = ZoneId.of("Europe/Berlin");
        String generated = ClickHouseDayRollup.build(
                        "mrf_golden",
                        zone,
                        day,
                        day,
                        DayRollup.dimensions(),
                        ClickHouseDayRollup.liveSessions(
                                "mrf_golden",
                                day.atStartOfDay(zone).plusHours(15).toInstant()),
                        // The live sessions' earliest start (ClickHouseDayRollup.liveStart): events read from there.
                        day.atStartOfDay(zone).plusHours(13).plusMinutes(40).toInstant())
                + "\n";
        if (Boolean.getBoolean("golden.update")) Files.writeString(LIVE_SESSIONS, generated, StandardCharsets.UTF_8);
        assertThat(Files.readString(LIVE_SESSIONS, StandardCharsets.UTF_8))
                .as(LIVE_SESSIONS + " differs from ClickHouseDayRollup.build(); regenerate with -Dgolden.update=true")
                .isEqualTo(generated);
    }

    static final Path STORED_ROWS = Path.of("src/test/resources/stats/golden/clickhouse/day_rollup_stored_rows.sql");

    /** The stored rows of a read (rolled days and a partial), as RowBinary reads them: every column cast. */
    @Test
    void the_stored_rows_query_is_the_golden_one() throws IOException {
        String generated = ClickHouseDayRollup.storedRows(
                        "mrf_golden",
                        ZoneId.of("Europe/Berlin"),
                        "pathname",
                        LocalDate.parse("2026-03-27"),
                        LocalDate.parse("2026-04-02"),
                        List.of(1774900000000000L, 1774900000000001L),
                        List.of(1775100000000000L))
                + "\n";
        if (Boolean.getBoolean("golden.update")) Files.writeString(STORED_ROWS, generated, StandardCharsets.UTF_8);
        assertThat(Files.readString(STORED_ROWS, StandardCharsets.UTF_8))
                .as(STORED_ROWS
                        + " differs from ClickHouseDayRollup.storedRows(); regenerate with -Dgolden.update=true")
                .isEqualTo(generated);
    }

    static final Path FRESHNESS = Path.of("src/test/resources/stats/golden/clickhouse/day_partial_freshness.sql");

    /** The one check of a read's partials: stale or not, and where each one's live sessions' events begin. */
    @Test
    void the_partial_freshness_query_is_the_golden_one() throws IOException {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        LocalDate day = LocalDate.parse("2026-04-02");
        Instant cut = day.atStartOfDay(zone).plusHours(15).toInstant();
        String generated = ClickHouseDayRollup.freshness(
                        "mrf_golden",
                        zone,
                        List.of(new ClickHouseDayRollup.Partial(
                                day, 1775100000000000L, cut.plusSeconds(90), cut, null)),
                        ClickHouseDayRollup.SETTLE)
                + "\n";
        if (Boolean.getBoolean("golden.update")) Files.writeString(FRESHNESS, generated, StandardCharsets.UTF_8);
        assertThat(Files.readString(FRESHNESS, StandardCharsets.UTF_8))
                .as(FRESHNESS + " differs from ClickHouseDayRollup.freshness(); regenerate with -Dgolden.update=true")
                .isEqualTo(generated);
    }
}
