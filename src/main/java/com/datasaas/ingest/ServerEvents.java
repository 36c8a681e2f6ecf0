package com.datasaas.ingest;

import com.datasaas.enrich.Channel;
import com.datasaas.enrich.Location;
import com.datasaas.enrich.ReferrerInfo;
import com.datasaas.enrich.ReferrerKind;
import com.datasaas.enrich.UserAgentInfo;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Events the site's own server reports about a visitor (today: goals, POST /api/v1/goals). They go through the same
 * {@link IngestPipeline} as the tracker's, with the same validation ({@link EventRequest}), buffer, metrics and
 * presence; only the browser checks are skipped (see {@link IngestPipeline#runFromServer}), because the caller is
 * an authenticated write key on the site's server, not the visitor's browser.
 */
@Component
public final class ServerEvents {
    private final IngestPipeline pipeline;
    private final Clock clock;

    ServerEvents(IngestPipeline pipeline, Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** The visitor's latest pageview, whose session, page and enrichment a server event joins. */
    public record Visit(
            String siteId,
            String visitorId,
            String sessionId,
            String url,
            String hostname,
            String pathname,
            String referrer,
            String referrerDomain,
            String referrerSource,
            String channel,
            Integer screenWidth,
            String language,
            String deviceType,
            String browser,
            String browserVersion,
            String os,
            String osVersion,
            String country,
            String region,
            String city,
            Double latitude,
            Double longitude) {}

    /** A goal as recorded: the time it was received (its event time), or a 400 naming the field at fault. */
    public Instant recordGoal(JsonNode body, Visit visit) {
        Instant now = clock.instant();
        EventRequest request = EventRequest.serverGoal(body, visit, now);
        ReferrerInfo referrer = visit.referrerDomain() == null
                ? new ReferrerInfo(null, null, null, ReferrerKind.NONE)
                : new ReferrerInfo(
                        visit.referrer(), visit.referrerDomain(), visit.referrerSource(), ReferrerKind.OTHER);
        EventDraft draft = EventDraft.fromServer(
                request,
                new UserAgentInfo(
                        visit.browser(),
                        visit.browserVersion(),
                        visit.os(),
                        visit.osVersion(),
                        visit.deviceType() == null ? UserAgentInfo.DESKTOP : visit.deviceType(),
                        false),
                new Location(visit.country(), visit.region(), visit.city(), visit.latitude(), visit.longitude()),
                referrer,
                Channel.ofLabel(visit.channel()));
        pipeline.runFromServer(draft);
        return now;
    }

    /**
     * Checks a goal body (name and metadata, by the tracker's rules) before the visitor is looked up, so a bad body
     * is a 400 naming the field even for an unknown visitor. Returns the normalised goal name.
     */
    public static String checkGoal(JsonNode body) {
        String name = EventRequest.serverGoalName(body);
        EventRequest.metadata(body);
        return name;
    }
}
