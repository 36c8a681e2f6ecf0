package com.datasaas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ClickHouseServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClickHouse migration 5 rewrites {@code day_rollup} in granules of 256 rows: a database at version 4 with rolled days
 * keeps every row and gives the same answers after it, also when an earlier attempt stopped after any of its
 * statements (the runner records version 5 only after the last one, so the next start runs them all again). Against a
 * private ClickHouse 18.16 server.
 */
class ClickHouseDayRollupGranulesTest {
    private static final ClickHouseServer SERVER = ClickHouseServer.shared();
    private static final String SITE = "mrf_store";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final LocalDate NOV_1 = LocalDate.parse("2026-11-01");

    @TempDir
    Path node;

    private final String db = "granules_test_" + ProcessHandle.current().pid();

    private ClickHouseEventStore open() {
        ClickHouseEventStore store = new ClickHouseEventStore(
                new ClickHouseSettings(SERVER.url(db), null, null),
                new DataSaasProperties(node, null, null, null, null));
        store.settleTime(Duration.ofSeconds(1));
        store.longestBuild(Duration.ZERO); // no build runs beside these rolls
        store.dayClock(Clock.fixed(NOV_1.plusDays(3).atTime(12, 0).toInstant(ZoneOffset.UTC), UTC));
        return store;
    }

    @Test
    void a_version_4_database_keeps_every_rolled_row_and_answer_whatever_statement_an_earlier_attempt_stopped_after()
            throws Exception {
        ClickHouseEventStore store = open();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3 * 72; i++) events.add(DuckDbEventStoreTest.event(i * 1200, EventType.PAGEVIEW));
        store.appendSpooled(ClickHouseEventStoreTest.numbered(events, 1));
        Thread.sleep(2_200); // settled: changed_at has whole seconds
        assertThat(store.rollDays(SITE, UTC)).isEqualTo(3);
        String rows = DayRowText.query(store, DayRowText.STORED_ROWS);
        assertThat(rows.lines().count()).as("rolled rows").isGreaterThan(20);
        String totals = answer(store, DayRollup.TOTAL);
        String pages = answer(store, DayRollup.PATHNAME);
        assertThat(granularity(store)).isEqualTo(256);

        List<String> migration = ClickHouseEventStore.statements(
                ClickHouseEventStore.migrations().get(4));
        for (int stoppedAfter = 0; stoppedAfter <= migration.size(); stoppedAfter++) {
            toVersion4(store);
            assertThat(granularity(store)).isEqualTo(8192);
            for (String statement : migration.subList(0, stoppedAfter)) store.execute(statement);

            ClickHouseEventStore restarted = open();
            String after = "after an attempt that stopped after " + stoppedAfter + " statements";
            assertThat(granularity(restarted)).as(after).isEqualTo(256);
            assertThat(DayRowText.query(restarted, DayRowText.STORED_ROWS))
                    .as(after)
                    .isEqualTo(rows);
            assertThat(answer(restarted, DayRollup.TOTAL)).as(after).isEqualTo(totals);
            assertThat(answer(restarted, DayRollup.PATHNAME)).as(after).isEqualTo(pages);
            assertThat(DayRowText.query(restarted, "SELECT max(version) FROM schema_version")
                            .strip())
                    .as(after + ": the restart ran migration 5 and every later one")
                    .isEqualTo(String.valueOf(ClickHouseEventStore.migrations().size()));
            assertThat(DayRowText.query(
                                    restarted,
                                    "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE"
                                            + " 'day_rollup%' ORDER BY name")
                            .lines()
                            .toList())
                    .as(after + ": no copy left behind")
                    .containsExactly("day_rollup", "day_rollup_days");
        }
    }

    /** The database as migration 4 left it: day_rollup in granules of 8,192 rows (migration 3's table), same rows. */
    private static void toVersion4(ClickHouseEventStore store) {
        String create = ClickHouseEventStore.statements(
                        ClickHouseEventStore.migrations().get(2))
                .stream()
                .filter(s -> s.contains("CREATE TABLE IF NOT EXISTS day_rollup ("))
                .findFirst()
                .orElseThrow();
        store.execute("RENAME TABLE day_rollup TO day_rollup_rolled");
        store.execute(create);
        store.execute("INSERT INTO day_rollup SELECT * FROM day_rollup_rolled");
        store.execute("DROP TABLE day_rollup_rolled");
        store.execute("DROP TABLE schema_version");
        store.execute("CREATE TABLE schema_version (version UInt32, applied_at DateTime) ENGINE = MergeTree ORDER BY"
                + " version");
        store.execute("INSERT INTO schema_version VALUES (1, now()), (2, now()), (3, now()), (4, now())");
    }

    private static int granularity(ClickHouseEventStore store) {
        String ddl = DayRowText.query(store, "SHOW CREATE TABLE day_rollup");
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("index_granularity = (\\d+)").matcher(ddl);
        assertThat(m.find()).as(ddl).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The store's answer for a dimension over the rolled days, every field of every row. */
    private static String answer(ClickHouseEventStore store, String dimension) {
        DayRows read =
                store.dayRows(SITE, UTC, dimension, NOV_1, NOV_1.plusDays(2)).orElseThrow();
        assertThat(read.liveDays()).as("rolled days read as stored rows").isEmpty();
        assertThat(read.rows()).isNotEmpty();
        return String.join("\n", DayRowText.of(read.rows()));
    }
}
