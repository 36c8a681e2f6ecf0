package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class RevenueSettingsTest {

    static RevenueSettings bind(Map<String, Object> env) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        return Binder.get(environment).bindOrCreate("datasaas", RevenueSettings.class);
    }

    @Test
    void defaults_point_at_the_real_providers() {
        RevenueSettings settings = bind(Map.of());
        assertThat(settings.stripeApiBase()).isEqualTo("https://api.stripe.com");
        assertThat(settings.lemonsqueezyApiBase()).isEqualTo("https://api.lemonsqueezy.com");
        assertThat(settings.revenue().syncInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.revenue().firstSyncLookback()).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void environment_variables_override_them() {
        RevenueSettings settings = bind(Map.of(
                "DATASAAS_STRIPE_API_BASE", "http://127.0.0.1:12111",
                "DATASAAS_LEMONSQUEEZY_API_BASE", "http://127.0.0.1:12112",
                "DATASAAS_REVENUE_SYNC_INTERVAL", "15m"));
        assertThat(settings.stripeApiBase()).isEqualTo("http://127.0.0.1:12111");
        assertThat(settings.lemonsqueezyApiBase()).isEqualTo("http://127.0.0.1:12112");
        assertThat(settings.revenue().syncInterval()).isEqualTo(Duration.ofMinutes(15));
    }
}
