package com.datasaas.goals;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class GoalRepository {
    private final JdbcClient jdbc;

    GoalRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Goal> forSite(String websiteId) {
        return jdbc.sql("SELECT * FROM goals WHERE website_id = ? ORDER BY created_at, name")
                .param(websiteId)
                .query((rs, n) -> new Goal(
                        rs.getString("id"),
                        rs.getString("website_id"),
                        rs.getString("name"),
                        rs.getString("display_name"),
                        Goal.Type.fromApiName(rs.getString("goal_type")).orElseThrow(),
                        rs.getString("path"),
                        Instant.parse(rs.getString("created_at"))))
                .list();
    }

    boolean nameTaken(String websiteId, String name) {
        return jdbc.sql("SELECT count(*) FROM goals WHERE website_id = ? AND name = ?")
                        .params(websiteId, name)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    void insert(Goal g) {
        jdbc.sql("INSERT INTO goals (id, website_id, name, display_name, goal_type, path, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(
                        g.id(),
                        g.websiteId(),
                        g.name(),
                        g.displayName(),
                        g.type().apiName(),
                        g.path(),
                        g.createdAt().toString())
                .update();
    }

    boolean delete(String websiteId, String goalId) {
        return jdbc.sql("DELETE FROM goals WHERE website_id = ? AND id = ?")
                        .params(websiteId, goalId)
                        .update()
                > 0;
    }
}
