package com.datasaas.ingest;

import java.time.Duration;
import java.util.function.LongUnaryOperator;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;

/**
 * A bounded map of 64-bit keys to 64-bit values that forgets what is older than its generation time: the per-node
 * memories touched by every event (the rate limit windows per client address, the start of each page view). The
 * tables are Agrona's {@link Long2LongHashMap}s, keys and values in one primitive array, not an object per entry.
 * With one Caffeine entry of boxed key and value per random client address or page view, these two held 200-400 bytes
 * per entry in the old generation for minutes, up to ~400 MB at their bounds under load; every full collection had to
 * mark them all, and those collections were the ingest tail (docs/benchmarks.md, "Write path targets, round 2"). Here
 * an entry costs 16 bytes in a table kept at most half full (32-64 bytes of array) and nothing the collector traces.
 *
 * <p>Each of {@link #STRIPES} stripes (one lock each) has two generations: puts and updates go to the current one, a
 * lookup reads the current one and then the previous one. When the current generation is older than the generation
 * time, or holds its share of the bound, it becomes the previous one and the old previous one is dropped. An entry is
 * kept for at least one generation time unless the bound is reached, and for at most two: a caller that needs an
 * exact age keeps the time in the value. Keys are 64-bit hashes ({@link #hash}); two keys colliding share one entry,
 * as likely as any two of ~10^6 keys colliding in 64 bits (about 1 in 10^7). Any long is a key; any long but
 * {@link #MISSING} is a value (Agrona's table marks its free slots with that value and refuses to store it).
 */
final class ExpiringLongMap {
    static final int STRIPES = 16;
    /** The tables' missing value: what they answer for an unknown key, and the one value that cannot be stored. */
    static final long MISSING = Long.MIN_VALUE;

    /**
     * Puts a stripe gathers before it writes them to its table together (see {@link Stripe#applyDeferred}): enough
     * that the cache misses of one batch overlap, few enough that a batch is a few microseconds of one request.
     */
    static final int DEFERRED_PUTS = 32;

    private static final int INITIAL_CAPACITY = 64;
    private static final long SEED = 0x9E3779B97F4A7C15L;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final long generationNanos;
    private final int perGeneration;
    private final int deferredPuts;

    /**
     * @param maxEntries how many entries may be held at once (both generations of every stripe together)
     * @param generation how long an entry is kept at least, unless the bound is reached first
     */
    ExpiringLongMap(int maxEntries, Duration generation, long nowNanos) {
        this(maxEntries, generation, nowNanos, DEFERRED_PUTS);
    }

    /** @param deferredPuts puts a stripe gathers before writing them (1: each at once, as before; for benchmarks) */
    ExpiringLongMap(int maxEntries, Duration generation, long nowNanos, int deferredPuts) {
        if (maxEntries < 2 * STRIPES) throw new IllegalArgumentException("maxEntries < " + 2 * STRIPES);
        if (deferredPuts < 1) throw new IllegalArgumentException("deferredPuts < 1");
        this.deferredPuts = deferredPuts;
        this.generationNanos = generation.toNanos();
        this.perGeneration = maxEntries / (2 * STRIPES);
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe(nowNanos);
    }

    /** The key's value, or {@code absent} when the key is not known (or forgotten). */
    long get(long key, long absent, long nowNanos) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            stripe.applyDeferred();
            stripe.age(nowNanos);
            long value = stripe.get(key);
            return value == MISSING ? absent : value;
        }
    }

    /**
     * Stores the value. It reaches the table with the stripe's next {@link #DEFERRED_PUTS} puts, or before the next
     * read of the stripe, whichever comes first, so no caller can tell: see {@link Stripe#applyDeferred}.
     *
     * @throws IllegalArgumentException when {@code value} is {@link #MISSING}
     */
    void put(long key, long value, long nowNanos) {
        if (value == MISSING) throw new IllegalArgumentException("cannot store the missing value " + MISSING);
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            stripe.defer(key, value, nowNanos);
        }
    }

    /**
     * Replaces the key's value by {@code update} applied to it ({@code absent} when the key is not known), atomically
     * for that key, and returns the new value.
     *
     * @throws IllegalArgumentException when {@code update} gives {@link #MISSING}
     */
    long update(long key, long absent, LongUnaryOperator update, long nowNanos) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            stripe.applyDeferred();
            stripe.age(nowNanos);
            long old = stripe.get(key);
            long value = update.applyAsLong(old == MISSING ? absent : old);
            stripe.current.put(key, value);
            return value;
        }
    }

    /** How many entries are held, both generations (an entry updated since it moved to the previous one counts twice). */
    int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                stripe.applyDeferred();
                size += stripe.current.size() + stripe.previous.size();
            }
        }
        return size;
    }

    /**
     * A 64-bit hash of a key made of several strings: DataSketches' MurmurHash3 (x64, 128 bits, the first half) over
     * each part's length and then its characters, so that the parts cannot run together ("ab","c" differs from
     * "a","bc") whatever characters they hold. Computed here as the characters stream by, not over a copy: the same
     * value as {@code MurmurHash3.hash(char[], SEED)[0]} of that sequence (ExpiringLongMapTest compares the two), without
     * the copy, its array and the library's state object and result array, three allocations per event on the ingest
     * path.
     */
    static long hash(String... parts) {
        Murmur3 murmur = new Murmur3();
        for (String part : parts) murmur.add(part);
        return murmur.finish();
    }

    /** {@link #hash(String...)} of one part, without the varargs array (the rate windows' address). */
    static long hash(String part) {
        Murmur3 murmur = new Murmur3();
        murmur.add(part);
        return murmur.finish();
    }

    /** {@link #hash(String...)} of three parts, without the varargs array (a page view's site, session and path). */
    static long hash(String first, String second, String third) {
        Murmur3 murmur = new Murmur3();
        murmur.add(first);
        murmur.add(second);
        murmur.add(third);
        return murmur.finish();
    }

    /**
     * The top bits of Agrona's spread of the key: its tables take a slot from the low bits of the same spread, so the
     * stripe must not come from those (every key of a stripe would then start at the same few slots).
     */
    private Stripe stripe(long key) {
        return stripes[Hashing.hash(key) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(STRIPES))];
    }

    private final class Stripe {
        Generation current;
        Generation previous;
        /** Puts not yet in the table, in their order: key, value, time. */
        final long[] deferred = new long[3 * deferredPuts];

        int deferredCount;
        /** What the touching pass read: kept in a field so that the compiler keeps those reads. */
        long touched;

        Stripe(long nowNanos) {
            current = new Generation(nowNanos);
            previous = new Generation(nowNanos);
        }

        void age(long nowNanos) {
            if (nowNanos - current.started >= generationNanos || current.size() >= perGeneration) {
                Generation dropped = previous;
                previous = current;
                current = dropped.restart(nowNanos);
            }
            // A generation was written to for one generation time from its start, so two after its start all of it
            // is older than one: dropped, even when the current one has not turned yet (a quiet stripe).
            if (previous.size() > 0 && nowNanos - previous.started >= 2 * generationNanos) {
                previous.restart(nowNanos);
            }
        }

        void defer(long key, long value, long nowNanos) {
            int at = 3 * deferredCount++;
            deferred[at] = key;
            deferred[at + 1] = value;
            deferred[at + 2] = nowNanos;
            if (deferredCount == deferredPuts) applyDeferred();
        }

        /**
         * Writes the deferred puts to the table in their order, each after ageing the stripe to its own time: the same
         * tables as writing each at once. Every read of the stripe calls this first, so a read sees every put before
         * it. Why defer: with random keys (the benchmark's visitors, and real ones) each put lands on a cold slot of a
         * table of up to 1 MB, a cache miss the request thread waited out alone (~7.7% of its samples for the page
         * view starts, docs/benchmarks.md). A first pass here only reads each key's slot, reads that do not depend on
         * each other, so the processor has the misses of the whole batch in flight at once; the puts then find their
         * slots in the cache.
         */
        void applyDeferred() {
            int count = deferredCount;
            if (count == 0) return;
            Long2LongHashMap table = current.table;
            long read = 0;
            for (int i = 0; i < count; i++) read += table.get(deferred[3 * i]);
            touched = read;
            for (int i = 0; i < count; i++) {
                int at = 3 * i;
                age(deferred[at + 2]);
                current.put(deferred[at], deferred[at + 1]);
            }
            deferredCount = 0;
        }

        /** The key's value, or {@link #MISSING}. */
        long get(long key) {
            long value = current.table.get(key);
            return value == MISSING ? previous.table.get(key) : value;
        }
    }

    /**
     * One table and when it started. A dropped generation's table is cleared and reused as the next current one, not
     * replaced: it keeps the capacity it grew to, so a steady load fills the next generation without regrowing it and
     * turning a generation allocates nothing (a table at the bound is up to 1 MB of array, which a new one per stripe
     * per generation time would churn through the heap). What it keeps is at most its share of the bound.
     */
    private static final class Generation {
        /** At most half full, as the tables these replaced, so that linear probing stays short. */
        private static final float LOAD_FACTOR = 0.5f;

        final Long2LongHashMap table = new Long2LongHashMap(INITIAL_CAPACITY, LOAD_FACTOR, MISSING);
        long started;

        Generation(long started) {
            this.started = started;
        }

        int size() {
            return table.size();
        }

        void put(long key, long value) {
            table.put(key, value);
        }

        Generation restart(long nowNanos) {
            table.clear();
            started = nowNanos;
            return this;
        }
    }

    /**
     * MurmurHash3 x64 128 as DataSketches computes it over a {@code char[]}: blocks of 8 characters, each character in
     * its 16 bits of a little-endian pair of longs, the tail the same way, the length in bytes in the final mix. One
     * short-lived object that escape analysis keeps off the heap (it never leaves {@link #hash}).
     */
    private static final class Murmur3 {
        private static final long C1 = 0x87c37b91114253d5L;
        private static final long C2 = 0x4cf5ad432745937fL;

        private long h1 = SEED;
        private long h2 = SEED;
        private long k1;
        private long k2;
        /** Characters seen so far; the low 3 bits are the position in the current block. */
        private int chars;

        /** The part's length in two characters, then its characters. */
        void add(String part) {
            add((char) (part.length() >>> 16));
            add((char) part.length());
            for (int i = 0; i < part.length(); i++) add(part.charAt(i));
        }

        void add(char c) {
            int at = chars & 7;
            if (at < 4) {
                k1 |= (long) c << (at << 4);
            } else {
                k2 |= (long) c << ((at - 4) << 4);
            }
            if (at == 7) {
                mixBlock();
            }
            chars++;
        }

        private void mixBlock() {
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
            k1 = 0;
            k2 = 0;
        }

        long finish() {
            // the tail is what add() gathered since the last full block (both zero when there is none)
            long length = (long) chars << 1;
            h1 ^= mixK1(k1);
            h2 ^= mixK2(k2);
            h1 ^= length;
            h2 ^= length;
            h1 += h2;
            h2 += h1;
            h1 = finalMix(h1);
            h2 = finalMix(h2);
            return h1 + h2;
        }

        private static long mixK1(long k) {
            return Long.rotateLeft(k * C1, 31) * C2;
        }

        private static long mixK2(long k) {
            return Long.rotateLeft(k * C2, 33) * C1;
        }

        private static long finalMix(long h) {
            h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
            h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
            return h ^ (h >>> 33);
        }
    }
}
