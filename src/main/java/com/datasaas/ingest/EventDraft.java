package com.datasaas.ingest;

import com.datasaas.enrich.Channel;
import com.datasaas.enrich.Location;
import com.datasaas.enrich.ReferrerInfo;
import com.datasaas.enrich.UserAgentInfo;
import com.datasaas.sites.TrackedSite;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * An event on its way through the pipeline: the validated request plus what the steps learn about it. Mutable and
 * confined to one request thread (the spool's confirmation, {@link #durable}, is read after the pipeline returns); the write step turns it into an immutable stored {@code Event}.
 */
final class EventDraft {
    final EventRequest request;
    final InetAddress clientAddress;
    final String userAgent;
    TrackedSite site;
    UserAgentInfo device;
    Location location = Location.UNKNOWN;
    ReferrerInfo referrer;
    Channel channel;
    /** The request's {@code _leave} duration, bounded by the time since its page view. */
    Long durationMs;
    /** The request's ids, or the server's for a cookieless site (derive_cookieless_ids). */
    String visitorId;

    String sessionId;

    /**
     * Set by a caller that answers asynchronously: the write step then hands the event to the spool and leaves the
     * confirmation in {@link #durable} instead of waiting for it on this thread.
     */
    boolean answerLater;
    /** The spool's confirmation of the written event, when {@link #answerLater}; null when it was dropped. */
    CompletableFuture<Long> durable;
    /** When the event was handed to the spool ({@link System#nanoTime}), for the spool-wait timer. */
    long handedNanos;
    /** What follows a 202 for an event answered later (presence), run on a request thread after the answer. */
    Runnable accepted;

    EventDraft(EventRequest request, InetAddress clientAddress, String userAgent) {
        this.request = request;
        this.clientAddress = clientAddress;
        this.userAgent = userAgent;
        this.durationMs = request.durationMs();
        this.visitorId = request.visitorId();
        this.sessionId = request.sessionId();
    }

    /**
     * An event from the site's own server about a visitor the tracker has seen: the caller's address and user agent
     * are the server's, not the visitor's, so what the browser steps would learn comes from the visitor's latest
     * pageview instead.
     */
    static EventDraft fromServer(
            EventRequest request, UserAgentInfo device, Location location, ReferrerInfo referrer, Channel channel) {
        EventDraft draft = new EventDraft(request, null, null);
        draft.device = device;
        draft.location = location;
        draft.referrer = referrer;
        draft.channel = channel;
        return draft;
    }
}
