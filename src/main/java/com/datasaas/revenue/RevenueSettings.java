package com.datasaas.revenue;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Revenue tunables. Provider API bases are configurable so tests (and installs behind an egress proxy) can point the
 * clients elsewhere: {@code DATASAAS_STRIPE_API_BASE} ({@code datasaas.stripe.api-base}) and
 * {@code DATASAAS_LEMONSQUEEZY_API_BASE}.
 */
@ConfigurationProperties("datasaas")
record RevenueSettings(
        @DefaultValue Stripe stripe,
        @DefaultValue LemonSqueezy lemonsqueezy,
        @DefaultValue Sync revenue) {

    /** @param apiBase default Stripe's own API */
    record Stripe(@DefaultValue("https://api.stripe.com") String apiBase) {}

    /** @param apiBase default Lemon Squeezy's own API */
    record LemonSqueezy(
            @DefaultValue("https://api.lemonsqueezy.com") String apiBase) {}

    /**
     * @param syncInterval how often connected integrations sync on their own (default 1 hour)
     * @param firstSyncLookback how far back the first sync reads (default 365 days)
     * @param syncOverlap how far before the last sync a later sync starts again, for late changes (default 1 day)
     * @param retryDelay first backoff delay after a 429 or network error (default 500 ms), doubling per retry
     */
    record Sync(
            @DefaultValue("1h") Duration syncInterval,
            @DefaultValue("365d") Duration firstSyncLookback,
            @DefaultValue("1d") Duration syncOverlap,
            @DefaultValue("500ms") Duration retryDelay) {}

    String stripeApiBase() {
        return stripe.apiBase();
    }

    String lemonsqueezyApiBase() {
        return lemonsqueezy.apiBase();
    }

    Duration retryDelay() {
        return revenue.retryDelay();
    }
}
