package com.datasaas.enrich;

import com.maxmind.db.CacheKey;
import com.maxmind.db.DecodedValue;
import com.maxmind.db.NodeCache;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The MMDB reader's cache of values reached through a pointer (in DB-IP's files the record's key names, the city and
 * often the region), in place of MaxMind's {@code CHMCache}, with the same policy: the first {@code capacity} values
 * decoded are kept for good, later ones are decoded every time.
 *
 * <p>Why not {@code CHMCache}: every GeoIP lookup probes the cache 8-10 times, and each probe of a
 * {@code ConcurrentHashMap} keyed by MaxMind's {@code CacheKey} record hashes the record (its offset, class and type
 * through the record's generated {@code hashCode}), then follows the table's node to the key to compare it field by
 * field: 7-8% of the request threads' samples under the ingest benchmark (docs/benchmarks.md, "Request threads, round
 * 6"). Here a probe mixes the offset alone into an open-addressed table whose entries hold the offset inline, so a
 * miss or a hit is one entry read and one long compare, and the class and type are compared only on a matching
 * offset.
 *
 * <p>Threads share the table without locks: an entry's fields are final, so an entry seen through a slot is seen
 * whole; a slot goes from empty to an entry and may later be overwritten by another thread's entry for a different
 * key, which only costs that key a decode later (a slot never becomes empty again, so probe chains stay intact). The
 * count of entries is racy on purpose: it only has to keep the table at most half full, and the table has room for
 * twice the capacity plus what racing threads can add.
 */
final class DecodedValueCache implements NodeCache {
    private final Entry[] slots;
    private final int mask;
    private final int capacity;
    /** Entries written so far (racy, see the class comment); once at {@link #capacity} nothing more is admitted. */
    private int size;

    DecodedValueCache(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity < 1");
        this.capacity = capacity;
        // At least twice the capacity, a power of two: linear probing stays short at half full or less.
        int tableSize = Integer.highestOneBit(Math.max(2, capacity) * 4 - 1);
        this.slots = new Entry[tableSize];
        this.mask = tableSize - 1;
    }

    @Override
    public DecodedValue get(CacheKey<?> key, Loader loader) throws IOException {
        long offset = key.offset();
        Class<?> cls = key.cls();
        Type type = key.type();
        Entry[] table = slots;
        int index = spread(offset) & mask;
        Entry entry;
        while ((entry = table[index]) != null) {
            if (entry.offset == offset
                    && entry.cls == cls
                    && (entry.type == type || Objects.equals(entry.type, type))) {
                return entry.value;
            }
            index = (index + 1) & mask;
        }
        DecodedValue value = loader.load(key);
        if (size < capacity) {
            // The empty slot the probe ended on, unless another thread took it meanwhile: then this value is not kept.
            if (table[index] == null) {
                table[index] = new Entry(offset, cls, type, value);
                size++;
            }
        }
        return value;
    }

    /** Entries held; for tests. */
    int size() {
        int held = 0;
        for (Entry entry : slots) held += entry == null ? 0 : 1;
        return held;
    }

    /**
     * Offsets are byte positions in the data section, close together and often multiples of small numbers: the top
     * half of a Fibonacci-hashed offset spreads them over the table.
     */
    private static int spread(long offset) {
        long h = offset * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }

    private record Entry(long offset, Class<?> cls, Type type, DecodedValue value) {}
}
