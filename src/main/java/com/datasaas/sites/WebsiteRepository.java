package com.datasaas.sites;

import com.datasaas.accounts.WebsiteOwnership;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

@Repository
class WebsiteRepository implements WebsiteOwnership {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    WebsiteRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public boolean owns(long accountId, String websiteId) {
        return findOwned(accountId, websiteId).isPresent();
    }

    void insert(Website w) {
        jdbc.sql("INSERT INTO websites (id, account_id, domain, name, timezone, currency, allowed_hostnames,"
                        + " excluded_ips, excluded_paths, excluded_countries, created_at, cookieless)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(w.id(), w.accountId(), w.domain(), w.name(), w.timezone(), w.currency())
                .params(lists(w))
                .param(w.createdAt().toString())
                .param(w.cookieless() ? 1 : 0)
                .update();
    }

    void update(Website w) {
        jdbc.sql("UPDATE websites SET domain = ?, name = ?, timezone = ?, currency = ?, allowed_hostnames = ?,"
                        + " excluded_ips = ?, excluded_paths = ?, excluded_countries = ?, cookieless = ? WHERE id = ?")
                .params(w.domain(), w.name(), w.timezone(), w.currency())
                .params(lists(w))
                .param(w.cookieless() ? 1 : 0)
                .param(w.id())
                .update();
    }

    /** The rule lists in column order, as JSON text. */
    private List<Object> lists(Website w) {
        return List.of(
                json.writeValueAsString(w.allowedHostnames()),
                json.writeValueAsString(w.excludedIps()),
                json.writeValueAsString(w.excludedPaths()),
                json.writeValueAsString(w.excludedCountries()));
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM websites WHERE id = ?").param(id).update() > 0;
    }

    Optional<Website> find(String id) {
        return jdbc.sql("SELECT * FROM websites WHERE id = ?")
                .param(id)
                .query(this::map)
                .optional();
    }

    Optional<Website> findOwned(long accountId, String id) {
        return jdbc.sql("SELECT * FROM websites WHERE id = ? AND account_id = ?")
                .params(id, accountId)
                .query(this::map)
                .optional();
    }

    List<Website> listByAccount(long accountId) {
        return jdbc.sql("SELECT * FROM websites WHERE account_id = ? ORDER BY created_at, id")
                .param(accountId)
                .query(this::map)
                .list();
    }

    private Website map(ResultSet rs, int row) throws SQLException {
        return new Website(
                rs.getString("id"),
                rs.getLong("account_id"),
                rs.getString("domain"),
                rs.getString("name"),
                rs.getString("timezone"),
                rs.getString("currency"),
                json.readValue(rs.getString("allowed_hostnames"), STRINGS),
                json.readValue(rs.getString("excluded_ips"), STRINGS),
                json.readValue(rs.getString("excluded_paths"), STRINGS),
                json.readValue(rs.getString("excluded_countries"), STRINGS),
                Instant.parse(rs.getString("created_at")),
                rs.getInt("cookieless") != 0);
    }
}
