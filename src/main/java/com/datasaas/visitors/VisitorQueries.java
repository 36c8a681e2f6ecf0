package com.datasaas.visitors;

import static com.datasaas.sql.Sql.as;
import static com.datasaas.sql.Sql.caseWhen;
import static com.datasaas.sql.Sql.coalesce;
import static com.datasaas.sql.Sql.col;
import static com.datasaas.sql.Sql.columns;
import static com.datasaas.sql.Sql.constant;
import static com.datasaas.sql.Sql.count;
import static com.datasaas.sql.Sql.countIf;
import static com.datasaas.sql.Sql.desc;
import static com.datasaas.sql.Sql.eq;
import static com.datasaas.sql.Sql.firstBy;
import static com.datasaas.sql.Sql.ge;
import static com.datasaas.sql.Sql.in;
import static com.datasaas.sql.Sql.isNull;
import static com.datasaas.sql.Sql.item;
import static com.datasaas.sql.Sql.jsonText;
import static com.datasaas.sql.Sql.lastBy;
import static com.datasaas.sql.Sql.lt;
import static com.datasaas.sql.Sql.max;
import static com.datasaas.sql.Sql.min;
import static com.datasaas.sql.Sql.ne;
import static com.datasaas.sql.Sql.select;
import static com.datasaas.sql.Sql.subquery;
import static com.datasaas.sql.Sql.sum;
import static com.datasaas.sql.Sql.table;
import static com.datasaas.sql.Sql.value;
import static com.datasaas.sql.Sql.values;

import com.datasaas.events.EventType;
import com.datasaas.sql.Sql;
import com.datasaas.sql.Sql.Expr;
import com.datasaas.sql.Sql.Item;
import com.datasaas.sql.Sql.Query;
import com.datasaas.sql.Sql.Select;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The visitors feature's queries, as {@link Sql} trees printed by the event store's dialect. A row of the visitors
 * list is a <em>profile</em>: the visitors identified as one user are one row, every other visitor a row of its own.
 * Who is which user comes from the event store itself, the user id of each visitor's latest identify event, so the
 * list is grouped, counted and paged by the store in one query.
 */
final class VisitorQueries {
    /** Sessions of a visitor page's journey, newest first. */
    static final int JOURNEY_SESSIONS = 50;
    /** Events read for those sessions at most (heartbeats left out). */
    static final int JOURNEY_EVENTS = 5_000;

    /** The latest-location, device and source columns of a row of the list, and how each is picked. */
    static final List<String> LATEST = List.of("country", "city", "browser", "os", "device_type");

    private VisitorQueries() {}

    private static Expr type(EventType type) {
        return eq(col("event_type"), constant(type.wireName()));
    }

    private static Expr counted() {
        return in(
                col("event_type"),
                List.of(constant(EventType.PAGEVIEW.wireName()), constant(EventType.GOAL.wireName())));
    }

    /** Per visitor key: the user id of its latest identify (all time: a visitor identified once stays identified). */
    static Select identities(String siteId) {
        return select(
                        item(col("visitor_key")),
                        as(lastBy(jsonText(col("metadata"), VisitorProfiles.USER_ID), col("ts"), null), "user_id"))
                .from(table("events"))
                .where(eq(col("site_id"), value(siteId)), type(EventType.IDENTIFY))
                .groupBy(List.of(col("visitor_key")))
                .build();
    }

    /**
     * One row per visitor with a pageview or goal in {@code [from, until)} (all time when null) meeting {@code where}:
     * raw id, first and last seen, pageviews, goals, latest location and device, the referrer of the first pageview.
     */
    static Select perVisitor(String siteId, Instant from, Instant until, Expr where) {
        Expr pageview = type(EventType.PAGEVIEW);
        List<Item> items = new ArrayList<>();
        items.add(item(col("visitor_key")));
        items.add(as(Sql.any(col("visitor_id")), "visitor_id"));
        items.add(as(min(col("ts")), "first_seen"));
        items.add(as(max(col("ts")), "last_seen"));
        items.add(as(countIf(pageview), "pageviews"));
        items.add(as(countIf(type(EventType.GOAL)), "goals"));
        for (String c : LATEST) items.add(as(lastBy(col(c), col("ts"), pageview), c));
        items.add(
                as(firstBy(coalesce(col("referrer_source"), col("referrer_domain")), col("ts"), pageview), "referrer"));
        return select(items)
                .from(table("events"))
                .where(
                        eq(col("site_id"), value(siteId)),
                        from == null ? null : ge(col("ts"), value(from)),
                        until == null ? null : lt(col("ts"), value(until)),
                        counted(),
                        where)
                .groupBy(List.of(col("visitor_key")))
                .build();
    }

    /** Visitors with their user id, and {@code anonymous} (their own id) when they have none: the grouping key. */
    private static Select withIdentity(String siteId, Select perVisitor) {
        List<Item> items = new ArrayList<>();
        for (String c : List.of("visitor_key", "visitor_id", "first_seen", "last_seen", "pageviews", "goals")) {
            items.add(item(col("v", c)));
        }
        for (String c : LATEST) items.add(item(col("v", c)));
        items.add(item(col("v", "referrer")));
        items.add(item(col("i", "user_id")));
        items.add(as(caseWhen(isNull(col("i", "user_id")), col("v", "visitor_id"), null), "anonymous"));
        return select(items)
                .from(new Sql.Join(
                        subquery(perVisitor, "v"),
                        Sql.JoinType.LEFT,
                        Sql.Strictness.ANY, // one identity row per visitor key
                        subquery(identities(siteId), "i"),
                        eq(col("i", "visitor_key"), col("v", "visitor_key"))))
                .build();
    }

    /**
     * The profiles of the visitors {@link #perVisitor} selects, newest last-seen first: one row per user id and one per
     * unidentified visitor, with the sums of its visitors, the location and device of the latest, the referrer of the
     * earliest. {@code limit} 0 means all.
     */
    static Select profiles(String siteId, Select perVisitor, int limit, int offset) {
        List<Item> items = new ArrayList<>();
        items.add(item(col("user_id")));
        items.add(as(lastBy(col("visitor_id"), col("last_seen"), null), "visitor_id"));
        items.add(as(min(col("first_seen")), "first_seen"));
        items.add(as(max(col("last_seen")), "last_seen"));
        items.add(as(sum(col("pageviews")), "pageviews"));
        items.add(as(sum(col("goals")), "goals"));
        for (String c : LATEST) items.add(as(lastBy(col(c), col("last_seen"), null), c));
        items.add(as(firstBy(col("referrer"), col("first_seen"), null), "referrer"));
        items.add(as(count(), "devices"));
        Sql.SelectBuilder b = select(items)
                .from(subquery(withIdentity(siteId, perVisitor), "p"))
                .groupBy(List.of(col("user_id"), col("anonymous")))
                // Ties by visitor id so pages never shuffle between requests.
                .orderBy(desc(col("last_seen")), Sql.asc(col("visitor_id")));
        if (limit > 0) b.limit(value(limit), value(offset));
        return b.build();
    }

    /** How many rows {@link #profiles} has without limit. */
    static Select profileCount(String siteId, Select perVisitor) {
        Select groups = select(item(col("user_id")), item(col("anonymous")))
                .from(subquery(withIdentity(siteId, perVisitor), "p"))
                .groupBy(List.of(col("user_id"), col("anonymous")))
                .build();
        return select(item(count())).from(subquery(groups, "g")).build();
    }

    /** Visitor keys matching a list of keys, as the condition {@link #perVisitor} takes. */
    static Expr visitorKeyIn(List<Long> keys) {
        return in(col("visitor_key"), values(keys));
    }

    static Expr visitorKeyIn(Query keys) {
        return keys == null ? null : in(col("visitor_key"), keys);
    }

    /** The newest sessions of these visitors, with their whole-life numbers and source. */
    static Select sessions(String siteId, List<Long> visitorKeys) {
        return select(columns(List.of(
                        "session_key",
                        "started_at",
                        "ended_at",
                        "pageviews",
                        "goals",
                        "channel",
                        "referrer",
                        "utm_source",
                        "utm_medium",
                        "utm_campaign",
                        "entry_page",
                        "exit_page",
                        "country",
                        "city",
                        "device_type",
                        "browser",
                        "os")))
                .from(table("sessions"))
                .where(eq(col("site_id"), value(siteId)), in(col("visitor_key"), values(visitorKeys)))
                .orderBy(desc(col("started_at")), Sql.asc(col("session_key")))
                .limit(constant(JOURNEY_SESSIONS))
                .build();
    }

    /** The events of these sessions in time order, heartbeats left out (they only say a tab was open). */
    static Select journeyEvents(String siteId, List<Long> sessionKeys) {
        return select(columns(List.of(
                        "ts",
                        "event_type",
                        "session_key",
                        "session_id",
                        "visitor_id",
                        "pathname",
                        "title",
                        "goal_name",
                        "duration_ms",
                        "scroll_depth",
                        "target_url")))
                .from(table("events"))
                .where(
                        eq(col("site_id"), value(siteId)),
                        in(col("session_key"), values(sessionKeys)),
                        ne(col("event_type"), constant(EventType.HEARTBEAT.wireName())))
                // A page's identify or leave can share its pageview's instant: the pageview comes first.
                .orderBy(
                        Sql.asc(col("ts")),
                        Sql.asc(caseWhen(
                                eq(col("event_type"), constant(EventType.PAGEVIEW.wireName())),
                                constant(0),
                                constant(1))),
                        Sql.asc(col("event_type")))
                .limit(constant(JOURNEY_EVENTS))
                .build();
    }
}
