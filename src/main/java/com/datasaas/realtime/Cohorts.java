package com.datasaas.realtime;

import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.caseWhen;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.constant;
import static com.datasaas.sql.Sql.count;
import static com.datasaas.sql.Sql.countIf;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.firstBy;
import static com.datasaas.sql.Sql.ge;
import static com.datasaas.sql.Sql.gt;
import static com.datasaas.sql.Sql.in;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.lt;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.subquery;
import static com.datasaas.sql.Sql.sum;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;
import static com.datasaas.sql.Sql.values;

import com.datasaas.events.EventStore;
import com.datasaas.events.IdKeys;
import com.datasaas.revenue.CustomerPaid;
import com.datasaas.revenue.Money;
import com.datasaas.revenue.PaymentFacts;
import com.datasaas.sites.Website;
import com.datasaas.sql.ColumnMaps;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.Item;
import com.datasaas.sql.Sql.Query;
import com.datasaas.sql.Sql.Select;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The site's past visitors grouped by device, OS, browser, country and referrer, with how many of each group
 * converted and what they paid: what {@link ConversionLikelihood} scores live visitors against.
 *
 * <p>One grouped query per site over the last {@link #HISTORY} of {@code sessions}, kept for {@link #CACHE_FOR}: the
 * realtime map is polled every few seconds and scores every online visitor from the same groups, so no query runs
 * per visitor. Who has paid is not left to expire with them: each recorded payment ({@link CustomerPaid}) adds its
 * visitor to the cached customers at once. The query returns the finest groups (all five dimensions); the coarser levels the score falls back to
 * are sums of those rows, done here. Paying visitors get a row of their own (their key is a group column), because
 * payments live in the metadata store and their amounts are added here.
 *
 * <p>A past visitor is described by their first session in the window (its first pageview's values, as the
 * {@code sessions} table keeps them); a live visitor by their current session. Definitions: docs/conversion-likelihood.md.
 */
@Component
final class Cohorts {
    /** How far back past visitors are taken from. */
    static final Duration HISTORY = Duration.ofDays(30);
    /** A group with fewer past visitors than this is too small to score from: the score falls back a level. */
    static final int MIN_COHORT = 30;
    /** How long one site's groups are reused. */
    static final Duration CACHE_FOR = Duration.ofMinutes(1);
    /** From this many visitors a cohort's score is "high" confidence (margin of error at most ~3 points). */
    static final int HIGH_CONFIDENCE = 1_000;
    /** From this many, "medium" (margin of error at most ~10 points); below, "low". */
    static final int MEDIUM_CONFIDENCE = 100;

    /** The dimensions, in the order of {@link #LEVELS}' indexes, as the API names them. */
    static final List<String> DIMENSIONS = List.of("device_type", "os", "browser", "country", "referrer");

    /**
     * Most specific first. Country goes first (many small groups, weak signal), then browser and OS; referrer (why
     * the visitor came) and device stay longest. The last level, no dimension, is the site baseline.
     */
    static final List<List<Integer>> LEVELS = List.of(
            List.of(0, 1, 2, 3, 4), List.of(0, 1, 2, 4), List.of(0, 1, 4), List.of(0, 4), List.of(4), List.of());

    private final EventStore store;
    private final Dialect dialect;
    private final PaymentFacts payments;
    private final Cache<String, History> cache = Caffeine.newBuilder()
            .expireAfterWrite(CACHE_FOR)
            .maximumSize(10_000)
            .build();

    Cohorts(EventStore store, List<Dialect> dialects, PaymentFacts payments) {
        this.store = store;
        this.dialect = Dialect.named(store.dialect(), dialects);
        this.payments = payments;
    }

    /** Past visitors, converters and revenue per group; {@code revenueMinor} in the site's currency. */
    record Tally(long visitors, long converters, long revenueMinor) {
        Tally plus(Tally other) {
            return new Tally(
                    visitors + other.visitors, converters + other.converters, revenueMinor + other.revenueMinor);
        }
    }

    /** One site's groups at every level, and who has ever paid. */
    record History(String currency, List<Map<List<String>, Tally>> levels, Set<Long> customers) {

        /**
         * The likelihood of a live visitor whose current session has these {@link #DIMENSIONS} values (nulls where
         * unknown: they match past visitors for whom that value was unknown too).
         */
        ConversionLikelihood score(long visitorKey, List<String> dimensions) {
            if (customers.contains(visitorKey)) {
                return new ConversionLikelihood(100, ConversionLikelihood.HIGH, List.of(), 0, zero(), true);
            }
            for (int level = 0; level < LEVELS.size(); level++) {
                List<Integer> dims = LEVELS.get(level);
                Tally t = levels.get(level).get(key(dimensions, dims));
                boolean baseline = dims.isEmpty();
                if (t == null || (t.visitors < MIN_COHORT && !baseline)) continue;
                int score = (int) Math.round(100.0 * t.converters / t.visitors);
                long perVisitor = BigDecimal.valueOf(t.revenueMinor)
                        .divide(BigDecimal.valueOf(t.visitors), 0, RoundingMode.HALF_UP)
                        .longValueExact();
                return new ConversionLikelihood(
                        score,
                        confidence(t.visitors, baseline),
                        dims.stream().map(DIMENSIONS::get).toList(),
                        t.visitors,
                        Money.units(perVisitor, currency),
                        false);
            }
            // No history at all: the baseline of an empty site.
            return new ConversionLikelihood(0, ConversionLikelihood.LOW, List.of(), 0, zero(), false);
        }

        History withCustomer(long visitorKey) {
            if (customers.contains(visitorKey)) return this;
            Set<Long> more = new HashSet<>(customers);
            more.add(visitorKey);
            return new History(currency, levels, Set.copyOf(more));
        }

        private BigDecimal zero() {
            return Money.units(0, currency);
        }
    }

    static String confidence(long visitors, boolean baseline) {
        if (visitors >= HIGH_CONFIDENCE && !baseline) return ConversionLikelihood.HIGH;
        // The site baseline is well measured but says little about this visitor: at most medium.
        if (visitors >= MEDIUM_CONFIDENCE) return ConversionLikelihood.MEDIUM;
        return ConversionLikelihood.LOW;
    }

    /** The values of {@code dims} (indexes into {@link #DIMENSIONS}); a list, so nulls are fine map keys. */
    static List<String> key(List<String> values, List<Integer> dims) {
        String[] key = new String[dims.size()];
        for (int i = 0; i < key.length; i++) key[i] = values.get(dims.get(i));
        return Arrays.asList(key);
    }

    /** The site's groups as of {@code now}, from the cache when computed less than a minute ago. */
    History of(Website site, Instant now) {
        return cache.get(site.id(), id -> compute(site, now));
    }

    /**
     * A visitor who has just paid is a customer at once (score 100), not when the cached groups expire. Only the
     * customer set changes: the groups are a 30-day statistic that one payment barely moves, so they wait.
     */
    @EventListener
    void onCustomerPaid(CustomerPaid paid) {
        long key = IdKeys.of(paid.siteId(), paid.visitorId());
        cache.asMap().computeIfPresent(paid.siteId(), (id, history) -> history.withCustomer(key));
    }

    private History compute(Website site, Instant now) {
        Instant from = now.minus(HISTORY);
        Map<Long, Long> windowRevenue = new HashMap<>();
        Set<Long> customers = new HashSet<>();
        for (PaymentFacts.PaymentFact p : payments.between(site.id(), site.currency(), Instant.EPOCH, now)) {
            if (p.visitorId() == null) continue;
            long key = IdKeys.of(site.id(), p.visitorId());
            customers.add(key);
            if (!p.paidAt().isBefore(from)) {
                windowRevenue.merge(key, p.revenueMinor() == null ? 0L : p.revenueMinor(), Long::sum);
            }
        }
        CompiledQuery sql = dialect.print(cohortQuery(site.id(), from, now, List.copyOf(windowRevenue.keySet())));
        List<Map<String, Object>> rows = store.query(sql.sql(), sql.parameters(), ColumnMaps.INSTANCE);
        List<Map<List<String>, Tally>> levels = new ArrayList<>();
        for (int i = 0; i < LEVELS.size(); i++) levels.add(new HashMap<>());
        for (Map<String, Object> row : rows) {
            List<String> dims = new ArrayList<>(DIMENSIONS.size());
            for (String d : DIMENSIONS) dims.add((String) row.get(d));
            Object payer = row.get("payer");
            Tally tally = payer == null
                    ? new Tally(number(row.get("visitors")), number(row.get("goal_converters")), 0)
                    : new Tally(1, 1, windowRevenue.getOrDefault(number(payer), 0L));
            for (int level = 0; level < LEVELS.size(); level++) {
                levels.get(level).merge(key(dims, LEVELS.get(level)), tally, Tally::plus);
            }
        }
        return new History(site.currency(), levels, Set.copyOf(customers));
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    /**
     * Past visitors whose first session in {@code [from, until)} ... grouped by that session's five values, each with
     * how many of them completed a goal in the window; visitors in {@code payers} each get a row of their own.
     */
    static Query cohortQuery(String siteId, Instant from, Instant until, List<Long> payers) {
        Expr hasPageview = gt(col("pageviews"), constant(0));
        List<Item> perVisitor = new ArrayList<>();
        perVisitor.add(item(col("visitor_key")));
        for (String d : DIMENSIONS) perVisitor.add(as(firstBy(col(d), col("started_at"), hasPageview), d));
        perVisitor.add(as(sum(col("goals")), "goals"));
        // Bound once, here: the same values printed in SELECT and GROUP BY would be two different parameters.
        if (!payers.isEmpty()) {
            perVisitor.add(as(caseWhen(in(col("visitor_key"), values(payers)), col("visitor_key"), null), "payer"));
        }
        Select visitors = select(perVisitor)
                .from(table("sessions"))
                .where(
                        eq(col("site_id"), value(siteId)),
                        ge(col("started_at"), value(from)),
                        lt(col("started_at"), value(until)))
                .groupBy(List.of(col("visitor_key")))
                .build();

        List<Expr> groups = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        for (String d : DIMENSIONS) {
            groups.add(col("v", d));
            items.add(as(col("v", d), d));
        }
        if (!payers.isEmpty()) {
            groups.add(col("v", "payer"));
            items.add(as(col("v", "payer"), "payer"));
        }
        items.add(as(count(), "visitors"));
        items.add(as(countIf(gt(col("v", "goals"), constant(0))), "goal_converters"));
        return select(items).from(subquery(visitors, "v")).groupBy(groups).build();
    }
}
