package com.datasaas.enrich;

import com.maxmind.db.CacheKey;
import com.maxmind.db.DecodedValue;
import com.maxmind.db.NodeCache;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The MMDB reader's cache of decoded values that records point to (a city's name, a country code, shared by every
 * record of that place), as a direct-mapped array indexed by the value's offset in the file. MaxMind's
 * {@code CHMCache} keys a {@code ConcurrentHashMap} by the reader's {@link CacheKey} record, whose generated
 * {@code equals} (offset, class and type through method handles) was ~3% of the request threads' samples under the
 * ingest benchmark, and it stops taking new values once full, so the first few thousand places kept their slots for
 * good. Here a lookup is one array read and two identity comparisons, and a slot holds the latest value that hashed
 * to it. Threads share the array without locks: a slot holds an immutable {@link Entry} and the reader's decoded
 * values are immutable, so a racing lookup sees either an older entry (a miss, decoded again) or a whole one.
 */
final class RecordPartCache implements NodeCache {
    private final Entry[] slots;
    /** Takes a slot from the top bits of a Fibonacci hash of the offset: records' offsets are not spread evenly. */
    private final int shift;

    /** @param slots how many values may be kept; rounded up to a power of two */
    RecordPartCache(int slots) {
        int bits = Math.max(1, Integer.SIZE - Integer.numberOfLeadingZeros(slots - 1));
        this.slots = new Entry[1 << bits];
        this.shift = Integer.SIZE - bits;
    }

    @Override
    public DecodedValue get(CacheKey<?> key, Loader loader) throws IOException {
        long offset = key.offset();
        int slot = ((int) (offset ^ offset >>> 32) * 0x9E3779B9) >>> shift;
        Entry entry = slots[slot];
        if (entry != null && entry.matches(offset, key.cls(), key.type())) {
            return entry.value;
        }
        DecodedValue value = loader.load(key);
        slots[slot] = new Entry(offset, key.cls(), key.type(), value);
        return value;
    }

    private record Entry(long offset, Class<?> cls, Type type, DecodedValue value) {
        /** The same value decoded the same way: the types are the reader's cached ones, so identity nearly always decides. */
        boolean matches(long offset, Class<?> cls, Type type) {
            return this.offset == offset && this.cls == cls && (this.type == type || Objects.equals(this.type, type));
        }
    }
}
