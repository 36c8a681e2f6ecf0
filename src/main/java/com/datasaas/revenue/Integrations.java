package com.datasaas.revenue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Provider connections in the metadata store. Secrets go in and come out through {@link SecretBox}, bound to
 * (site, provider, purpose); this class is the only one that ever holds a plain key, and only for the call at hand.
 */
@Component
final class Integrations {
    private final JdbcClient jdbc;
    private final SecretBox secrets;

    Integrations(JdbcClient jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    record Integration(
            String websiteId,
            String provider,
            boolean connected,
            String keyLast4,
            boolean webhookSecretSet,
            String accountName,
            Instant connectedAt,
            Instant lastSyncedAt,
            String lastError) {}

    void connect(String siteId, String provider, String apiKey, String accountName, Instant now) {
        jdbc.sql("INSERT INTO integrations (website_id, provider, api_key_sealed, key_last4, account_name,"
                        + " connected_at, last_error) VALUES (?, ?, ?, ?, ?, ?, NULL)"
                        + " ON CONFLICT (website_id, provider) DO UPDATE SET api_key_sealed = excluded.api_key_sealed,"
                        + " key_last4 = excluded.key_last4, account_name = excluded.account_name,"
                        + " connected_at = excluded.connected_at, last_error = NULL")
                .params(
                        siteId,
                        provider,
                        secrets.seal(apiKey, context(siteId, provider, "api_key")),
                        last4(apiKey),
                        accountName,
                        PaymentLedger.time(now))
                .update();
    }

    void setWebhookSecret(String siteId, String provider, String secret) {
        jdbc.sql("INSERT INTO integrations (website_id, provider, webhook_secret_sealed) VALUES (?, ?, ?)"
                        + " ON CONFLICT (website_id, provider) DO UPDATE SET"
                        + " webhook_secret_sealed = excluded.webhook_secret_sealed")
                .params(
                        siteId,
                        provider,
                        secret == null ? null : secrets.seal(secret, context(siteId, provider, "webhook_secret")))
                .update();
    }

    /** Removes the secrets; the row stays so the sync history (and the payments) survive. */
    boolean disconnect(String siteId, String provider) {
        return jdbc.sql("UPDATE integrations SET api_key_sealed = NULL, key_last4 = NULL,"
                                + " webhook_secret_sealed = NULL WHERE website_id = ? AND provider = ?")
                        .params(siteId, provider)
                        .update()
                > 0;
    }

    Optional<Integration> find(String siteId, String provider) {
        return jdbc.sql("SELECT * FROM integrations WHERE website_id = ? AND provider = ?")
                .params(siteId, provider)
                .query((rs, n) -> new Integration(
                        rs.getString("website_id"),
                        rs.getString("provider"),
                        rs.getString("api_key_sealed") != null,
                        rs.getString("key_last4"),
                        rs.getString("webhook_secret_sealed") != null,
                        rs.getString("account_name"),
                        instant(rs.getString("connected_at")),
                        instant(rs.getString("last_synced_at")),
                        rs.getString("last_error")))
                .optional();
    }

    Optional<String> apiKey(String siteId, String provider) {
        return jdbc.sql("SELECT api_key_sealed FROM integrations WHERE website_id = ? AND provider = ?"
                        + " AND api_key_sealed IS NOT NULL")
                .params(siteId, provider)
                .query(String.class)
                .optional()
                .map(text -> secrets.open(text, context(siteId, provider, "api_key")));
    }

    Optional<String> webhookSecret(String siteId, String provider) {
        return jdbc.sql("SELECT webhook_secret_sealed FROM integrations WHERE website_id = ? AND provider = ?"
                        + " AND webhook_secret_sealed IS NOT NULL")
                .params(siteId, provider)
                .query(String.class)
                .optional()
                .map(text -> secrets.open(text, context(siteId, provider, "webhook_secret")));
    }

    List<String> connectedProviders(String siteId) {
        return jdbc.sql("SELECT provider FROM integrations WHERE website_id = ? AND api_key_sealed IS NOT NULL"
                        + " ORDER BY provider")
                .params(siteId)
                .query(String.class)
                .list();
    }

    List<String> sitesWithConnections() {
        return jdbc.sql("SELECT DISTINCT website_id FROM integrations WHERE api_key_sealed IS NOT NULL")
                .query(String.class)
                .list();
    }

    void synced(String siteId, String provider, Instant startedAt) {
        jdbc.sql("UPDATE integrations SET last_synced_at = ?, last_error = NULL WHERE website_id = ? AND provider = ?")
                .params(PaymentLedger.time(startedAt), siteId, provider)
                .update();
    }

    void failed(String siteId, String provider, String error) {
        jdbc.sql("UPDATE integrations SET last_error = ? WHERE website_id = ? AND provider = ?")
                .params(error, siteId, provider)
                .update();
    }

    static String context(String siteId, String provider, String purpose) {
        return siteId + "/" + provider + "/" + purpose;
    }

    private static String last4(String key) {
        return key.length() <= 4 ? "" : key.substring(key.length() - 4);
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
