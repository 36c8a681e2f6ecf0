package com.datasaas.ingest;

import com.datasaas.enrich.UserAgentParser;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health is UP once events are answered without waiting and kept: the user agent analyzer is built in the background
 * at start-up (it takes seconds), and a load balancer should not send traffic before it is there. While the event
 * store or the spool cannot write, or the spool is full, health is OUT_OF_SERVICE with the cause, so a failing disk is
 * seen before the spool fills.
 */
@Component
class IngestHealth implements HealthIndicator {
    private final UserAgentParser userAgents;
    private final WriteBuffer buffer;

    IngestHealth(UserAgentParser userAgents, WriteBuffer buffer) {
        this.userAgents = userAgents;
        this.buffer = buffer;
    }

    @Override
    public Health health() {
        String fault = buffer.fault();
        if (fault != null) {
            return Health.outOfService()
                    .withDetail("reason", fault)
                    .withDetail("spooled_events", buffer.depth())
                    .build();
        }
        return userAgents.ready()
                ? Health.up().build()
                : Health.down()
                        .withDetail("reason", "user agent analyzer starting")
                        .build();
    }
}
