package com.datasaas.revenue;

import com.datasaas.revenue.IncomingPayment.Link;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The payments of every site, in the metadata store. {@link #record} is the only write path for sync, webhooks and
 * the payments API alike: it merges by (site, provider, transaction id) so a payment is stored once however many
 * paths report it, then links and attributes it. A payment reported through the API without a provider
 * ({@value #CUSTOM}) and the same transaction reported by a provider are the same payment: the provider's row wins
 * the provider name.
 */
@Component
final class PaymentLedger {
    static final String CUSTOM = "custom";
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ISO_INSTANT;

    private final JdbcClient jdbc;
    private final Attribution attribution;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    // Single node: merges of one site are serialized; the unique key still guards the table itself.
    private final ConcurrentHashMap<String, Object> siteLocks = new ConcurrentHashMap<>();

    PaymentLedger(JdbcClient jdbc, Attribution attribution, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.attribution = attribution;
        this.clock = clock;
        this.events = events;
    }

    /** Stored payments keep timestamps to the second so that text order is time order. */
    static String time(Instant instant) {
        return INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    record Stored(
            long id,
            String provider,
            String transactionId,
            long amountMinor,
            String currency,
            long refundedMinor,
            Long settlementAmountMinor,
            String settlementCurrency,
            Instant paidAt,
            boolean renewal,
            String customerId,
            String email,
            String visitorId,
            String sessionId,
            Link link,
            String attribution,
            String attributedSessionId,
            Instant attributedAt,
            String channel,
            String referrer,
            String referrerDomain,
            String utmSource,
            String utmMedium,
            String utmCampaign,
            String utmTerm,
            String utmContent,
            String landingPage,
            String country,
            String deviceType,
            String deliveredBy) {

        /** Net of refunds, in the site's currency when the payment or its settlement is in it; else null. */
        Long revenueMinor(String siteCurrency) {
            return Money.inSiteCurrency(
                    amountMinor - refundedMinor,
                    amountMinor,
                    currency,
                    settlementAmountMinor,
                    settlementCurrency,
                    siteCurrency);
        }

        Long refundedInSiteCurrency(String siteCurrency) {
            return Money.inSiteCurrency(
                    refundedMinor, amountMinor, currency, settlementAmountMinor, settlementCurrency, siteCurrency);
        }
    }

    enum Outcome {
        CREATED,
        UPDATED
    }

    record Recorded(Outcome outcome, Stored payment) {}

    Recorded record(String siteId, IncomingPayment p) {
        synchronized (siteLocks.computeIfAbsent(siteId, k -> new Object())) {
            Optional<Stored> existing = find(siteId, p.provider(), p.transactionId());
            if (existing.isEmpty()) {
                existing = CUSTOM.equals(p.provider())
                        ? findAnyProvider(siteId, p.transactionId())
                        : find(siteId, CUSTOM, p.transactionId());
            }
            Outcome outcome;
            long id;
            String now = time(clock.instant());
            if (existing.isEmpty()) {
                id = insert(siteId, p, now);
                outcome = Outcome.CREATED;
            } else {
                id = merge(existing.get(), p, now);
                outcome = Outcome.UPDATED;
            }
            Stored stored = byId(id).orElseThrow();
            stored = linkAndAttribute(siteId, stored);
            announce(siteId, stored);
            return new Recorded(outcome, stored);
        }
    }

    private long insert(String siteId, IncomingPayment p, String now) {
        jdbc.sql("INSERT INTO payments (website_id, provider, transaction_id, amount_minor, currency, refunded_minor,"
                        + " settlement_amount_minor, settlement_currency, paid_at, renewal, customer_id, email,"
                        + " visitor_id, session_id, link, delivered_by, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        siteId,
                        p.provider(),
                        p.transactionId(),
                        p.amountMinor(),
                        p.currency(),
                        Math.min(p.refundedMinor(), p.amountMinor()),
                        p.settlementAmountMinor(),
                        p.settlementCurrency(),
                        time(p.paidAt()),
                        p.renewal() ? 1 : 0,
                        p.customerId(),
                        p.email(),
                        p.visitorId(),
                        p.sessionId(),
                        p.link().wireName(),
                        p.deliveredBy(),
                        now,
                        now)
                .update();
        return jdbc.sql("SELECT id FROM payments WHERE website_id = ? AND provider = ? AND transaction_id = ?")
                .params(siteId, p.provider(), p.transactionId())
                .query(Long.class)
                .single();
    }

    /**
     * Merge rules: the provider name of a real provider beats {@value #CUSTOM}; amounts and settlement take the
     * latest report; refunds only grow (a refund is never undone by a later, staler report); the earliest payment time
     * wins; a stronger visitor link replaces a weaker one and then the payment is attributed again.
     */
    private long merge(Stored old, IncomingPayment p, String now) {
        String provider = CUSTOM.equals(old.provider()) ? p.provider() : old.provider();
        long amount = p.amountMinor() > 0 ? p.amountMinor() : old.amountMinor();
        String currency = p.amountMinor() > 0 ? p.currency() : old.currency();
        long refunded = Math.min(Math.max(old.refundedMinor(), p.refundedMinor()), amount);
        Long settlement = p.settlementAmountMinor() != null ? p.settlementAmountMinor() : old.settlementAmountMinor();
        String settlementCurrency =
                p.settlementAmountMinor() != null ? p.settlementCurrency() : old.settlementCurrency();
        Instant paidAt = p.paidAt().isBefore(old.paidAt()) ? p.paidAt() : old.paidAt();
        boolean strongerLink = p.link().strength > old.link().strength;
        String visitor = strongerLink ? p.visitorId() : old.visitorId();
        String session = strongerLink ? p.sessionId() : old.sessionId();
        Link link = strongerLink ? p.link() : old.link();
        jdbc.sql("UPDATE payments SET provider = ?, amount_minor = ?, currency = ?, refunded_minor = ?,"
                        + " settlement_amount_minor = ?, settlement_currency = ?, paid_at = ?, renewal = ?,"
                        + " customer_id = coalesce(customer_id, ?), email = coalesce(email, ?), visitor_id = ?,"
                        + " session_id = ?, link = ?, updated_at = ?"
                        + (strongerLink ? ", attributed_at = NULL" : "")
                        + " WHERE id = ?")
                .params(
                        provider,
                        amount,
                        currency,
                        refunded,
                        settlement,
                        settlementCurrency,
                        time(paidAt),
                        old.renewal() || p.renewal() ? 1 : 0,
                        p.customerId(),
                        p.email(),
                        visitor,
                        session,
                        link.wireName(),
                        now,
                        old.id())
                .update();
        return old.id();
    }

    /**
     * Tells other features (the realtime map's customer flag) that this visitor has paid, as soon as the payment is
     * linked to them, rather than when their caches next expire. Listeners run synchronously, in this thread.
     */
    private void announce(String siteId, Stored p) {
        if (p.visitorId() != null) events.publishEvent(new CustomerPaid(siteId, p.visitorId()));
    }

    /**
     * Links a payment without visitor ids to an earlier payment of the same customer, then copies the attributes of
     * the chosen session. A payment whose visitor has no events yet stays unattributed ({@code attributed_at} NULL)
     * and is tried again later: webhooks can beat the checkout page's own events to the store.
     */
    Stored linkAndAttribute(String siteId, Stored p) {
        if (p.attributedAt() != null) return p;
        Stored current = p;
        if (current.link() == Link.NONE && current.customerId() != null) {
            Optional<Stored> earlier = jdbc.sql("SELECT * FROM payments WHERE website_id = ? AND customer_id = ?"
                            + " AND visitor_id IS NOT NULL AND id <> ? AND paid_at <= ? ORDER BY paid_at LIMIT 1")
                    .params(siteId, current.customerId(), current.id(), time(current.paidAt()))
                    .query(PaymentLedger::map)
                    .optional();
            if (earlier.isPresent()) {
                jdbc.sql("UPDATE payments SET visitor_id = ?, link = ? WHERE id = ?")
                        .params(earlier.get().visitorId(), Link.CUSTOMER.wireName(), current.id())
                        .update();
                current = byId(current.id()).orElseThrow();
            }
        }
        if (current.visitorId() == null && current.sessionId() == null) return current;
        Optional<Attribution.Touch> touch =
                attribution.attribute(siteId, current.visitorId(), current.sessionId(), current.paidAt());
        if (touch.isEmpty()) return current;
        Attribution.Touch t = touch.get();
        jdbc.sql("UPDATE payments SET attribution = ?, attributed_session_id = ?, attributed_at = ?,"
                        + " visitor_id = coalesce(visitor_id, ?), channel = ?, referrer = ?, referrer_domain = ?,"
                        + " referrer_source = ?, utm_source = ?, utm_medium = ?, utm_campaign = ?, utm_term = ?,"
                        + " utm_content = ?, landing_page = ?, country = ?, region = ?, city = ?, device_type = ?,"
                        + " browser = ?, os = ? WHERE id = ?")
                .params(
                        t.rule(),
                        t.sessionId(),
                        time(clock.instant()),
                        t.visitorId(),
                        t.channel(),
                        t.referrer(),
                        t.referrerDomain(),
                        t.referrerSource(),
                        t.utmSource(),
                        t.utmMedium(),
                        t.utmCampaign(),
                        t.utmTerm(),
                        t.utmContent(),
                        t.landingPage(),
                        t.country(),
                        t.region(),
                        t.city(),
                        t.deviceType(),
                        t.browser(),
                        t.os(),
                        current.id())
                .update();
        return byId(current.id()).orElseThrow();
    }

    /** Tries again to link and attribute payments that are not attributed yet and changed since {@code since}. */
    int reattribute(String siteId, Instant since) {
        List<Stored> pending = jdbc.sql("SELECT * FROM payments WHERE website_id = ? AND attributed_at IS NULL"
                        + " AND updated_at >= ? ORDER BY paid_at")
                .params(siteId, time(since))
                .query(PaymentLedger::map)
                .list();
        int attributed = 0;
        for (Stored p : pending) {
            synchronized (siteLocks.computeIfAbsent(siteId, k -> new Object())) {
                Stored linked = linkAndAttribute(siteId, p);
                announce(siteId, linked);
                if (linked.attributedAt() != null) attributed++;
            }
        }
        return attributed;
    }

    /** Sites that have payments waiting for attribution, changed since {@code since}. */
    List<String> sitesWithPending(Instant since) {
        return jdbc.sql("SELECT DISTINCT website_id FROM payments WHERE attributed_at IS NULL AND updated_at >= ?"
                        + " AND (visitor_id IS NOT NULL OR session_id IS NOT NULL OR customer_id IS NOT NULL)")
                .params(time(since))
                .query(String.class)
                .list();
    }

    Optional<Stored> find(String siteId, String provider, String transactionId) {
        return jdbc.sql("SELECT * FROM payments WHERE website_id = ? AND provider = ? AND transaction_id = ?")
                .params(siteId, provider, transactionId)
                .query(PaymentLedger::map)
                .optional();
    }

    private Optional<Stored> findAnyProvider(String siteId, String transactionId) {
        return jdbc.sql("SELECT * FROM payments WHERE website_id = ? AND transaction_id = ? ORDER BY id LIMIT 1")
                .params(siteId, transactionId)
                .query(PaymentLedger::map)
                .optional();
    }

    private Optional<Stored> byId(long id) {
        return jdbc.sql("SELECT * FROM payments WHERE id = ?")
                .params(id)
                .query(PaymentLedger::map)
                .optional();
    }

    List<Stored> list(String siteId, Instant from, Instant to, int limit) {
        return jdbc.sql("SELECT * FROM payments WHERE website_id = ? AND paid_at >= ? AND paid_at < ?"
                        + " ORDER BY paid_at DESC, id DESC LIMIT ?")
                .params(siteId, time(from), time(to), limit)
                .query(PaymentLedger::map)
                .list();
    }

    int delete(String siteId, String transactionId, String provider) {
        if (provider == null) {
            return jdbc.sql("DELETE FROM payments WHERE website_id = ? AND transaction_id = ?")
                    .params(siteId, transactionId)
                    .update();
        }
        return jdbc.sql("DELETE FROM payments WHERE website_id = ? AND transaction_id = ? AND provider = ?")
                .params(siteId, transactionId, provider)
                .update();
    }

    long count(String siteId, String provider) {
        return jdbc.sql("SELECT count(*) FROM payments WHERE website_id = ? AND provider = ?")
                .params(siteId, provider)
                .query(Long.class)
                .single();
    }

    private static Stored map(ResultSet rs, int row) throws SQLException {
        long settlement = rs.getLong("settlement_amount_minor");
        Long settlementAmount = rs.wasNull() ? null : settlement;
        String attributedAt = rs.getString("attributed_at");
        return new Stored(
                rs.getLong("id"),
                rs.getString("provider"),
                rs.getString("transaction_id"),
                rs.getLong("amount_minor"),
                rs.getString("currency"),
                rs.getLong("refunded_minor"),
                settlementAmount,
                rs.getString("settlement_currency"),
                Instant.parse(rs.getString("paid_at")),
                rs.getInt("renewal") != 0,
                rs.getString("customer_id"),
                rs.getString("email"),
                rs.getString("visitor_id"),
                rs.getString("session_id"),
                Link.of(rs.getString("link")),
                rs.getString("attribution"),
                rs.getString("attributed_session_id"),
                attributedAt == null ? null : Instant.parse(attributedAt),
                rs.getString("channel"),
                rs.getString("referrer"),
                rs.getString("referrer_domain"),
                rs.getString("utm_source"),
                rs.getString("utm_medium"),
                rs.getString("utm_campaign"),
                rs.getString("utm_term"),
                rs.getString("utm_content"),
                rs.getString("landing_page"),
                rs.getString("country"),
                rs.getString("device_type"),
                rs.getString("delivered_by"));
    }
}
