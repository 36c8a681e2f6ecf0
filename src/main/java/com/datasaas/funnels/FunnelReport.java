package com.datasaas.funnels;

import com.datasaas.events.EventStore;
import com.datasaas.events.IdKeys;
import com.datasaas.goals.Goal;
import com.datasaas.goals.Goals;
import com.datasaas.revenue.Money;
import com.datasaas.revenue.PaymentFacts;
import com.datasaas.revenue.PaymentFacts.PaymentFact;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.stats.StatsScope;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Counts a funnel's visitors per step in the event store (one query printed by the store's dialect) and sums the
 * revenue of the visitors who completed it from the payments in the range.
 */
@Component
final class FunnelReport {
    private final EventStore store;
    private final Dialect dialect;
    private final Goals goals;
    private final PaymentFacts payments;

    FunnelReport(EventStore store, List<Dialect> dialects, Goals goals, PaymentFacts payments) {
        this.store = store;
        this.dialect = Dialect.named(store.dialect(), dialects);
        this.goals = goals;
        this.payments = payments;
    }

    /** Visitors per step, in step order, and the revenue of completers in the site's currency. */
    record Counts(List<Long> visitors, BigDecimal revenue) {}

    Counts count(Funnel funnel, StatsScope scope) {
        Map<String, Goal> siteGoals =
                goals.forSite(scope.site().id()).stream().collect(Collectors.toMap(Goal::name, Function.identity()));
        int n = funnel.steps().size();
        CompiledQuery counts = dialect.print(FunnelQuery.counts(funnel, scope, siteGoals));
        List<Long> visitors = store.query(counts.sql(), counts.parameters(), (rs, row) -> {
                    List<Long> out = new ArrayList<>(n);
                    for (int k = 1; k <= n; k++) out.add(rs.getLong(k));
                    return out;
                })
                .get(0);
        String currency = scope.site().currency();
        long revenueMinor = 0;
        List<PaymentFact> paid = visitors.get(n - 1) == 0
                ? List.of()
                : payments.between(scope.site().id(), currency, scope.from(), scope.until());
        if (paid.stream().anyMatch(p -> p.visitorId() != null && p.revenueMinor() != null)) {
            CompiledQuery sql = dialect.print(FunnelQuery.completers(funnel, scope, siteGoals));
            Set<Long> completers = new HashSet<>(store.query(sql.sql(), sql.parameters(), (rs, row) -> rs.getLong(1)));
            for (PaymentFact p : paid) {
                if (p.visitorId() == null || p.revenueMinor() == null) continue;
                if (completers.contains(IdKeys.of(scope.site().id(), p.visitorId()))) revenueMinor += p.revenueMinor();
            }
        }
        return new Counts(visitors, Money.units(revenueMinor, currency));
    }
}
