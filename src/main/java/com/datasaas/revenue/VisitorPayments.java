package com.datasaas.revenue;

import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Payments as one visitor's (the visitors feature's profile and journey): those linked to the visitor's raw ids, and
 * forgetting those links when the visitor is deleted. The payment itself stays, because it is the site's revenue,
 * not the visitor's data; it only stops pointing at the visitor and the session it was credited to.
 */
@Component
public final class VisitorPayments {
    private final JdbcClient jdbc;

    VisitorPayments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The payments linked to any of these visitor ids, oldest first, in the site's currency as stats read them. */
    public List<PaymentFacts.PaymentFact> of(String siteId, String siteCurrency, List<String> visitorIds) {
        if (visitorIds.isEmpty()) return List.of();
        return jdbc.sql("SELECT * FROM payments WHERE website_id = ? AND visitor_id IN (" + placeholders(visitorIds)
                        + ") ORDER BY paid_at, id")
                .params(params(siteId, visitorIds))
                .query((rs, n) -> PaymentFacts.fact(rs, siteCurrency))
                .list();
    }

    /**
     * Unlinks the visitors' payments: no visitor, session or attribution (whose columns were copied from the visitor's
     * session) is left on them, so they count as unattributed revenue. Returns how many payments changed.
     */
    public int unlink(String siteId, List<String> visitorIds) {
        if (visitorIds.isEmpty()) return 0;
        return jdbc.sql("UPDATE payments SET visitor_id = NULL, session_id = NULL, link = 'none', attribution = NULL,"
                        + " attributed_session_id = NULL, attributed_at = NULL, channel = NULL, referrer = NULL,"
                        + " referrer_domain = NULL, referrer_source = NULL, utm_source = NULL, utm_medium = NULL,"
                        + " utm_campaign = NULL, utm_term = NULL, utm_content = NULL, landing_page = NULL,"
                        + " country = NULL, region = NULL, city = NULL, device_type = NULL, browser = NULL, os = NULL"
                        + " WHERE website_id = ? AND visitor_id IN (" + placeholders(visitorIds) + ")")
                .params(params(siteId, visitorIds))
                .update();
    }

    private static String placeholders(List<String> values) {
        return String.join(", ", Collections.nCopies(values.size(), "?"));
    }

    private static List<Object> params(String siteId, List<String> visitorIds) {
        List<Object> out = new java.util.ArrayList<>(visitorIds.size() + 1);
        out.add(siteId);
        out.addAll(visitorIds);
        return out;
    }
}
