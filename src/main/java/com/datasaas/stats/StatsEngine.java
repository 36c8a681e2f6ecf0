package com.datasaas.stats;

import com.datasaas.events.EventStore;
import com.datasaas.sql.ColumnMaps;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.springframework.stereotype.Component;

/**
 * Runs compiled queries against the event store in the dialect the store speaks. The only class of this feature
 * that talks to the store, so tests of the numbers and of the HTTP API see the same engine.
 */
@Component
final class StatsEngine {
    private final EventStore store;
    private final Dialect dialect;
    /** Below this many visitors in a range the exact plans answer instead of an estimate; lowered by tests only. */
    private volatile long exactBelow = DayAnswers.EXACT_BELOW;

    StatsEngine(EventStore store, List<Dialect> dialects) {
        this.store = store;
        this.dialect = Dialect.named(store.dialect(), dialects);
    }

    List<StatsRow> aggregate(StatsQuery q) {
        return answer(q).rows();
    }

    /**
     * What an API answer needs of one query: its rows (the page asked for), the number of groups without limit and
     * offset (counted only when asked, on the exact plans), and whether visitors are estimates. One reading of the
     * day rollup serves all three, so a request pays for the plan once; nothing is kept between calls, so an
     * accepted event shows in the next request.
     */
    record Answer(List<StatsRow> rows, LongSupplier groups, boolean visitorsEstimated) {}

    Answer answer(StatsQuery q) {
        Optional<DayAnswers.Answer> days = days(q);
        if (days.isPresent()) {
            List<StatsRow> all = days.get().rows();
            List<StatsRow> page = all;
            if (q.limit() > 0 && groupsOf(q) > 0) {
                int from = Math.min(q.offset(), all.size());
                page = all.subList(from, Math.min(all.size(), from + q.limit()));
            }
            return new Answer(page, all::size, days.get().visitorsEstimated());
        }
        return new Answer(aggregateExact(q), () -> groupCountExact(q), false);
    }

    private static int groupsOf(StatsQuery q) {
        return QueryCompiler.groupNames(q).size();
    }

    /**
     * The planner's answer from the day rollup, when it takes the {@code DAYS} plan. Not cached: a request asking for
     * rows, group count and the estimate flag reads the rollup for each (a cache would show an accepted event late).
     */
    Optional<DayAnswers.Answer> days(StatsQuery q) {
        if (!QueryCompiler.daysAnswer(q)) return Optional.empty();
        String dimension = DayAnswers.dimension(q);
        return store.dayRows(q.siteId(), q.zone(), dimension, q.start(), q.end())
                .flatMap(rows -> DayAnswers.answer(q, rows, exactBelow));
    }

    /** Test seam: the day plan answers sites of any size, so tests with a few visitors reach its merging. */
    void exactBelow(long visitors) {
        this.exactBelow = visitors;
    }

    /** Whether the answer to the query has estimated visitors (the {@code DAYS} plan over more than one day). */
    boolean visitorsEstimated(StatsQuery q) {
        return days(q).map(DayAnswers.Answer::visitorsEstimated).orElse(false);
    }

    /** The exact plans' answer (never the day rollup): the benchmark's same-run comparison, and the oracle. */
    List<StatsRow> aggregateExact(StatsQuery q) {
        int groups = QueryCompiler.groupNames(q).size();
        CompiledQuery sql = dialect.print(QueryCompiler.aggregate(q, store.rollups(q.siteId())));
        return store.query(sql.sql(), sql.parameters(), (rs, n) -> {
            List<Object> values = new ArrayList<>(groups);
            for (int i = 1; i <= groups; i++) values.add(groupValue(rs, i));
            return new StatsRow(Collections.unmodifiableList(values), Components.read(rs));
        });
    }

    Components totals(StatsQuery q) {
        return totals(answer(q));
    }

    /** The one row of an answer without groups (an overview), or zeros. */
    static Components totals(Answer a) {
        return a.rows().isEmpty() ? Components.ZERO : a.rows().get(0).components();
    }

    long groupCount(StatsQuery q) {
        return answer(q).groups().getAsLong();
    }

    private long groupCountExact(StatsQuery q) {
        CompiledQuery sql = dialect.print(QueryCompiler.groupCount(q, store.rollups(q.siteId())));
        return store.query(sql.sql(), sql.parameters(), (rs, n) -> rs.getLong(1))
                .get(0);
    }

    /** Which data the planner reads for the query on this store (tests assert every plan is exercised). */
    QueryCompiler.Plan plan(StatsQuery q) {
        if (days(q).isPresent()) return QueryCompiler.Plan.DAYS;
        return QueryCompiler.plan(q, store.rollups(q.siteId()));
    }

    record GoalCount(long visitors, long completions) {}

    /** Completions per goal of the query, in the query's goal order, and the visitors of the range. */
    record GoalCounts(long visitors, List<GoalCount> goals) {}

    GoalCounts goals(StatsQuery q) {
        CompiledQuery sql = dialect.print(QueryCompiler.goals(q));
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
        CompiledQuery sql = dialect.print(QueryCompiler.lastPageview(siteId, visitorKey));
        return store.query(sql.sql(), sql.parameters(), ColumnMaps.INSTANCE);
    }

    private static Object groupValue(ResultSet rs, int column) throws SQLException {
        Object value = rs.getObject(column);
        if (value instanceof Timestamp t) return t.toLocalDateTime();
        if (value instanceof LocalDateTime || value == null) return value;
        return value.toString();
    }
}
