package com.datasaas.stats;

import com.datasaas.events.EventStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Runs compiled queries against the event store in the dialect the store speaks. The only class of this feature
 * that talks to the store, so tests of the numbers and of the HTTP API see the same engine.
 */
@Component
public final class StatsEngine {
    private final EventStore store;
    private final QueryCompiler compiler;

    StatsEngine(EventStore store, List<Dialect> dialects) {
        this.store = store;
        Dialect dialect = dialects.stream()
                .filter(d -> d.name().equals(store.dialect()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No stats dialect for event store '" + store.dialect()
                        + "'; known: " + dialects.stream().map(Dialect::name).toList()));
        this.compiler = new QueryCompiler(dialect);
    }

    List<StatsRow> aggregate(StatsQuery q) {
        int groups = QueryCompiler.groupNames(q).size();
        CompiledQuery sql = compiler.aggregate(q);
        return store.query(sql.sql(), sql.parameters(), (rs, n) -> {
            List<Object> values = new ArrayList<>(groups);
            for (int i = 1; i <= groups; i++) values.add(groupValue(rs, i));
            return new StatsRow(Collections.unmodifiableList(values), Components.read(rs, groups + 1));
        });
    }

    Components totals(StatsQuery q) {
        List<StatsRow> rows = aggregate(q);
        return rows.isEmpty() ? Components.ZERO : rows.get(0).components();
    }

    long groupCount(StatsQuery q) {
        CompiledQuery sql = compiler.groupCount(q);
        return store.query(sql.sql(), sql.parameters(), (rs, n) -> rs.getLong(1))
                .get(0);
    }

    record GoalCount(long visitors, long completions) {}

    /** Completions per goal of the query, in the query's goal order, and the visitors of the range. */
    record GoalCounts(long visitors, List<GoalCount> goals) {}

    GoalCounts goals(StatsQuery q) {
        CompiledQuery sql = compiler.goals(q);
        int n = q.goals().size();
        return store.query(sql.sql(), sql.parameters(), (rs, row) -> {
                    List<GoalCount> counts = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        counts.add(new GoalCount(rs.getLong(2 + 2 * i), rs.getLong(3 + 2 * i)));
                    }
                    return new GoalCounts(rs.getLong(1), counts);
                })
                .get(0);
    }

    /** The latest pageview of a visitor as a column map, or empty when the visitor never viewed a page. */
    List<Map<String, Object>> lastPageview(String siteId, long visitorKey) {
        CompiledQuery sql = compiler.lastPageview(siteId, visitorKey);
        return store.query(sql.sql(), sql.parameters(), (rs, n) -> columns(rs));
    }

    /** Latest details of visitors with an event since {@code since}: location, device, page, session start. */
    public List<Map<String, Object>> activeVisitors(String siteId, Instant since) {
        CompiledQuery sql = compiler.activeVisitors(siteId, since);
        return store.query(sql.sql(), sql.parameters(), (rs, n) -> columns(rs));
    }

    /** The newest accepted events of the site, newest first. */
    public List<Map<String, Object>> recentEvents(String siteId, int limit) {
        CompiledQuery sql = compiler.recentEvents(siteId, limit);
        return store.query(sql.sql(), sql.parameters(), (rs, n) -> columns(rs));
    }

    private static Map<String, Object> columns(ResultSet rs) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        var meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rs.getObject(i);
            if (value instanceof OffsetDateTime t) value = t.toInstant();
            if (value instanceof Timestamp t) value = t.toInstant();
            out.put(meta.getColumnLabel(i), value);
        }
        return out;
    }

    private static Object groupValue(ResultSet rs, int column) throws SQLException {
        Object value = rs.getObject(column);
        if (value instanceof Timestamp t) return t.toLocalDateTime();
        if (value instanceof LocalDateTime || value == null) return value;
        return value.toString();
    }
}
