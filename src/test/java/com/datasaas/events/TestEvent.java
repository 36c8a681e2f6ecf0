package com.datasaas.events;

import java.time.Instant;

/**
 * Hand-written events for every test: named setters instead of {@link Event}'s positional constructor, where swapping
 * two of its forty same-typed arguments compiles silently and a new field means editing every call. Two starting
 * points: {@link #of} (and its per-type shortcuts) is a desktop Chrome pageview on example.com, {@link #bare} has only
 * the ids; {@link #from} copies an event to change a few fields. Setters are named after Event's components, except
 * {@link #path}, which sets the pathname. Lives beside Event (test side) because every feature that may build events
 * may use {@code events}.
 */
public final class TestEvent {
    private String site;
    private Instant ts;
    private EventType type;
    private String visitor;
    private String session;
    // null: derived from site and visitor/session at build, as ingest does.
    private Long visitorKey;
    private Long sessionKey;
    private String goal;
    // Unless set, the url is https://hostname + path and the referrer https://referrerDomain/ (null if a part is null).
    private boolean urlSet;
    private String url;
    private String hostname;
    private String path;
    private String title;
    private boolean referrerSet;
    private String referrer;
    private String referrerDomain;
    private String referrerSource;
    private String channel;
    private String utmSource;
    private String utmMedium;
    private String utmCampaign;
    private String utmTerm;
    private String utmContent;
    private String clickIds;
    private Integer screenWidth;
    private String language;
    private String deviceType;
    private String browser;
    private String browserVersion;
    private String os;
    private String osVersion;
    private String country;
    private String region;
    private String city;
    private Double latitude;
    private Double longitude;
    private String metadata;
    private Long durationMs;
    private Integer scrollDepth;
    private String targetUrl;

    private TestEvent(String site, Instant ts, EventType type, String visitor, String session) {
        this.site = site;
        this.ts = ts;
        this.type = type;
        this.visitor = visitor;
        this.session = session;
    }

    /** Only the ids set; every other field null (the keys still follow the ids). */
    public static TestEvent bare(String site, Instant ts, EventType type, String visitor, String session) {
        return new TestEvent(site, ts, type, visitor, session);
    }

    /** An event of any type with what a desktop Chrome on example.com sends and enrichment adds, at path "/". */
    public static TestEvent of(String site, Instant ts, EventType type, String visitor, String session) {
        TestEvent e = new TestEvent(site, ts, type, visitor, session);
        e.hostname = "example.com";
        e.path = "/";
        e.channel = "Direct";
        e.screenWidth = 1280;
        e.language = "en-US";
        e.deviceType = "desktop";
        e.browser = "Chrome";
        e.browserVersion = "140";
        e.os = "Windows";
        e.osVersion = "11";
        e.country = "US";
        return e;
    }

    public static TestEvent pageview(String site, String ts, String visitor, String session, String path) {
        return of(site, Instant.parse(ts), EventType.PAGEVIEW, visitor, session).path(path);
    }

    public static TestEvent goal(String site, String ts, String visitor, String session, String name) {
        return of(site, Instant.parse(ts), EventType.GOAL, visitor, session).goalName(name);
    }

    public static TestEvent heartbeat(String site, String ts, String visitor, String session) {
        return of(site, Instant.parse(ts), EventType.HEARTBEAT, visitor, session);
    }

    public static TestEvent leave(String site, String ts, String visitor, String session, long durationMs, int scroll) {
        return of(site, Instant.parse(ts), EventType.LEAVE, visitor, session)
                .durationMs(durationMs)
                .scrollDepth(scroll);
    }

    /** Every field as in {@code e}, keys, url and referrer included: set the few that differ. */
    public static TestEvent from(Event e) {
        TestEvent t = new TestEvent(e.siteId(), e.timestamp(), e.type(), e.visitorId(), e.sessionId());
        t.visitorKey = e.visitorKey();
        t.sessionKey = e.sessionKey();
        t.goal = e.goalName();
        t.url(e.url());
        t.hostname = e.hostname();
        t.path = e.pathname();
        t.title = e.title();
        t.referrer(e.referrer());
        t.referrerDomain = e.referrerDomain();
        t.referrerSource = e.referrerSource();
        t.channel = e.channel();
        t.utmSource = e.utmSource();
        t.utmMedium = e.utmMedium();
        t.utmCampaign = e.utmCampaign();
        t.utmTerm = e.utmTerm();
        t.utmContent = e.utmContent();
        t.clickIds = e.clickIds();
        t.screenWidth = e.screenWidth();
        t.language = e.language();
        t.deviceType = e.deviceType();
        t.browser = e.browser();
        t.browserVersion = e.browserVersion();
        t.os = e.os();
        t.osVersion = e.osVersion();
        t.country = e.country();
        t.region = e.region();
        t.city = e.city();
        t.latitude = e.latitude();
        t.longitude = e.longitude();
        t.metadata = e.metadata();
        t.durationMs = e.durationMs();
        t.scrollDepth = e.scrollDepth();
        t.targetUrl = e.targetUrl();
        return t;
    }

    public TestEvent siteId(String site) {
        this.site = site;
        return this;
    }

    public TestEvent timestamp(Instant ts) {
        this.ts = ts;
        return this;
    }

    public TestEvent type(EventType type) {
        this.type = type;
        return this;
    }

    public TestEvent visitorId(String visitor) {
        this.visitor = visitor;
        return this;
    }

    public TestEvent sessionId(String session) {
        this.session = session;
        return this;
    }

    public TestEvent visitorKey(long visitorKey) {
        this.visitorKey = visitorKey;
        return this;
    }

    public TestEvent sessionKey(long sessionKey) {
        this.sessionKey = sessionKey;
        return this;
    }

    public TestEvent goalName(String goal) {
        this.goal = goal;
        return this;
    }

    public TestEvent url(String url) {
        this.urlSet = true;
        this.url = url;
        return this;
    }

    public TestEvent hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /** The pathname (and with it the url, unless set). */
    public TestEvent path(String path) {
        this.path = path;
        return this;
    }

    public TestEvent title(String title) {
        this.title = title;
        return this;
    }

    public TestEvent referrer(String referrer) {
        this.referrerSet = true;
        this.referrer = referrer;
        return this;
    }

    public TestEvent referrerDomain(String referrerDomain) {
        this.referrerDomain = referrerDomain;
        return this;
    }

    public TestEvent referrerSource(String referrerSource) {
        this.referrerSource = referrerSource;
        return this;
    }

    public TestEvent channel(String channel) {
        this.channel = channel;
        return this;
    }

    public TestEvent utmSource(String utmSource) {
        this.utmSource = utmSource;
        return this;
    }

    public TestEvent utmMedium(String utmMedium) {
        this.utmMedium = utmMedium;
        return this;
    }

    public TestEvent utmCampaign(String utmCampaign) {
        this.utmCampaign = utmCampaign;
        return this;
    }

    public TestEvent utmTerm(String utmTerm) {
        this.utmTerm = utmTerm;
        return this;
    }

    public TestEvent utmContent(String utmContent) {
        this.utmContent = utmContent;
        return this;
    }

    public TestEvent clickIds(String clickIds) {
        this.clickIds = clickIds;
        return this;
    }

    public TestEvent screenWidth(Integer screenWidth) {
        this.screenWidth = screenWidth;
        return this;
    }

    public TestEvent language(String language) {
        this.language = language;
        return this;
    }

    public TestEvent deviceType(String deviceType) {
        this.deviceType = deviceType;
        return this;
    }

    public TestEvent browser(String browser) {
        this.browser = browser;
        return this;
    }

    public TestEvent browserVersion(String browserVersion) {
        this.browserVersion = browserVersion;
        return this;
    }

    public TestEvent os(String os) {
        this.os = os;
        return this;
    }

    public TestEvent osVersion(String osVersion) {
        this.osVersion = osVersion;
        return this;
    }

    public TestEvent country(String country) {
        this.country = country;
        return this;
    }

    public TestEvent region(String region) {
        this.region = region;
        return this;
    }

    public TestEvent city(String city) {
        this.city = city;
        return this;
    }

    public TestEvent latitude(Double latitude) {
        this.latitude = latitude;
        return this;
    }

    public TestEvent longitude(Double longitude) {
        this.longitude = longitude;
        return this;
    }

    public TestEvent metadata(String metadata) {
        this.metadata = metadata;
        return this;
    }

    public TestEvent durationMs(Long durationMs) {
        this.durationMs = durationMs;
        return this;
    }

    public TestEvent scrollDepth(Integer scrollDepth) {
        this.scrollDepth = scrollDepth;
        return this;
    }

    public TestEvent targetUrl(String targetUrl) {
        this.targetUrl = targetUrl;
        return this;
    }

    public Event build() {
        return new Event(
                site,
                ts,
                type,
                visitor,
                session,
                visitorKey != null ? visitorKey : IdKeys.of(site, visitor),
                sessionKey != null ? sessionKey : IdKeys.of(site, session),
                goal,
                urlSet ? url : hostname == null || path == null ? null : "https://" + hostname + path,
                hostname,
                path,
                title,
                referrerSet ? referrer : referrerDomain == null ? null : "https://" + referrerDomain + "/",
                referrerDomain,
                referrerSource,
                channel,
                utmSource,
                utmMedium,
                utmCampaign,
                utmTerm,
                utmContent,
                clickIds,
                screenWidth,
                language,
                deviceType,
                browser,
                browserVersion,
                os,
                osVersion,
                country,
                region,
                city,
                latitude,
                longitude,
                metadata,
                durationMs,
                scrollDepth,
                targetUrl);
    }
}
