package com.datasaas.realtime;

import com.datasaas.app.ApiException;
import com.datasaas.sites.Websites;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Clock;
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

    record Online(
            @Schema(description = "Distinct visitors with any event in the last 5 minutes.")
            int online) {}

    @GetMapping("/api/realtime")
    Online online(
            @Parameter(description = "The website id (the seed's name for it on this public route).")
                    @RequestParam(required = false)
                    String siteId) {
        if (siteId == null || siteId.isBlank()) {
            throw ApiException.badRequest("Query parameter 'siteId' is required, e.g. /api/realtime?siteId=mrf_...");
        }
        if (siteId.length() > 64 || websites.tracked(siteId).isEmpty()) {
            throw ApiException.notFound("Website " + siteId + " not found.");
        }
        return new Online(presence.online(siteId, clock.instant()));
    }
}
