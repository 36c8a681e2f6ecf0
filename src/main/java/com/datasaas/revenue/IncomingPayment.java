package com.datasaas.revenue;

import java.time.Instant;

/**
 * A payment as one delivery path (provider sync, webhook, payments API) reports it, before it is merged into the
 * stored payment with the same (site, provider, transaction id). Amounts are minor units of {@code currency};
 * {@code settlementAmountMinor} is the same payment in {@code settlementCurrency} when the provider settled it in
 * another currency. {@code visitorId}/{@code sessionId} are what the checkout passed along, {@code link} says how
 * we know them.
 */
record IncomingPayment(
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
        String deliveredBy) {

    /** How a payment is tied to a visitor, strongest first; a stronger link replaces a weaker one on merge. */
    enum Link {
        METADATA(3),
        CLIENT_REFERENCE(2),
        CUSTOMER(1),
        NONE(0);

        final int strength;

        Link(int strength) {
            this.strength = strength;
        }

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Link of(String wire) {
            return wire == null ? NONE : valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }
    }

    IncomingPayment {
        currency = Money.currency(currency);
        settlementCurrency = Money.currency(settlementCurrency);
        visitorId = blankToNull(visitorId);
        sessionId = blankToNull(sessionId);
        customerId = blankToNull(customerId);
        if (link == null) link = visitorId != null || sessionId != null ? Link.METADATA : Link.NONE;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** The visitor link read from provider metadata, falling back to the checkout's client_reference_id. */
    record VisitorLink(String visitorId, String sessionId, Link link) {
        static final VisitorLink NONE = new VisitorLink(null, null, Link.NONE);

        static VisitorLink from(java.util.Map<String, String> metadata, String clientReferenceId) {
            String visitor = metadata == null ? null : blankToNull(metadata.get("datasaas_visitor_id"));
            String session = metadata == null ? null : blankToNull(metadata.get("datasaas_session_id"));
            if (visitor != null || session != null) return new VisitorLink(visitor, session, Link.METADATA);
            String reference = blankToNull(clientReferenceId);
            if (reference != null) return new VisitorLink(reference, null, Link.CLIENT_REFERENCE);
            return NONE;
        }

        VisitorLink or(VisitorLink other) {
            return other != null && other.link.strength > link.strength ? other : this;
        }
    }
}
