package com.datasaas.enrich;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Shows in {@code /actuator/health} whether visitors can be located. Always UP: without a GeoIP database the service
 * still counts everything (locations are Unknown), and a load balancer must not take it out of rotation for that. The
 * details name no file or path, since the health endpoint is public.
 */
@Component("geoip")
final class GeoIpHealth implements HealthIndicator {
    private final GeoDatabase database;

    GeoIpHealth(GeoDatabase database) {
        this.database = database;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("available", database.available());
        return database.available()
                ? health.build()
                : health.withDetail("reason", database.reason()).build();
    }
}
