package com.datasaas.stats;

import com.datasaas.app.ApiException;
import com.datasaas.revenue.Money;
import com.datasaas.revenue.PaymentFacts;
import com.datasaas.revenue.PaymentFacts.PaymentFact;
import com.datasaas.sites.Website;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Revenue metrics for the stats API, computed from {@link PaymentFacts}: each payment carries the attributes of the
 * session it is credited to, so it is grouped and filtered by those like a session. Visitors (the denominator of
 * revenue per visitor and purchase conversion rate) come from the stats engine with the same filters.
 *
 * <ul>
 *   <li>{@code revenue}: net of refunds, in the site's currency; {@code refunds}: the refunded amount.
 *   <li>{@code payments}: payments not fully refunded; {@code paying_visitors}: distinct known visitor ids among them.
 *   <li>Payments in another currency without a settlement amount in the site's currency count as payments but add no
 *       money (they cannot be converted).
 *   <li>Unattributed payments have the value {@value #UNKNOWN} in every dimension.
 * </ul>
 */
@Component
final class RevenueStats {
    static final String UNKNOWN = "Unknown";

    /** The dimensions a payment carries (from its attributed session). */
    static final Set<Dimension> SUPPORTED = EnumSet.of(
            Dimension.CHANNEL,
            Dimension.REFERRER,
            Dimension.UTM_SOURCE,
            Dimension.UTM_MEDIUM,
            Dimension.UTM_CAMPAIGN,
            Dimension.UTM_TERM,
            Dimension.UTM_CONTENT,
            Dimension.ENTRY_PAGE,
            Dimension.COUNTRY,
            Dimension.REGION,
            Dimension.CITY,
            Dimension.DEVICE_TYPE,
            Dimension.BROWSER,
            Dimension.OS);

    private final PaymentFacts facts;

    RevenueStats(PaymentFacts facts) {
        this.facts = facts;
    }

    /** The {@code metrics} parameter split into event metrics and revenue metrics, in the order asked. */
    record Request(List<Metric> metrics, List<RevenueMetric> revenue, List<String> names) {
        boolean hasRevenue() {
            return !revenue.isEmpty();
        }

        /** What the engine must compute: the event metrics, plus visitors when revenue ratios need them. */
        List<Metric> engineMetrics() {
            if (revenue.isEmpty() || metrics.contains(Metric.VISITORS)) return metrics;
            List<Metric> out = new ArrayList<>(metrics);
            out.add(Metric.VISITORS);
            return out;
        }
    }

    static Request parse(StatsParameters p, List<Metric> defaults) {
        String value = p.single("metrics");
        if (value == null || value.isBlank()) {
            return new Request(
                    defaults, List.of(), defaults.stream().map(Metric::apiName).toList());
        }
        List<Metric> metrics = new ArrayList<>();
        List<RevenueMetric> revenue = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.strip();
            var r = RevenueMetric.fromApiName(trimmed);
            if (r.isPresent()) {
                if (!revenue.contains(r.get())) {
                    revenue.add(r.get());
                    names.add(trimmed);
                }
                continue;
            }
            Metric metric = Metric.fromApiName(trimmed)
                    .orElseThrow(() -> ApiException.badRequest("Unknown metric '" + trimmed + "'. Use any of: "
                            + Stream.concat(
                                            Arrays.stream(Metric.values()).map(Metric::apiName),
                                            Arrays.stream(RevenueMetric.values())
                                                    .map(RevenueMetric::apiName))
                                    .collect(Collectors.joining(", "))
                            + "."));
            if (!metrics.contains(metric)) {
                metrics.add(metric);
                names.add(trimmed);
            }
        }
        return new Request(metrics, revenue, List.copyOf(names));
    }

    /** Refuses revenue metrics with a filter or breakdown dimension payments do not carry (400). */
    static void check(Request r, List<Filter> filters, Dimension dimension) {
        if (!r.hasRevenue()) return;
        String metric = r.revenue().get(0).apiName();
        if (dimension != null && !SUPPORTED.contains(dimension)) {
            throw ApiException.badRequest("Metric '" + metric + "' cannot be broken down by '" + dimension.apiName()
                    + "': payments carry " + supportedNames() + ".");
        }
        for (Filter f : filters) {
            if (!SUPPORTED.contains(f.dimension())) {
                throw ApiException.badRequest("Metric '" + metric + "' cannot be filtered by '"
                        + f.dimension().apiName() + "': payments carry " + supportedNames() + ".");
            }
        }
    }

    static String supportedNames() {
        return SUPPORTED.stream().map(Dimension::apiName).collect(Collectors.joining(", "));
    }

    /** Additive revenue numbers of one result row. */
    static final class Sum {
        long revenueMinor;
        long refundsMinor;
        long payments;
        final Set<String> payingVisitors = new HashSet<>();

        void add(PaymentFact f) {
            if (f.revenueMinor() != null) revenueMinor += f.revenueMinor();
            if (f.refundedMinor() != null) refundsMinor += f.refundedMinor();
            boolean fullyRefunded = f.revenueMinor() != null && f.revenueMinor() <= 0;
            if (!fullyRefunded) {
                payments++;
                if (f.visitorId() != null) payingVisitors.add(f.visitorId());
            }
        }

        Object value(RevenueMetric m, long visitors, String currency) {
            return switch (m) {
                case REVENUE -> Money.units(revenueMinor, currency);
                case REFUNDS -> Money.units(refundsMinor, currency);
                case PAYMENTS -> payments;
                case PAYING_VISITORS -> (long) payingVisitors.size();
                case REVENUE_PER_VISITOR ->
                    visitors == 0
                            ? null
                            : Money.units(revenueMinor, currency)
                                    .divide(
                                            BigDecimal.valueOf(visitors),
                                            Math.max(2, Money.exponent(currency)),
                                            RoundingMode.HALF_UP);
                case PURCHASE_CONVERSION_RATE -> Components.percent(payingVisitors.size(), visitors);
            };
        }

        Map<String, Object> values(List<RevenueMetric> metrics, long visitors, String currency) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RevenueMetric m : metrics) out.put(m.apiName(), value(m, visitors, currency));
            return out;
        }

        double sortValue(RevenueMetric m, long visitors, String currency) {
            Object v = value(m, visitors, currency);
            return v == null ? -1 : ((Number) v).doubleValue();
        }
    }

    /** The payments of the query's range that pass its filters. */
    List<PaymentFact> payments(Website site, StatsQuery q) {
        return facts.between(site.id(), site.currency(), q.from(), q.until()).stream()
                .filter(f -> q.filters().stream().allMatch(filter -> matches(f, filter)))
                .toList();
    }

    Sum total(Website site, StatsQuery q) {
        Sum sum = new Sum();
        payments(site, q).forEach(sum::add);
        return sum;
    }

    /** Sums by time bucket: the payment time in the query's zone, truncated to the interval. */
    Map<LocalDateTime, Sum> byBucket(Website site, StatsQuery q, Interval interval) {
        Map<LocalDateTime, Sum> out = new HashMap<>();
        for (PaymentFact f : payments(site, q)) {
            LocalDateTime local = LocalDateTime.ofInstant(f.paidAt(), q.zone());
            out.computeIfAbsent(interval.truncate(local), k -> new Sum()).add(f);
        }
        return out;
    }

    /** Sums by the value of {@code d}; the key may be null (an attributed session without that value). */
    Map<String, Sum> byGroup(Website site, StatsQuery q, Dimension d) {
        Map<String, Sum> out = new HashMap<>();
        for (PaymentFact f : payments(site, q)) {
            out.computeIfAbsent(value(f, d), k -> new Sum()).add(f);
        }
        return out;
    }

    /**
     * A breakdown row for the merge of engine groups and payment groups. Rows are sorted by {@code order} (a revenue
     * or event metric, or the dimension), ties by value.
     */
    record Row(String value, Map<String, Object> metrics, Sum sum, long visitors) {}

    static Comparator<Row> order(StatsQuery.Order order, Dimension dimension, String currency) {
        Comparator<Row> by;
        if (order.by().equals(dimension.apiName())) {
            by = Comparator.comparing(Row::value, Comparator.nullsFirst(Comparator.naturalOrder()));
        } else {
            var revenue = RevenueMetric.fromApiName(order.by());
            by = Comparator.comparingDouble(row -> revenue.isPresent()
                    ? row.sum().sortValue(revenue.get(), row.visitors(), currency)
                    : row.metrics().get(order.by()) instanceof Number n ? n.doubleValue() : -1);
        }
        if (order.descending()) by = by.reversed();
        return by.thenComparing(Row::value, Comparator.nullsLast(Comparator.naturalOrder()));
    }

    static boolean matches(PaymentFact f, Filter filter) {
        String v = value(f, filter.dimension());
        return switch (filter.operator()) {
            case IS -> v != null && filter.values().contains(v);
            case IS_NOT -> v == null || !filter.values().contains(v);
            case CONTAINS ->
                v != null
                        && filter.values().stream()
                                .anyMatch(n -> v.toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT)));
        };
    }

    /** The payment's value of a dimension, as the engine would show its session; "Unknown" when unattributed. */
    static String value(PaymentFact f, Dimension d) {
        if (f.channel() == null) return UNKNOWN;
        return switch (d) {
            case CHANNEL -> f.channel();
            case REFERRER -> f.referrerSource() != null ? f.referrerSource() : f.referrerDomain();
            case UTM_SOURCE -> f.utmSource();
            case UTM_MEDIUM -> f.utmMedium();
            case UTM_CAMPAIGN -> f.utmCampaign();
            case UTM_TERM -> f.utmTerm();
            case UTM_CONTENT -> f.utmContent();
            case ENTRY_PAGE -> f.landingPage();
            case COUNTRY -> f.country();
            case REGION -> f.region();
            case CITY -> f.city();
            case DEVICE_TYPE -> f.deviceType();
            case BROWSER -> f.browser();
            case OS -> f.os();
            default -> throw new IllegalArgumentException("payments do not carry " + d.apiName());
        };
    }
}
