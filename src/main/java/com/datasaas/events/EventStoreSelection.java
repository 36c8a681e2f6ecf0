package com.datasaas.events;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which event store runs: ClickHouse when {@code DATASAAS_CLICKHOUSE_URL} is set (not blank), the embedded DuckDB
 * file otherwise. Exactly one {@link EventStore} bean exists either way.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClickHouseSettings.class)
class EventStoreSelection {

    static boolean clickHouseConfigured(ConditionContext context) {
        String url = context.getEnvironment().getProperty("datasaas.clickhouse.url");
        return url != null && !url.isBlank();
    }

    /** Matches when the ClickHouse URL is set. */
    static final class OnClickHouse implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return clickHouseConfigured(context);
        }
    }

    /** Matches when it is not: the embedded store. */
    static final class Embedded implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !clickHouseConfigured(context);
        }
    }
}
