package com.datasaas.funnels;

import com.datasaas.events.Event;
import com.datasaas.events.EventType;
import com.datasaas.events.TestEvent;
import java.time.Instant;

/** Hand-written funnel events: a pageview or a goal at a time the test chooses, from a country. */
record Visit(
        String site,
        Instant ts,
        EventType type,
        String visitor,
        String session,
        String path,
        String goal,
        String country) {

    static Visit page(String site, String ts, String visitor, String session, String path) {
        return new Visit(site, Instant.parse(ts), EventType.PAGEVIEW, visitor, session, path, null, "US");
    }

    static Visit goal(String site, String ts, String visitor, String session, String goal) {
        return new Visit(site, Instant.parse(ts), EventType.GOAL, visitor, session, "/", goal, "US");
    }

    Visit from(String country) {
        return new Visit(site, ts, type, visitor, session, path, goal, country);
    }

    Event event() {
        return TestEvent.of(site, ts, type, visitor, session)
                .goalName(goal)
                .hostname("shop.example")
                .path(path)
                .country(country)
                .build();
    }
}
