package com.datasaas.revenue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The revenue feature's read API for other features (stats, realtime): payments in a time range with their amount in
 * the site's currency and the attributes of the session they are credited to, ready to be grouped and filtered like
 * sessions. Unattributed payments have null attributes (shown as "Unknown").
 */
@Component
public final class PaymentFacts {
    private final JdbcClient jdbc;

    PaymentFacts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One payment as stats see it. {@code revenueMinor} and {@code refundedMinor} are in {@code siteCurrency} (net of
     * refunds), or null when the payment is in another currency and no settlement amount in the site's currency is
     * known.
     */
    public record PaymentFact(
            String provider,
            String transactionId,
            Instant paidAt,
            String siteCurrency,
            Long revenueMinor,
            Long refundedMinor,
            boolean renewal,
            String visitorId,
            String sessionId,
            String channel,
            String referrer,
            String referrerDomain,
            String referrerSource,
            String utmSource,
            String utmMedium,
            String utmCampaign,
            String utmTerm,
            String utmContent,
            String landingPage,
            String country,
            String region,
            String city,
            String deviceType,
            String browser,
            String os) {}

    /** Payments of the site with {@code from <= paid_at < to}, oldest first. */
    public List<PaymentFact> between(String siteId, String siteCurrency, Instant from, Instant to) {
        return jdbc.sql("SELECT * FROM payments WHERE website_id = ? AND paid_at >= ? AND paid_at < ? ORDER BY paid_at")
                .params(siteId, PaymentLedger.time(from), PaymentLedger.time(to))
                .query((rs, n) -> fact(rs, siteCurrency))
                .list();
    }

    /** The newest {@code limit} payments of the site, newest first (the realtime feed). */
    public List<PaymentFact> recent(String siteId, String siteCurrency, int limit) {
        return jdbc.sql("SELECT * FROM payments WHERE website_id = ? ORDER BY paid_at DESC LIMIT ?")
                .params(siteId, limit)
                .query((rs, n) -> fact(rs, siteCurrency))
                .list();
    }

    static PaymentFact fact(ResultSet rs, String siteCurrency) throws SQLException {
        long amount = rs.getLong("amount_minor");
        long refunded = rs.getLong("refunded_minor");
        String currency = rs.getString("currency");
        long settlementValue = rs.getLong("settlement_amount_minor");
        Long settlement = rs.wasNull() ? null : settlementValue;
        String settlementCurrency = rs.getString("settlement_currency");
        Long revenue =
                Money.inSiteCurrency(amount - refunded, amount, currency, settlement, settlementCurrency, siteCurrency);
        Long refunds = Money.inSiteCurrency(refunded, amount, currency, settlement, settlementCurrency, siteCurrency);
        boolean attributed = rs.getString("attributed_at") != null;
        return new PaymentFact(
                rs.getString("provider"),
                rs.getString("transaction_id"),
                Instant.parse(rs.getString("paid_at")),
                siteCurrency,
                revenue,
                refunds,
                rs.getInt("renewal") != 0,
                rs.getString("visitor_id"),
                attributed ? rs.getString("attributed_session_id") : rs.getString("session_id"),
                rs.getString("channel"),
                rs.getString("referrer"),
                rs.getString("referrer_domain"),
                rs.getString("referrer_source"),
                rs.getString("utm_source"),
                rs.getString("utm_medium"),
                rs.getString("utm_campaign"),
                rs.getString("utm_term"),
                rs.getString("utm_content"),
                rs.getString("landing_page"),
                rs.getString("country"),
                rs.getString("region"),
                rs.getString("city"),
                rs.getString("device_type"),
                rs.getString("browser"),
                rs.getString("os"));
    }
}
