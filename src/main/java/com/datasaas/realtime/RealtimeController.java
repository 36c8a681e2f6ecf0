package com.datasaas.realtime;

import com.datasaas.app.ApiException;
import com.datasaas.sites.Websites;
import java.time.Clock;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class RealtimeController {
    private final Presence presence;
    private final Websites websites;
    private final Clock clock;

    RealtimeController(Presence presence, Websites websites, Clock clock) {
        this.presence = presence;
        this.websites = websites;
        this.clock = clock;
    }

    @GetMapping("/api/realtime")
    Map<String, Object> online(@RequestParam(required = false) String siteId) {
        if (siteId == null || siteId.isBlank()) {
            throw ApiException.badRequest("Query parameter 'siteId' is required, e.g. /api/realtime?siteId=mrf_...");
        }
        if (siteId.length() > 64 || websites.tracked(siteId).isEmpty()) {
            throw ApiException.notFound("Website " + siteId + " not found.");
        }
        return Map.of("online", presence.online(siteId, clock.instant()));
    }
}
