package com.datasaas.realtime;

import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.coalesce;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.columns;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.firstBy;
import static com.datasaas.sql.Sql.ge;
import static com.datasaas.sql.Sql.in;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.lastBy;
import static com.datasaas.sql.Sql.leftJoin;
import static com.datasaas.sql.Sql.max;
import static com.datasaas.sql.Sql.min;
import static com.datasaas.sql.Sql.ne;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.subquery;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;

import com.datasaas.events.EventStore;
import com.datasaas.events.EventType;
import com.datasaas.sql.ColumnMaps;
import com.datasaas.sql.CompiledQuery;
import com.datasaas.sql.Dialect;
import com.datasaas.sql.Sql;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.Item;
import com.datasaas.sql.Sql.Query;
import com.datasaas.sql.Sql.Select;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What the event store knows about a site's last minutes: details of the visitors who are active and the newest
 * events. Built as {@link Sql} trees and printed by the store's dialect, like the stats queries.
 */
@Component
final class Activity {
    /** Sessions end after 30 minutes of inactivity, so an active session started less than a day ago. */
    static final Duration SESSION_MARGIN = Duration.ofDays(1);

    private static final List<String> LATEST_DETAILS = List.of(
            "session_key",
            "visitor_id",
            "country",
            "region",
            "city",
            "latitude",
            "longitude",
            "browser",
            "os",
            "device_type");

    private final EventStore store;
    private final Dialect dialect;

    Activity(EventStore store, List<Dialect> dialects) {
        this.store = store;
        this.dialect = Dialect.named(store.dialect(), dialects);
    }

    /** Latest details of visitors with an event since {@code since}: location, device, page, session start. */
    List<Map<String, Object>> activeVisitors(String siteId, Instant since) {
        return run(activeVisitorsQuery(siteId, since));
    }

    /** The newest accepted events of the site, newest first. */
    List<Map<String, Object>> recentEvents(String siteId, int limit) {
        return run(recentEventsQuery(siteId, limit));
    }

    private List<Map<String, Object>> run(Query query) {
        CompiledQuery sql = dialect.print(query);
        return store.query(sql.sql(), sql.parameters(), ColumnMaps.INSTANCE);
    }

    private static Expr pageview() {
        return eq(col("event_type"), Sql.constant(EventType.PAGEVIEW.wireName()));
    }

    /** The latest details of every visitor with an event since {@code since}, and their current session's start. */
    static Query activeVisitorsQuery(String siteId, Instant since) {
        List<Item> latestItems = new ArrayList<>();
        latestItems.add(item(col("visitor_key")));
        for (String column : LATEST_DETAILS) latestItems.add(as(lastBy(col(column), col("ts"), null), column));
        latestItems.add(as(lastBy(col("pathname"), col("ts"), pageview()), "pathname"));
        latestItems.add(as(max(col("ts")), "last_seen"));
        Select latest = select(latestItems)
                .from(table("events"))
                .where(eq(col("site_id"), value(siteId)), ge(col("ts"), value(since)))
                .groupBy(List.of(col("visitor_key")))
                .build();

        // Every session active since then, a superset of the visitors' latest ones; the join below keeps those.
        Select activeSessions = select(item(col("session_key")))
                .from(table("events"))
                .where(eq(col("site_id"), value(siteId)), ge(col("ts"), value(since)))
                .build();
        Select starts = select(
                        item(col("session_key")),
                        as(min(col("ts")), "started_at"),
                        as(
                                firstBy(
                                        coalesce(col("referrer_source"), col("referrer_domain")),
                                        col("ts"),
                                        pageview()),
                                "referrer"))
                .from(table("events"))
                .where(
                        eq(col("site_id"), value(siteId)),
                        ge(col("ts"), value(since.minus(SESSION_MARGIN))),
                        in(col("session_key"), activeSessions))
                .groupBy(List.of(col("session_key")))
                .build();

        List<Item> items = new ArrayList<>();
        for (String c : List.of(
                "visitor_key",
                "visitor_id",
                "country",
                "region",
                "city",
                "latitude",
                "longitude",
                "browser",
                "os",
                "device_type",
                "pathname")) {
            items.add(item(col("l", c)));
        }
        items.add(item(col("s", "referrer")));
        items.add(item(col("s", "started_at")));
        items.add(item(col("l", "last_seen")));
        return select(items)
                .from(leftJoin(
                        subquery(latest, "l"),
                        subquery(starts, "s"),
                        eq(col("s", "session_key"), col("l", "session_key"))))
                .orderBy(Sql.desc(col("l", "last_seen")))
                .build();
    }

    /** The newest accepted events, heartbeats left out: they say only that a tab is still open. */
    static Query recentEventsQuery(String siteId, int limit) {
        return select(columns(List.of(
                        "ts",
                        "event_type",
                        "visitor_id",
                        "visitor_key",
                        "goal_name",
                        "pathname",
                        "country",
                        "region",
                        "city",
                        "device_type",
                        "browser",
                        "os")))
                .from(table("events"))
                .where(
                        eq(col("site_id"), value(siteId)),
                        ne(col("event_type"), Sql.constant(EventType.HEARTBEAT.wireName())))
                .orderBy(Sql.desc(col("ts")))
                .limit(value(limit))
                .build();
    }
}
