package com.datasaas.operations;

import com.datasaas.accounts.Caller;
import com.datasaas.enrich.GeoDatabase;
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

    record GeoIp(boolean available, String reason) {}

    record Instance(String version, boolean owner, GeoIp geoip) {}

    @GetMapping("/api/instance")
    Instance instance() {
        return new Instance(
                Versions.app(), owner.is(Caller.current()), new GeoIp(geoDatabase.available(), geoDatabase.reason()));
    }
}
