package com.datasaas.ingest;

import com.datasaas.enrich.Channel;
import com.datasaas.enrich.Location;
import com.datasaas.enrich.ReferrerInfo;
import com.datasaas.enrich.ReferrerKind;
import com.datasaas.enrich.UserAgentInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
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
            Double longitude) {

        /**
         * The visit of a latest-pageview row read from the event store (columns named as in {@code events}), so every
         * server event joins the session the same way.
         */
        public static Visit of(String siteId, Map<String, Object> row) {
            return new Visit(
                    siteId,
                    (String) row.get("visitor_id"),
                    (String) row.get("session_id"),
                    (String) row.get("url"),
                    (String) row.get("hostname"),
                    (String) row.get("pathname"),
                    (String) row.get("referrer"),
                    (String) row.get("referrer_domain"),
                    (String) row.get("referrer_source"),
                    (String) row.get("channel"),
                    row.get("screen_width") == null ? null : ((Number) row.get("screen_width")).intValue(),
                    (String) row.get("language"),
                    (String) row.get("device_type"),
                    (String) row.get("browser"),
                    (String) row.get("browser_version"),
                    (String) row.get("os"),
                    (String) row.get("os_version"),
                    (String) row.get("country"),
                    (String) row.get("region"),
                    (String) row.get("city"),
                    row.get("latitude") == null ? null : ((Number) row.get("latitude")).doubleValue(),
                    row.get("longitude") == null ? null : ((Number) row.get("longitude")).doubleValue());
        }
    }

    /** A goal as recorded: the time it was received (its event time), or a 400 naming the field at fault. */
    public Instant recordGoal(JsonNode body, Visit visit) {
        Instant now = clock.instant();
        run(EventRequest.serverGoal(body, visit, now), visit);
        return now;
    }

    /**
     * An identify from the site's server: {@code body} is {@code {"metadata": {"user_id": ..., ...}}}, checked by the
     * tracker's identify rules; the profile is saved by the pipeline's {@code save_profile} step. Returns the time.
     */
    public Instant identify(JsonNode body, Visit visit) {
        Instant now = clock.instant();
        run(EventRequest.serverIdentify(body, visit, now), visit);
        return now;
    }

    /** Checks an identify body by the tracker's rules before the visitor is looked up (400 naming the field). */
    public static void checkIdentify(JsonNode body) {
        EventRequest.identity(body);
    }

    private void run(EventRequest request, Visit visit) {
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
