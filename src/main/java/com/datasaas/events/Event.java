package com.datasaas.events;

import java.time.Instant;

/**
 * One accepted event as stored. {@code visitorKey}/{@code sessionKey} are 64-bit hashes of the raw ids (scoped to
 * the site) because count-distinct over integers is several times faster than over strings; the raw ids stay for
 * revenue attribution, which matches ids passed through checkout metadata. JSON-shaped fields (click ids, metadata)
 * are stored as JSON text.
 */
public record Event(
        String siteId,
        Instant timestamp,
        EventType type,
        String visitorId,
        String sessionId,
        long visitorKey,
        long sessionKey,
        String goalName,
        String url,
        String hostname,
        String pathname,
        String title,
        String referrer,
        String referrerDomain,
        String referrerSource,
        String channel,
        String utmSource,
        String utmMedium,
        String utmCampaign,
        String utmTerm,
        String utmContent,
        String clickIds,
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
        Double longitude,
        String metadata,
        Long durationMs,
        Integer scrollDepth,
        String targetUrl) {}
