package com.datasaas.visitors;

import com.datasaas.ingest.Identities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * What sites said about their visitors through identify, in the metadata store ({@code visitor_profiles}), one row per
 * site and visitor id. The ingest pipeline's {@code save_profile} step writes here; nothing else stores a name, email
 * or property of a visitor.
 *
 * <p>Identifying a visitor as the user it already is merges: a name or email sent replaces the stored one, one not
 * sent keeps it, properties are merged key by key. Identifying it as another user (a shared computer, a new login)
 * starts that visitor's row afresh, so one person's details never stick to another.
 */
@Component
final class VisitorProfiles implements Identities {
    static final String USER_ID = "user_id";
    static final String NAME = "name";
    static final String EMAIL = "email";

    private static final TypeReference<LinkedHashMap<String, String>> PROPERTIES = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    // Single node: a visitor's read-merge-write is serialized; the primary key still guards the table.
    private final ConcurrentHashMap<String, Object> visitorLocks = new ConcurrentHashMap<>();

    VisitorProfiles(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One stored row: one device (visitor id) of a user. */
    record Row(
            String visitorId,
            String userId,
            String displayName,
            String email,
            Map<String, String> properties,
            Instant identifiedAt,
            Instant updatedAt) {}

    /** A user's rows merged: the newest name and email, properties merged oldest first, every visitor id. */
    record Profile(
            String userId,
            String displayName,
            String email,
            Map<String, String> properties,
            List<String> visitorIds,
            Instant identifiedAt) {

        static Profile merge(List<Row> rows) {
            List<Row> ordered = new ArrayList<>(rows);
            ordered.sort((a, b) -> a.updatedAt().compareTo(b.updatedAt()));
            String name = null;
            String email = null;
            Map<String, String> properties = new LinkedHashMap<>();
            List<String> visitorIds = new ArrayList<>();
            Instant identified = null;
            for (Row r : ordered) {
                if (r.displayName() != null) name = r.displayName();
                if (r.email() != null) email = r.email();
                properties.putAll(r.properties());
                visitorIds.add(r.visitorId());
                if (identified == null || r.identifiedAt().isBefore(identified)) identified = r.identifiedAt();
            }
            return new Profile(
                    ordered.get(0).userId(),
                    name,
                    email,
                    Collections.unmodifiableMap(properties),
                    List.copyOf(visitorIds),
                    identified);
        }
    }

    @Override
    public void identify(String siteId, String visitorId, Map<String, String> traits, Instant at) {
        String userId = traits.get(USER_ID);
        Map<String, String> properties = new LinkedHashMap<>(traits);
        properties.keySet().removeAll(Set.of(USER_ID, NAME, EMAIL));
        synchronized (visitorLocks.computeIfAbsent(siteId + '\0' + visitorId, k -> new Object())) {
            Optional<Row> old = row(siteId, visitorId).filter(r -> r.userId().equals(userId));
            String name = traits.containsKey(NAME)
                    ? traits.get(NAME)
                    : old.map(Row::displayName).orElse(null);
            String email = traits.containsKey(EMAIL)
                    ? traits.get(EMAIL)
                    : old.map(Row::email).orElse(null);
            Map<String, String> merged =
                    new LinkedHashMap<>(old.map(Row::properties).orElse(Map.of()));
            merged.putAll(properties);
            String now = at.toString();
            jdbc.sql("INSERT INTO visitor_profiles (website_id, visitor_id, user_id, display_name, email, properties,"
                            + " identified_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (website_id, visitor_id) DO UPDATE SET user_id = excluded.user_id,"
                            + " display_name = excluded.display_name, email = excluded.email,"
                            + " properties = excluded.properties, identified_at = excluded.identified_at,"
                            + " updated_at = excluded.updated_at")
                    .params(
                            siteId,
                            visitorId,
                            userId,
                            name,
                            email,
                            json.writeValueAsString(merged),
                            old.map(r -> r.identifiedAt().toString()).orElse(now),
                            now)
                    .update();
        }
    }

    Optional<Row> row(String siteId, String visitorId) {
        return jdbc.sql("SELECT * FROM visitor_profiles WHERE website_id = ? AND visitor_id = ?")
                .params(siteId, visitorId)
                .query((rs, n) -> map(rs))
                .optional();
    }

    /** The profile the visitor belongs to, every device of its user merged; empty when it never identified. */
    Optional<Profile> ofVisitor(String siteId, String visitorId) {
        return row(siteId, visitorId).map(r -> Profile.merge(rowsOfUsers(siteId, List.of(r.userId()))));
    }

    /** Merged profiles by user id, for a page of the visitors list. */
    Map<String, Profile> ofUsers(String siteId, Collection<String> userIds) {
        Map<String, List<Row>> byUser = new LinkedHashMap<>();
        for (Row r : rowsOfUsers(siteId, userIds)) {
            byUser.computeIfAbsent(r.userId(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Profile> out = new LinkedHashMap<>();
        byUser.forEach((user, rows) -> out.put(user, Profile.merge(rows)));
        return out;
    }

    private List<Row> rowsOfUsers(String siteId, Collection<String> userIds) {
        if (userIds.isEmpty()) return List.of();
        List<Object> params = new ArrayList<>();
        params.add(siteId);
        params.addAll(userIds);
        return jdbc.sql("SELECT * FROM visitor_profiles WHERE website_id = ? AND user_id IN ("
                        + String.join(", ", Collections.nCopies(userIds.size(), "?")) + ") ORDER BY updated_at")
                .params(params)
                .query((rs, n) -> map(rs))
                .list();
    }

    int delete(String siteId, List<String> visitorIds) {
        if (visitorIds.isEmpty()) return 0;
        List<Object> params = new ArrayList<>();
        params.add(siteId);
        params.addAll(visitorIds);
        return jdbc.sql("DELETE FROM visitor_profiles WHERE website_id = ? AND visitor_id IN ("
                        + String.join(", ", Collections.nCopies(visitorIds.size(), "?")) + ")")
                .params(params)
                .update();
    }

    private Row map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(
                rs.getString("visitor_id"),
                rs.getString("user_id"),
                rs.getString("display_name"),
                rs.getString("email"),
                Collections.unmodifiableMap(json.readValue(rs.getString("properties"), PROPERTIES)),
                Instant.parse(rs.getString("identified_at")),
                Instant.parse(rs.getString("updated_at")));
    }
}
