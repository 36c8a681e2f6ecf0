package com.datasaas.operations;

import com.datasaas.accounts.Caller;
import com.datasaas.enrich.GeoDatabase;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/instance}: what a logged-in user needs to know about this installation, such as whether visitors
 * can be located (the dashboard's locations panel shows a notice when not).
 */
@RestController
final class InstanceController {
    private final GeoDatabase geoDatabase;
    private final InstanceOwner owner;

    InstanceController(GeoDatabase geoDatabase, InstanceOwner owner) {
        this.geoDatabase = geoDatabase;
        this.owner = owner;
    }

    record GeoIp(
            boolean available,

            @Schema(description = "Why visitors cannot be located, when they cannot.") @Nullable
            String reason) {}

    record Instance(
            @Schema(description = "The running DataSaaS version.")
            String version,

            @Schema(description = "Whether the caller is the instance owner (who may take backups).")
            boolean owner,

            GeoIp geoip) {}

    @GetMapping("/api/instance")
    Instance instance() {
        return new Instance(
                Versions.app(), owner.is(Caller.current()), new GeoIp(geoDatabase.available(), geoDatabase.reason()));
    }
}
