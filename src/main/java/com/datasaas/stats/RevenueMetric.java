package com.datasaas.stats;

import java.util.Arrays;
import java.util.Optional;

/**
 * The revenue metrics of the stats API. They are computed from payments (see {@link RevenueStats}), not from events,
 * so they live beside {@link Metric} rather than in it. Money is in the site's currency, in currency units.
 */
public enum RevenueMetric {
    REVENUE("revenue"),
    PAYMENTS("payments"),
    PAYING_VISITORS("paying_visitors"),
    REVENUE_PER_VISITOR("revenue_per_visitor"),
    PURCHASE_CONVERSION_RATE("purchase_conversion_rate"),
    REFUNDS("refunds");

    private final String apiName;

    RevenueMetric(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<RevenueMetric> fromApiName(String name) {
        return Arrays.stream(values()).filter(m -> m.apiName.equals(name)).findFirst();
    }
}
