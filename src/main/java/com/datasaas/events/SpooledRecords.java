package com.datasaas.events;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of events taken from the ingest spool, still in the spool's encoding, in id order. A store that can take the
 * encoded fields directly ({@link #fields}) skips making an {@link Event} of each; any other store gets {@link
 * #events()}. The spool stays the one source a store is filled from, after a crash as in steady state.
 */
public interface SpooledRecords {
    int size();

    /** The spool id of the {@code i}th event: unique and increasing. */
    long id(int i);

    /** The {@code i}th event, decoded. */
    Event event(int i);

    /**
     * Walks the {@code i}th event's fields into {@code sink}, one call per field of {@link Event} in order; false
     * (and no call) when the record is in a form that only {@link #event} reads (the JSON of earlier releases).
     */
    boolean fields(int i, EventFields sink);

    /** Every event decoded, for stores that take objects. */
    default List<SpooledEvent> events() {
        List<SpooledEvent> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) out.add(new SpooledEvent(id(i), event(i)));
        return out;
    }
}
