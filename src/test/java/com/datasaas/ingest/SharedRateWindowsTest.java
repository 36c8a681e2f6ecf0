package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The shared per-address limit of two nodes over one real PostgreSQL (the migrated schema), driven step by step: a
 * clock the test sets and flushes the test calls, so the bound of docs/server-mode-metadata.md is checked exactly,
 * without timing. The end-to-end check through two app nodes is in {@code TwoNodesTest}.
 */
class SharedRateWindowsTest {
    private static final PostgresServer SERVER = PostgresServer.shared();
    private static final int LIMIT = 100;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-30T05:00:10Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private PGSimpleDataSource dataSource;
    private SharedRateWindows a;
    private SharedRateWindows b;

    @BeforeEach
    void nodes() {
        String url = SERVER.newDatabase("rate_windows");
        Flyway.configure()
                .dataSource(url, PostgresServer.USER, "")
                .locations("classpath:db/migration/postgresql")
                .load()
                .migrate();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(PostgresServer.USER);
        IngestSettings settings = new IngestSettings(LIMIT, null, null, null, null, null, null);
        a = new SharedRateWindows(dataSource, clock, settings);
        b = new SharedRateWindows(dataSource, clock, settings);
    }

    private static void accept(SharedRateWindows node, String address, int events) {
        for (int i = 0; i < events; i++) {
            assertThat(node.blocked(address)).isZero();
            node.accepted(address);
        }
    }

    /** What PostgreSQL holds for the address in the current minute; -1 for no row. */
    private int stored(String address) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT events FROM event_rate_windows WHERE address = ? AND window_start = ?")) {
            s.setString(1, address);
            s.setLong(2, clock.millis() / 60_000 * 60_000);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    @Test
    void an_address_below_the_share_threshold_costs_no_row_and_its_whole_count_goes_once_it_reaches_it()
            throws SQLException {
        assertThat(a.shareFrom).isEqualTo(5);
        accept(a, "198.51.100.1", 4);
        a.flush();
        assertThat(stored("198.51.100.1")).isEqualTo(-1);
        accept(a, "198.51.100.1", 3);
        a.flush();
        assertThat(stored("198.51.100.1")).as("the first four are not lost").isEqualTo(7);
        accept(a, "198.51.100.1", 2);
        a.flush();
        a.flush();
        assertThat(stored("198.51.100.1")).as("each event counted once").isEqualTo(9);
    }

    @Test
    void across_two_nodes_an_address_gets_at_most_the_limit_plus_what_each_node_holds_back_and_one_flush()
            throws SQLException {
        String address = "198.51.100.2";
        // A holds back shareFrom - 1 events (not shared), B takes the address to the limit on its own.
        accept(a, address, a.shareFrom - 1);
        accept(b, address, LIMIT);
        a.flush();
        b.flush();
        assertThat(b.blocked(address)).isPositive();
        assertThat(a.blocked(address))
                .as("A has not shared the address yet, so it does not know")
                .isZero();
        // A's next event reaches the threshold; from its next flush on A refuses the address too.
        accept(a, address, 1);
        a.flush();
        assertThat(a.blocked(address)).isPositive();
        int total = stored(address);
        assertThat(total)
                .as("limit + nodes x (shareFrom - 1) + one event per node accepted between flushes")
                .isEqualTo(LIMIT + a.shareFrom)
                .isLessThanOrEqualTo(LIMIT + 2 * (a.shareFrom - 1) + 2);
        // Blocked until the minute ends, then the address starts afresh.
        assertThat(a.blocked(address)).isEqualTo(Duration.ofSeconds(50));
        clock.now = clock.now.plusSeconds(50);
        assertThat(a.blocked(address)).isZero();
        assertThat(b.blocked(address)).isZero();
        accept(a, address, a.shareFrom);
        a.flush();
        assertThat(a.blocked(address)).isZero();
        assertThat(stored(address)).isEqualTo(a.shareFrom);
    }

    @Test
    void counts_of_a_minute_that_ended_before_the_flush_go_to_that_minute() throws SQLException {
        String address = "198.51.100.3";
        accept(a, address, 10);
        Instant first = clock.now;
        clock.now = clock.now.plusSeconds(55); // the next minute, no flush in between
        accept(a, address, 6);
        a.flush();
        assertThat(stored(address)).isEqualTo(6);
        clock.now = first;
        assertThat(stored(address)).isEqualTo(10);
    }
}
