package com.datasaas.ingest;

import com.datasaas.enrich.UserAgentParser;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health is UP once events are answered without waiting: the user agent analyzer is built in the background at
 * start-up (it takes seconds), and a load balancer should not send traffic before it is there.
 */
@Component
class IngestHealth implements HealthIndicator {
    private final UserAgentParser userAgents;

    IngestHealth(UserAgentParser userAgents) {
        this.userAgents = userAgents;
    }

    @Override
    public Health health() {
        return userAgents.ready()
                ? Health.up().build()
                : Health.down()
                        .withDetail("reason", "user agent analyzer starting")
                        .build();
    }
}
