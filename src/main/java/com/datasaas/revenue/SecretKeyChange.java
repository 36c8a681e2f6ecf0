package com.datasaas.revenue;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.app.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Re-seals the stored provider secrets (integrations' API keys and webhook signing secrets) from one instance secret
 * key to another, in a metadata database. The move to server mode needs it: an embedded install sealed them with its
 * generated {@code secret.key}, and server mode opens them with {@code DATASAAS_SECRET_KEY}. A value that already
 * opens with the new key is left as it is, so running it twice (a resumed migration) changes nothing.
 */
public final class SecretKeyChange {
    private static final List<String> PURPOSES = List.of("api_key", "webhook_secret");

    /**
     * @param resealed values moved to the new key
     * @param unchanged values that already opened with the new key
     */
    public record Outcome(int resealed, int unchanged) {}

    private SecretKeyChange() {}

    /**
     * Re-seals every sealed value in {@code metadata} from {@code fromKey} to {@code toKey} (both base64, as in
     * secret.key and DATASAAS_SECRET_KEY); throws when a value opens with neither key, and then changes nothing.
     */
    public static Outcome reseal(Connection metadata, String fromKey, String toKey) throws SQLException {
        SecretBox from = box(fromKey);
        SecretBox to = box(toKey);
        int resealed = 0;
        int unchanged = 0;
        boolean autoCommit = metadata.getAutoCommit();
        metadata.setAutoCommit(false);
        try {
            for (String purpose : PURPOSES) {
                String column = purpose + "_sealed";
                try (PreparedStatement select = metadata.prepareStatement("SELECT website_id, provider, " + column
                                + " FROM integrations WHERE " + column + " IS NOT NULL");
                        PreparedStatement update = metadata.prepareStatement(
                                "UPDATE integrations SET " + column + " = ? WHERE website_id = ? AND provider = ?");
                        ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        String site = rs.getString(1);
                        String provider = rs.getString(2);
                        String sealed = rs.getString(3);
                        String context = Integrations.context(site, provider, purpose);
                        if (opens(to, sealed, context)) {
                            unchanged++;
                            continue;
                        }
                        String plain;
                        try {
                            plain = from.open(sealed, context);
                        } catch (IllegalStateException e) {
                            throw new IllegalStateException("The " + purpose.replace('_', ' ') + " of " + provider
                                    + " for website " + site + " opens with neither the embedded install's key nor"
                                    + " DATASAAS_SECRET_KEY: was secret.key replaced? Reconnect that integration"
                                    + " after the migration.");
                        }
                        update.setString(1, to.seal(plain, context));
                        update.setString(2, site);
                        update.setString(3, provider);
                        update.executeUpdate();
                        resealed++;
                    }
                }
            }
            metadata.commit();
        } catch (SQLException | RuntimeException e) {
            metadata.rollback();
            throw e;
        } finally {
            metadata.setAutoCommit(autoCommit);
        }
        return new Outcome(resealed, unchanged);
    }

    /** How many sealed values of {@code metadata} do not open with {@code key} (0 means all do). */
    public static int notOpening(Connection metadata, String key) throws SQLException {
        SecretBox box = box(key);
        int failing = 0;
        for (String purpose : PURPOSES) {
            String column = purpose + "_sealed";
            try (PreparedStatement select = metadata.prepareStatement("SELECT website_id, provider, " + column
                            + " FROM integrations WHERE " + column + " IS NOT NULL");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    if (!opens(box, rs.getString(3), Integrations.context(rs.getString(1), rs.getString(2), purpose))) {
                        failing++;
                    }
                }
            }
        }
        return failing;
    }

    private static boolean opens(SecretBox box, String sealed, String context) {
        try {
            box.open(sealed, context);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** A box on an explicit key: never generates one (no data dir is touched), never asks for server mode. */
    private static SecretBox box(String key) {
        return new SecretBox(
                new DataSaasProperties(Path.of("."), List.of(), null, key, List.of()),
                new DatabaseSettings(null, null, null));
    }
}
