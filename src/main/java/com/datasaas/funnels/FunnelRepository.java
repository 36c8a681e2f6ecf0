package com.datasaas.funnels;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Funnels in the metadata store; the steps are one JSON array per funnel, spelt here field by field. */
@Repository
class FunnelRepository {
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    FunnelRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    List<Funnel> forSite(String websiteId) {
        return jdbc.sql("SELECT * FROM funnels WHERE website_id = ? ORDER BY created_at, name")
                .param(websiteId)
                .query((rs, n) -> funnel(rs))
                .list();
    }

    Optional<Funnel> find(String websiteId, String funnelId) {
        return jdbc.sql("SELECT * FROM funnels WHERE website_id = ? AND id = ?")
                .params(websiteId, funnelId)
                .query((rs, n) -> funnel(rs))
                .optional();
    }

    /** The funnel with this id, whichever site holds it; callers check the site is the caller's. */
    Optional<Funnel> find(String funnelId) {
        return jdbc.sql("SELECT * FROM funnels WHERE id = ?")
                .param(funnelId)
                .query((rs, n) -> funnel(rs))
                .optional();
    }

    /** Whether another funnel of the site (not {@code exceptId}) has this name, ignoring case. */
    boolean nameTaken(String websiteId, String name, String exceptId) {
        return jdbc.sql("SELECT count(*) FROM funnels WHERE website_id = ? AND lower(name) = lower(?) AND id <> ?")
                        .params(websiteId, name, exceptId == null ? "" : exceptId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    int count(String websiteId) {
        return jdbc.sql("SELECT count(*) FROM funnels WHERE website_id = ?")
                .param(websiteId)
                .query(Integer.class)
                .single();
    }

    void insert(Funnel f) {
        jdbc.sql("INSERT INTO funnels (id, website_id, name, steps, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(
                        f.id(),
                        f.websiteId(),
                        f.name(),
                        steps(f.steps()),
                        f.createdAt().toString(),
                        f.updatedAt().toString())
                .update();
    }

    boolean update(Funnel f) {
        return jdbc.sql("UPDATE funnels SET name = ?, steps = ?, updated_at = ? WHERE website_id = ? AND id = ?")
                        .params(f.name(), steps(f.steps()), f.updatedAt().toString(), f.websiteId(), f.id())
                        .update()
                > 0;
    }

    boolean delete(String websiteId, String funnelId) {
        return jdbc.sql("DELETE FROM funnels WHERE website_id = ? AND id = ?")
                        .params(websiteId, funnelId)
                        .update()
                > 0;
    }

    private String steps(List<Funnel.Step> steps) {
        ArrayNode array = json.createArrayNode();
        for (Funnel.Step s : steps) {
            ObjectNode node = array.addObject();
            node.put("name", s.name());
            node.put("type", s.type().apiName());
            if (s.url() != null) node.put("url", s.url());
            if (s.goalName() != null) node.put("goal_name", s.goalName());
        }
        return json.writeValueAsString(array);
    }

    private Funnel funnel(ResultSet rs) throws SQLException {
        List<Funnel.Step> steps = new ArrayList<>();
        for (JsonNode node : json.readTree(rs.getString("steps"))) {
            steps.add(new Funnel.Step(
                    node.path("name").asString(),
                    Funnel.StepType.fromApiName(node.path("type").asString()).orElseThrow(),
                    node.hasNonNull("url") ? node.get("url").asString() : null,
                    node.hasNonNull("goal_name") ? node.get("goal_name").asString() : null));
        }
        return new Funnel(
                rs.getString("id"),
                rs.getString("website_id"),
                rs.getString("name"),
                steps,
                Instant.parse(rs.getString("created_at")),
                Instant.parse(rs.getString("updated_at")));
    }
}
