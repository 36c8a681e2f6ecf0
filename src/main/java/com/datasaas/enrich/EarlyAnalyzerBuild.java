package com.datasaas.enrich;

import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

/**
 * Starts the user agent analyzer's build when Spring Boot starts, before the environment, the bean definitions, the
 * metadata store and Flyway: the build is the longest single task of start-up and health waits for it, so it should
 * run beside the whole context start, not after most of it. The {@link UserAgentParser} bean takes this build over.
 * Registered in {@code META-INF/spring.factories}, because it must run before any bean exists.
 */
public final class EarlyAnalyzerBuild implements ApplicationListener<ApplicationStartingEvent> {
    @Override
    public void onApplicationEvent(ApplicationStartingEvent event) {
        UserAgentParser.startBuildingEarly();
    }
}
