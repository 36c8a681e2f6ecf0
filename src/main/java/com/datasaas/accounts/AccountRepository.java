package com.datasaas.accounts;

import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

@Repository
class AccountRepository {
    private final JdbcClient jdbc;

    AccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM accounts").query(Long.class).single();
    }

    Account create(String email, String name, String passwordHash, Instant now) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO accounts (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)")
                .params(email, name, passwordHash, now.toString())
                .update(keys, "id");
        return new Account(keys.getKey().longValue(), email, name, passwordHash, now);
    }

    Optional<Account> findByEmail(String email) {
        return jdbc.sql("SELECT * FROM accounts WHERE email = ?")
                .param(email)
                .query(AccountRepository::map)
                .optional();
    }

    Optional<Account> findById(long id) {
        return jdbc.sql("SELECT * FROM accounts WHERE id = ?")
                .param(id)
                .query(AccountRepository::map)
                .optional();
    }

    void updatePassword(long id, String passwordHash) {
        jdbc.sql("UPDATE accounts SET password_hash = ? WHERE id = ?")
                .params(passwordHash, id)
                .update();
    }

    private static Account map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Account(
                rs.getLong("id"),
                rs.getString("email"),
                rs.getString("name"),
                rs.getString("password_hash"),
                Instant.parse(rs.getString("created_at")));
    }
}
