package com.datasaas.events;

import java.util.Optional;

/** The event types of the public contract, with their wire names. */
public enum EventType {
    PAGEVIEW("pageview"),
    GOAL("goal"),
    HEARTBEAT("_heartbeat"),
    LEAVE("_leave"),
    OUTBOUND("_outbound");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) return Optional.of(type);
        }
        return Optional.empty();
    }
}
