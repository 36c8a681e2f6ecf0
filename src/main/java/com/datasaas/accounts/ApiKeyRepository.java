package com.datasaas.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ApiKeyRepository {
    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void insert(ApiKey key, String secret) {
        jdbc.sql("INSERT INTO api_keys (id, account_id, name, scope, website_id, key_hash, key_hint, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        key.id(),
                        key.accountId(),
                        key.name(),
                        key.scope().name().toLowerCase(Locale.ROOT),
                        key.websiteId(),
                        hash(secret),
                        key.keyHint(),
                        key.createdAt().toString())
                .update();
    }

    Optional<ApiKey> findBySecret(String secret) {
        return jdbc.sql("SELECT * FROM api_keys WHERE key_hash = ?")
                .param(hash(secret))
                .query(ApiKeyRepository::map)
                .optional();
    }

    List<ApiKey> listByAccount(long accountId) {
        return jdbc.sql("SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at")
                .param(accountId)
                .query(ApiKeyRepository::map)
                .list();
    }

    boolean delete(long accountId, String id) {
        return jdbc.sql("DELETE FROM api_keys WHERE id = ? AND account_id = ?")
                        .params(id, accountId)
                        .update()
                > 0;
    }

    int deleteAll(long accountId) {
        return jdbc.sql("DELETE FROM api_keys WHERE account_id = ?")
                .param(accountId)
                .update();
    }

    void touch(String id, Instant now) {
        jdbc.sql("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
                .params(now.toString(), id)
                .update();
    }

    private static ApiKey map(ResultSet rs, int row) throws SQLException {
        String lastUsed = rs.getString("last_used_at");
        return new ApiKey(
                rs.getString("id"),
                rs.getLong("account_id"),
                rs.getString("name"),
                Caller.Scope.valueOf(rs.getString("scope").toUpperCase(Locale.ROOT)),
                rs.getString("website_id"),
                rs.getString("key_hint"),
                Instant.parse(rs.getString("created_at")),
                lastUsed == null ? null : Instant.parse(lastUsed));
    }
}
