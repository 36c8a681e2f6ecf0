package com.datasaas.ingest;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The secret salt of each UTC day for cookieless visitor ids (docs/cookieless.md). Kept in the metadata store so
 * every app node and a restart within the day derive the same ids; only the current day's row is ever kept. A new
 * day's salt is made by whichever comes first, the first cookieless event of the day or the job at midnight, and
 * both delete the salts of earlier days in the same breath: once a day is over nobody can recompute its ids, so a
 * visitor cannot be followed from one day to the next, not even by us.
 *
 * <p>No previous-day salt is kept for sessions running across midnight: such a visit counts as two visitors, the
 * price of deleting the old salt at midnight sharp (Plausible keeps the previous one a while longer).
 */
@Component
final class DailySalts {
    private static final Logger log = LoggerFactory.getLogger(DailySalts.class);
    static final int SALT_BYTES = 32;

    private record Salt(LocalDate day, byte[] bytes) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Salt current;

    DailySalts(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The salt of the UTC day holding {@code at}; made (and older ones deleted) on the first call of a day. */
    byte[] of(Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        Salt salt = current;
        if (salt == null || !salt.day().equals(day)) salt = load(day);
        return salt.bytes();
    }

    /** Midnight (UTC): today's salt now, yesterday's gone, even on a day without cookieless traffic. */
    @Scheduled(cron = "0 0 0 * * *", zone = "UTC")
    void rotate() {
        load(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    private synchronized Salt load(LocalDate day) {
        Salt salt = current;
        // Same day, or an event stamped just before midnight arriving after the rotation: its day's salt is gone.
        if (salt != null && !salt.day().isBefore(day)) return salt;
        String key = day.toString();
        List<String> newest = jdbc.sql("SELECT max(day) FROM cookieless_salts")
                .query(String.class)
                .list();
        // ISO dates compare as text. Another node may have rotated past this day already: never recreate an old one.
        if (!newest.isEmpty() && newest.get(0) != null && newest.get(0).compareTo(key) > 0) key = newest.get(0);
        // Several nodes may race at midnight: the first insert wins and every node reads the winner back.
        jdbc.sql("INSERT INTO cookieless_salts (day, salt, created_at) VALUES (?, ?, ?) ON CONFLICT (day) DO NOTHING")
                .params(
                        key,
                        Base64.getEncoder().encodeToString(fresh()),
                        clock.instant().toString())
                .update();
        String stored = jdbc.sql("SELECT salt FROM cookieless_salts WHERE day = ?")
                .param(key)
                .query(String.class)
                .single();
        int deleted = jdbc.sql("DELETE FROM cookieless_salts WHERE day < ?")
                .param(key)
                .update();
        if (deleted > 0) log.info("Cookieless salts of {} earlier day(s) deleted", deleted);
        current = new Salt(LocalDate.parse(key), Base64.getDecoder().decode(stored));
        return current;
    }

    /** The days whose salts are stored (for tests and the docs' promise: at most today). */
    List<String> storedDays() {
        return jdbc.sql("SELECT day FROM cookieless_salts ORDER BY day")
                .query(String.class)
                .list();
    }

    private byte[] fresh() {
        byte[] bytes = new byte[SALT_BYTES];
        random.nextBytes(bytes);
        return bytes;
    }
}
