package com.datasaas.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Visitor and session ids for cookieless sites, made on the server from what every request carries anyway
 * (docs/cookieless.md). The visitor is an HMAC-SHA256 (the JDK's {@link Mac}) keyed with the day's secret salt over
 * the site id, the client address and the user agent, so the same browser on the same network is one visitor for
 * one UTC day and a new one the next; neither the address nor the user agent is stored. The session is the visitor's
 * run of events without a gap of {@link #SESSION_TIMEOUT}, the same rule as the regular script's session cookie.
 *
 * <p>Session state is in memory, per node, like presence: a restart, or another node behind a load balancer without
 * sticky routing, starts a new session for a visitor in the middle of one.
 */
@Component
final class CookielessVisitors {
    static final Duration SESSION_TIMEOUT = Duration.ofMinutes(30);
    /** Hex characters of the HMAC kept in the visitor id: 128 bits, collisions out of reach. */
    private static final int ID_HEX = 32;

    private static final int MAX_ACTIVE_VISITORS = 1_000_000;

    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    record Ids(String visitorId, String sessionId) {}

    private record Session(String id, Instant lastSeen) {}

    private final DailySalts salts;
    // Entries outlive their use by the timeout at most; the timeout is checked on each event, not left to expiry.
    private final Cache<String, Session> sessions = Caffeine.newBuilder()
            .expireAfterAccess(SESSION_TIMEOUT.plusMinutes(1))
            .maximumSize(MAX_ACTIVE_VISITORS)
            .build();

    CookielessVisitors(DailySalts salts) {
        this.salts = salts;
    }

    Ids identify(String siteId, InetAddress address, String userAgent, Instant at) {
        String visitor = "cl_" + visitorHash(salts.of(at), siteId, address, userAgent);
        Session session = sessions.asMap().compute(visitor, (k, previous) -> {
            if (previous == null || Duration.between(previous.lastSeen(), at).compareTo(SESSION_TIMEOUT) > 0) {
                // The visitor id plus the start time: unique, and nothing more than the visitor id reveals.
                return new Session(visitor + "." + Long.toString(at.toEpochMilli(), 36), at);
            }
            return new Session(previous.id(), at.isAfter(previous.lastSeen()) ? at : previous.lastSeen());
        });
        return new Ids(visitor, session.id());
    }

    static String visitorHash(byte[] salt, String siteId, InetAddress address, String userAgent) {
        Mac mac = HMAC.get();
        try {
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        // Fields separated by a NUL, which none of them can contain, so ("ab", "c") and ("a", "bc") differ.
        mac.update(siteId.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(address == null ? new byte[0] : address.getAddress());
        mac.update((byte) 0);
        byte[] hash = mac.doFinal(userAgent == null ? new byte[0] : userAgent.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash).substring(0, ID_HEX);
    }
}
