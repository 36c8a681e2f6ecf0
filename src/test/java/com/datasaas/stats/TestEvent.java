package com.datasaas.stats;

import com.datasaas.events.Event;
import com.datasaas.events.EventType;
import com.datasaas.events.IdKeys;
import java.time.Instant;

/** Hand-written events for tests: a pageview by default, every field settable, timestamps chosen by the test. */
final class TestEvent {
    private final String site;
    private final Instant ts;
    private final EventType type;
    private final String visitor;
    private final String session;
    private String path = "/";
    private String goal;
    private String channel = "Direct";
    private String referrerSource;
    private String referrerDomain;
    private String utmSource;
    private String country = "US";
    private Integer screenWidth = 1280;
    private Long durationMs;
    private Integer scrollDepth;

    private TestEvent(String site, String ts, EventType type, String visitor, String session) {
        this.site = site;
        this.ts = Instant.parse(ts);
        this.type = type;
        this.visitor = visitor;
        this.session = session;
    }

    static TestEvent pageview(String site, String ts, String visitor, String session, String path) {
        return new TestEvent(site, ts, EventType.PAGEVIEW, visitor, session).path(path);
    }

    static TestEvent goal(String site, String ts, String visitor, String session, String name) {
        TestEvent e = new TestEvent(site, ts, EventType.GOAL, visitor, session);
        e.goal = name;
        return e;
    }

    static TestEvent heartbeat(String site, String ts, String visitor, String session) {
        return new TestEvent(site, ts, EventType.HEARTBEAT, visitor, session);
    }

    static TestEvent leave(String site, String ts, String visitor, String session, long durationMs, int scroll) {
        TestEvent e = new TestEvent(site, ts, EventType.LEAVE, visitor, session);
        e.durationMs = durationMs;
        e.scrollDepth = scroll;
        return e;
    }

    TestEvent path(String path) {
        this.path = path;
        return this;
    }

    TestEvent channel(String channel) {
        this.channel = channel;
        return this;
    }

    TestEvent referrer(String source, String domain) {
        this.referrerSource = source;
        this.referrerDomain = domain;
        return this;
    }

    TestEvent utmSource(String utmSource) {
        this.utmSource = utmSource;
        return this;
    }

    TestEvent country(String country) {
        this.country = country;
        return this;
    }

    TestEvent screen(Integer width) {
        this.screenWidth = width;
        return this;
    }

    Event build() {
        return new Event(
                site,
                ts,
                type,
                visitor,
                session,
                IdKeys.of(site, visitor),
                IdKeys.of(site, session),
                goal,
                "https://example.com" + path,
                "example.com",
                path,
                null,
                referrerDomain == null ? null : "https://" + referrerDomain + "/",
                referrerDomain,
                referrerSource,
                channel,
                utmSource,
                null,
                null,
                null,
                null,
                null,
                screenWidth,
                "en-US",
                "desktop",
                "Chrome",
                "140",
                "Windows",
                "11",
                country,
                null,
                null,
                null,
                null,
                null,
                durationMs,
                scrollDepth,
                null);
    }
}
