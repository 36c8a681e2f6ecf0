package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.sqlite.SQLiteDataSource;

/**
 * Cookieless ids over a real, migrated SQLite metadata store, with the time set by the test: one visitor per browser
 * and network per UTC day, sessions cut by 30 minutes of inactivity, and the salt of a finished day deleted at
 * midnight so nobody can recompute that day's ids.
 */
class CookielessVisitorsTest {
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

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

    @TempDir
    Path dir;

    private TestClock clock;
    private JdbcClient jdbc;
    private DailySalts salts;
    private CookielessVisitors visitors;
    private InetAddress home;
    private InetAddress office;

    @BeforeEach
    void store() throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + Files.createDirectories(dir).resolve("datasaas.db"));
        Flyway.configure()
                .dataSource(source)
                .locations("classpath:db/migration/sqlite")
                .load()
                .migrate();
        jdbc = JdbcClient.create(source);
        clock = new TestClock(Instant.parse("2026-06-01T23:00:00Z"));
        salts = new DailySalts(jdbc, clock);
        visitors = new CookielessVisitors(salts);
        home = InetAddress.getByName("203.0.113.7");
        office = InetAddress.getByName("2001:db8::7");
    }

    private CookielessVisitors.Ids at(String instant, InetAddress address, String userAgent) {
        Instant t = Instant.parse(instant);
        clock.set(t);
        return visitors.identify("mrf_site", address, userAgent, t);
    }

    @Test
    void one_browser_on_one_network_is_one_visitor_for_the_day_and_sessions_end_after_30_idle_minutes() {
        CookielessVisitors.Ids first = at("2026-06-01T08:00:00Z", home, FIREFOX);
        CookielessVisitors.Ids later = at("2026-06-01T08:29:00Z", home, FIREFOX);
        assertThat(first.visitorId()).startsWith("cl_").hasSize(35);
        assertThat(later).isEqualTo(first);
        // 30 minutes exactly after the last event: still the same session; a minute more: a new one.
        assertThat(at("2026-06-01T08:59:00Z", home, FIREFOX).sessionId()).isEqualTo(first.sessionId());
        CookielessVisitors.Ids back = at("2026-06-01T09:29:01Z", home, FIREFOX);
        assertThat(back.visitorId()).isEqualTo(first.visitorId());
        assertThat(back.sessionId()).isNotEqualTo(first.sessionId());

        // Another network, another browser, another site: other visitors.
        assertThat(at("2026-06-01T09:30:00Z", office, FIREFOX).visitorId()).isNotEqualTo(first.visitorId());
        assertThat(at("2026-06-01T09:30:00Z", home, FIREFOX + " Other").visitorId())
                .isNotEqualTo(first.visitorId());
        assertThat(visitors.identify("mrf_other", home, FIREFOX, Instant.parse("2026-06-01T09:30:00Z"))
                        .visitorId())
                .isNotEqualTo(first.visitorId());
        // Neither the address nor the user agent is in the ids.
        assertThat(first.visitorId() + first.sessionId())
                .doesNotContain("203.0.113.7")
                .doesNotContain("Firefox");
    }

    @Test
    void the_salt_rotates_at_utc_midnight_and_the_old_one_is_deleted() {
        CookielessVisitors.Ids monday = at("2026-06-01T23:59:00Z", home, FIREFOX);
        assertThat(salts.storedDays()).containsExactly("2026-06-01");
        byte[] mondaySalt = salts.of(Instant.parse("2026-06-01T23:59:00Z")).clone();

        // Two minutes later, past midnight: a new visitor and a new session, although the visit never paused.
        CookielessVisitors.Ids tuesday = at("2026-06-02T00:01:00Z", home, FIREFOX);
        assertThat(tuesday.visitorId()).isNotEqualTo(monday.visitorId());
        assertThat(tuesday.sessionId()).isNotEqualTo(monday.sessionId());
        assertThat(salts.storedDays()).containsExactly("2026-06-02");
        assertThat(salts.of(Instant.parse("2026-06-02T00:01:00Z"))).isNotEqualTo(mondaySalt);

        // An event stamped before midnight but handled after the rotation: today's salt, the old one never returns.
        CookielessVisitors.Ids late =
                visitors.identify("mrf_site", home, FIREFOX, Instant.parse("2026-06-01T23:59:30Z"));
        assertThat(late.visitorId()).isEqualTo(tuesday.visitorId());
        assertThat(salts.storedDays()).containsExactly("2026-06-02");

        // Same day again: stable, from the stored salt, also for a fresh node (or after a restart).
        CookielessVisitors other = new CookielessVisitors(new DailySalts(jdbc, clock));
        assertThat(other.identify("mrf_site", home, FIREFOX, Instant.parse("2026-06-02T10:00:00Z"))
                        .visitorId())
                .isEqualTo(tuesday.visitorId());
    }

    @Test
    void the_midnight_job_deletes_yesterdays_salt_even_without_traffic() {
        at("2026-06-01T12:00:00Z", home, FIREFOX);
        assertThat(salts.storedDays()).containsExactly("2026-06-01");
        clock.set(Instant.parse("2026-06-02T00:00:00Z"));
        salts.rotate();
        assertThat(salts.storedDays()).containsExactly("2026-06-02");
        // Running it again the same day changes nothing.
        byte[] today = salts.of(clock.instant()).clone();
        clock.set(Instant.parse("2026-06-02T00:00:00.500Z").plus(Duration.ofMinutes(1)));
        salts.rotate();
        assertThat(salts.of(clock.instant())).isEqualTo(today);
        assertThat(salts.storedDays()).containsExactly("2026-06-02");
    }
}
