package com.datasaas.events;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of events taken from the ingest spool, still in the spool's encoding, in id order. A store that can take the
 * encoded fields directly ({@link #fields}) skips making an {@link Event} of each; any other store gets {@link
 * #events()}. The spool stays the one source a store is filled from, after a crash as in steady state.
 *
 * <p>A record may not read as an event ({@link Unreadable}): the store leaves it out, no part of it stored, and stores
 * the rest of the batch. The store's one walk over the records finds it; nothing walks them beforehand to check.
 */
public interface SpooledRecords {
    int size();

    /** The spool id of the {@code i}th event: unique and increasing. */
    long id(int i);

    /**
     * The {@code i}th event, decoded.
     *
     * @throws Unreadable when the record does not read as an event
     */
    Event event(int i);

    /**
     * Walks the {@code i}th event's fields into {@code sink}, one call per field of {@link Event} in order; false
     * (and no call) when the record is in a form that only {@link #event} reads (the JSON of earlier releases).
     *
     * @throws Unreadable when the record does not read as an event; it is thrown before the field that does not read,
     *     so the sink has had whole fields only, and the store drops what it took of this record. Whatever the sink
     *     throws passes through as it is: a failing store is not a bad record.
     */
    boolean fields(int i, EventFields sink);

    /** Every event decoded but the unreadable ones, for stores that take objects. */
    default List<SpooledEvent> events() {
        List<SpooledEvent> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            try {
                out.add(new SpooledEvent(id(i), event(i)));
            } catch (Unreadable skipped) {
                // left out, as the stores that walk the fields leave it out
            }
        }
        return out;
    }

    /**
     * A record that does not read as an event. Its checksum matched, so the bytes are the ones written: only a format
     * change between releases gets here, and retrying cannot help, so the record is skipped (the batch logs it) rather
     * than failing its whole batch over and over.
     */
    final class Unreadable extends IllegalArgumentException {
        public Unreadable(String message) {
            super(message);
        }

        public Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
