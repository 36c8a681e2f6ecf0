package com.datasaas.events;

import java.util.Optional;

/**
 * The event types of the public contract, with their wire names, plus {@link #IDENTIFY}, which no client sends by that
 * name: the tracker sends an identify as a goal named {@code identify} (docs/visitors.md), and it is stored under its
 * own type so that no stats metric (all over pageviews and goals) counts it.
 */
public enum EventType {
    PAGEVIEW("pageview"),
    GOAL("goal"),
    HEARTBEAT("_heartbeat"),
    LEAVE("_leave"),
    OUTBOUND("_outbound"),
    /** A visitor identified as a user of the site; its event carries only the user id (the rest is a profile). */
    IDENTIFY("_identify");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The types a client may send as {@code event_type}. */
    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : values()) {
            if (type == IDENTIFY) continue;
            if (type.wireName.equals(name)) return Optional.of(type);
        }
        return Optional.empty();
    }

    /**
     * Any type by its wire name, {@link #IDENTIFY} included: for reading events the server itself wrote (the spool),
     * where refusing a type a client may not send would drop accepted data.
     */
    public static Optional<EventType> fromStoredName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) return Optional.of(type);
        }
        return Optional.empty();
    }
}
