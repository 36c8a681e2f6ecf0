package com.datasaas.ingest;

import com.datasaas.app.ApiException;
import com.datasaas.enrich.BotDetector;
import com.datasaas.enrich.ChannelClassifier;
import com.datasaas.enrich.GeoLocator;
import com.datasaas.enrich.ReferrerClassifier;
import com.datasaas.enrich.ReferrerInfo;
import com.datasaas.enrich.ReferrerKind;
import com.datasaas.enrich.UserAgentParser;
import com.datasaas.events.Event;
import com.datasaas.events.EventType;
import com.datasaas.events.IdKeys;
import com.datasaas.realtime.Presence;
import com.datasaas.sites.Websites;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * What happens to an event, in order. Each step either lets the event go on ({@link #KEEP}), drops it with a reason
 * (the client still gets 202, exactly like real traffic), or refuses the request with a 4xx/5xx. Reading
 * {@link #steps} tells the whole story; each step is timed under {@code datasaas.ingest.step}, on one request in
 * {@link #TIMED_ONE_IN} (eleven clock reads and timer updates per event cost more than some of the steps they
 * measure; a sample gives the same distribution, and the step timers' counts are then a sample, not a tally: the
 * {@code datasaas.events.*} counters are the tally).
 */
@Component
final class IngestPipeline {
    /** A step's way of saying "carry on". */
    static final DropReason KEEP = null;
    /** Time the steps of one request in this many. */
    static final int TIMED_ONE_IN = 16;

    /** Distinct (referrer URL, site) pairs kept classified; real traffic repeats a few search engines and links. */
    static final int REFERRER_CACHE_SIZE = 20_000;

    record Step(String name, Function<EventDraft, DropReason> body, Timer timer) {}

    private record ReferrerOnSite(String url, String domain) {}

    private final Websites websites;
    private final UserAgentParser userAgents;
    private final BotDetector bots;
    private final GeoLocator geo;
    private final ReferrerClassifier referrers;
    private final ChannelClassifier channels;
    private final WriteBuffer buffer;
    private final Presence presence;
    private final PageviewTimes pageviews;
    private final Identities identities;
    private final CookielessVisitors cookieless;
    private final ObjectMapper json;
    private final List<Step> steps;
    private final List<Step> serverSteps;
    private final Counter accepted;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    // Parsing a referrer URL takes two regular expressions and a walk up its domain; a cache hit is one lookup.
    private final Cache<ReferrerOnSite, ReferrerInfo> referrerCache =
            Caffeine.newBuilder().maximumSize(REFERRER_CACHE_SIZE).build();

    IngestPipeline(
            Websites websites,
            UserAgentParser userAgents,
            BotDetector bots,
            GeoLocator geo,
            ReferrerClassifier referrers,
            ChannelClassifier channels,
            WriteBuffer buffer,
            Presence presence,
            PageviewTimes pageviews,
            Identities identities,
            CookielessVisitors cookieless,
            ObjectMapper json,
            MeterRegistry meters) {
        this.identities = identities;
        this.cookieless = cookieless;
        this.websites = websites;
        this.userAgents = userAgents;
        this.bots = bots;
        this.geo = geo;
        this.referrers = referrers;
        this.channels = channels;
        this.buffer = buffer;
        this.presence = presence;
        this.pageviews = pageviews;
        this.json = json;
        this.accepted = Counter.builder("datasaas.events.accepted").register(meters);
        for (DropReason reason : DropReason.values()) {
            dropped.put(
                    reason,
                    Counter.builder("datasaas.events.dropped")
                            .tag("reason", reason.tag())
                            .register(meters));
        }
        this.steps = List.of(
                step(meters, "lookup_site", this::lookupSite),
                step(meters, "derive_cookieless_ids", this::deriveCookielessIds),
                step(meters, "check_hostname", this::checkHostname),
                step(meters, "drop_excluded_ip", this::dropExcludedIp),
                step(meters, "put_user_agent", this::putUserAgent),
                step(meters, "drop_bot", this::dropBot),
                step(meters, "drop_excluded_path", this::dropExcludedPath),
                step(meters, "put_geolocation", this::putGeolocation),
                step(meters, "drop_excluded_country", this::dropExcludedCountry),
                step(meters, "put_referrer", this::putReferrer),
                step(meters, "put_channel", this::putChannel),
                step(meters, "bound_leave_duration", this::boundLeaveDuration),
                step(meters, "save_profile", this::saveProfile),
                step(meters, "write_to_buffer", this::writeToBuffer));
        // Events from the site's own server (trusted: authenticated with a write key) skip the browser checks, whose
        // inputs (address, user agent, hostname) are the server's; the visitor's details come with the draft.
        this.serverSteps = steps.stream()
                .filter(s -> List.of(
                                "lookup_site",
                                "drop_excluded_path",
                                "drop_excluded_country",
                                "save_profile",
                                "write_to_buffer")
                        .contains(s.name()))
                .toList();
    }

    private static Step step(MeterRegistry meters, String name, Function<EventDraft, DropReason> body) {
        return new Step(
                name,
                body,
                Timer.builder("datasaas.ingest.step").tag("step", name).register(meters));
    }

    List<Step> steps() {
        return steps;
    }

    /** Runs every step; returns the drop reason, or null when the event was buffered for writing. */
    DropReason run(EventDraft draft) {
        return run(steps, draft);
    }

    /** The steps for an event from the site's own server ({@link EventDraft#fromServer}). */
    DropReason runFromServer(EventDraft draft) {
        return run(serverSteps, draft);
    }

    List<Step> serverSteps() {
        return serverSteps;
    }

    private DropReason run(List<Step> steps, EventDraft draft) {
        boolean timed = ThreadLocalRandom.current().nextInt(TIMED_ONE_IN) == 0;
        for (Step step : steps) {
            DropReason reason = timed ? timed(step, draft) : step.body().apply(draft);
            if (reason != KEEP) {
                dropped.get(reason).increment();
                return reason;
            }
        }
        accepted.increment();
        return null;
    }

    private static DropReason timed(Step step, EventDraft draft) {
        long start = System.nanoTime();
        try {
            return step.body().apply(draft);
        } finally {
            step.timer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private DropReason lookupSite(EventDraft draft) {
        draft.site = websites.tracked(draft.request.websiteId())
                .orElseThrow(() -> ApiException.notFound("Website " + draft.request.websiteId()
                        + " not found. Check data-website-id in your tracking snippet."));
        return KEEP;
    }

    /**
     * A cookieless site's visitor and session come from the server (docs/cookieless.md); ids the request carries, from
     * an old copy of the regular script for instance, are ignored so no cookie-based id is ever stored for it. Every
     * other site must send both ids.
     */
    private DropReason deriveCookielessIds(EventDraft draft) {
        if (draft.site.website().cookieless()) {
            CookielessVisitors.Ids ids = cookieless.identify(
                    draft.site.id(), draft.clientAddress, draft.userAgent, draft.request.receivedAt());
            draft.visitorId = ids.visitorId();
            draft.sessionId = ids.sessionId();
        } else if (draft.visitorId == null || draft.sessionId == null) {
            String field = draft.visitorId == null ? "visitor_id" : "session_id";
            throw ApiException.badRequest("Field '" + field + "' is required (or turn on cookieless mode for the"
                    + " website and use /js/script.cookieless.js).");
        }
        return KEEP;
    }

    private DropReason checkHostname(EventDraft draft) {
        if (!draft.site.acceptsHostname(draft.request.hostname())) {
            throw ApiException.badRequest("Hostname '" + draft.request.hostname() + "' does not belong to "
                    + draft.site.website().domain()
                    + ". Add it to the website's allowed hostnames if it should be tracked.");
        }
        return KEEP;
    }

    private DropReason dropExcludedIp(EventDraft draft) {
        return draft.site.excludesAddress(draft.clientAddress) ? DropReason.EXCLUDED_IP : KEEP;
    }

    private DropReason putUserAgent(EventDraft draft) {
        draft.device = userAgents.parse(draft.userAgent);
        return KEEP;
    }

    private DropReason dropBot(EventDraft draft) {
        return bots.isBot(draft.userAgent, draft.device) ? DropReason.BOT : KEEP;
    }

    private DropReason dropExcludedPath(EventDraft draft) {
        return draft.site.excludesPath(draft.request.pathname()) ? DropReason.EXCLUDED_PATH : KEEP;
    }

    private DropReason putGeolocation(EventDraft draft) {
        draft.location = geo.locate(draft.clientAddress);
        return KEEP;
    }

    private DropReason dropExcludedCountry(EventDraft draft) {
        return draft.site.excludesCountry(draft.location.countryCode()) ? DropReason.EXCLUDED_COUNTRY : KEEP;
    }

    private DropReason putReferrer(EventDraft draft) {
        String referrer = draft.request.referrer();
        String domain = draft.site.website().domain();
        draft.referrer = referrer == null
                ? referrers.classify(null, domain)
                : referrerCache.get(new ReferrerOnSite(referrer, domain), k -> referrers.classify(k.url(), k.domain()));
        if (draft.referrer.domain() != null && referrers.isSpam(draft.referrer.domain())) {
            return DropReason.SPAM_REFERRER;
        }
        return KEEP;
    }

    private DropReason putChannel(EventDraft draft) {
        EventRequest r = draft.request;
        draft.channel = channels.classify(draft.referrer, r.utmSource(), r.utmMedium(), r.utmCampaign(), r.clickIds());
        return KEEP;
    }

    private DropReason boundLeaveDuration(EventDraft draft) {
        EventRequest r = draft.request;
        if (r.type() == EventType.PAGEVIEW) {
            pageviews.pageview(draft.site.id(), draft.sessionId, r.pathname(), r.receivedAt());
        } else if (r.type() == EventType.LEAVE && r.durationMs() != null) {
            draft.durationMs = pageviews.boundLeave(
                    draft.site.id(), draft.sessionId, r.pathname(), r.durationMs(), r.receivedAt());
        }
        return KEEP;
    }

    /** An identify's personal details go to the profile store, after every drop step: a bot identifies no one. */
    private DropReason saveProfile(EventDraft draft) {
        EventRequest r = draft.request;
        if (r.type() == EventType.IDENTIFY) {
            if (draft.site.website().cookieless()) return DropReason.COOKIELESS_IDENTIFY;
            identities.identify(draft.site.id(), r.visitorId(), r.metadata(), r.receivedAt());
        }
        return KEEP;
    }

    private DropReason writeToBuffer(EventDraft draft) {
        Event event = toEvent(draft);
        if (draft.answerLater) {
            // The caller answers 202 when the spool confirms (or 503 when it does not), and only then counts the
            // visitor as present: the realtime count includes only events that got their 202.
            draft.handedNanos = System.nanoTime();
            draft.durable = buffer.hand(event); // a refusal known at once throws the 503 here
            draft.accepted = () -> presence.seen(event.siteId(), event.visitorKey(), event.timestamp());
        } else {
            buffer.write(event); // returns once the event is durable in the spool, else throws a 503
            presence.seen(event.siteId(), event.visitorKey(), event.timestamp());
        }
        return KEEP;
    }

    /** An identify keeps only the user id in the event store: name, email and properties are the profile's. */
    private String storedMetadata(EventRequest r) {
        if (r.type() == EventType.IDENTIFY) {
            return json.writeValueAsString(
                    Map.of(EventRequest.USER_ID, r.metadata().get(EventRequest.USER_ID)));
        }
        return r.metadata().isEmpty() ? null : json.writeValueAsString(r.metadata());
    }

    private Event toEvent(EventDraft d) {
        EventRequest r = d.request;
        String siteId = d.site.id();
        boolean hasReferrer = d.referrer != null && d.referrer.kind() != ReferrerKind.NONE;
        return new Event(
                siteId,
                r.receivedAt(),
                r.type(),
                d.visitorId,
                d.sessionId,
                IdKeys.of(siteId, d.visitorId),
                IdKeys.of(siteId, d.sessionId),
                r.goalName(),
                r.url(),
                r.hostname(),
                r.pathname(),
                r.title(),
                hasReferrer ? d.referrer.referrer() : null,
                hasReferrer ? d.referrer.domain() : null,
                hasReferrer ? d.referrer.source() : null,
                d.channel.label(),
                r.utmSource(),
                r.utmMedium(),
                r.utmCampaign(),
                r.utmTerm(),
                r.utmContent(),
                r.clickIds().isEmpty() ? null : json.writeValueAsString(r.clickIds()),
                r.screenWidth(),
                r.language(),
                d.device.deviceType(),
                d.device.browser(),
                d.device.browserVersion(),
                d.device.os(),
                d.device.osVersion(),
                d.location.countryCode(),
                d.location.region(),
                d.location.city(),
                d.location.latitude(),
                d.location.longitude(),
                storedMetadata(r),
                d.durationMs,
                r.scrollDepth(),
                r.targetUrl());
    }
}
