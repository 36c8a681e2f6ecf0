package com.datasaas.stats;

import com.datasaas.sql.Sql;

/**
 * Who reached a funnel step: what a {@link FunnelStepFilter} keeps. Funnels are their own feature, built on the stats
 * engine; this interface lets the stats API (and features that read its filters) select a funnel's visitors without
 * depending on that feature, which implements it.
 */
public interface FunnelSteps {
    /**
     * One column, {@code visitor_key}: the visitors who reached {@code filter.step()} of the funnel in order within
     * {@code scope} (its range and filters, read as the funnel results read them). A funnel the scope's site does not
     * have is a 404 and a step beyond the funnel's last a 400, both as {@link com.datasaas.app.ApiException}.
     */
    Sql.Select visitorsAt(StatsScope scope, FunnelStepFilter filter);
}
