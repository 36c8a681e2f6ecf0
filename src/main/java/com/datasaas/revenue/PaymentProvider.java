package com.datasaas.revenue;

import java.time.Instant;

/**
 * A payment provider we can connect a site to. Implementations talk to the provider's API with the site's key and
 * report payments as {@link IncomingPayment}s; storing, de-duplicating and attributing them is the ledger's job.
 */
interface PaymentProvider {

    /** The provider's id in URLs and bodies: "stripe", "lemonsqueezy". */
    String id();

    /** The provider's name in messages. */
    String displayName();

    /** Calls the provider with the key; the account's display name, or a {@link ProviderException} saying why not. */
    String verify(String apiKey);

    /** Reports every payment created or changed since {@code since} (refunds included) to {@code sink}. */
    void fetch(String apiKey, Instant since, SyncSink sink);

    interface SyncSink {
        void payment(IncomingPayment payment);

        /** Progress through the whole fetch, 0..1, and what is being read now. */
        void progress(double fraction, String phase);
    }
}
