package com.datasaas.events;

/**
 * Receives one event's fields in {@link Event}'s declaration order (the order of {@link EventColumn}), as their encoded
 * values: texts as UTF-8 bytes, numbers as primitives. The ingest spool's reader walks a record into it, so the
 * DuckDB appender gets the bytes the spool holds without a {@code String} made and encoded again in between (those
 * two were three quarters of the event writer's Java samples, docs/benchmarks.md). Every field is one call: a value,
 * or {@link #absent} for a null.
 */
public interface EventFields {
    /** A text field: {@code length} UTF-8 bytes of {@code bytes} from {@code offset}; the bytes may be reused after. */
    void text(byte[] bytes, int offset, int length);

    /** A field without a value (SQL NULL). */
    void absent();

    void timestamp(long epochSecond, int nanos);

    void int64(long value);

    void int32(int value);

    void float64(double value);
}
