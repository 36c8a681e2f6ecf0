package com.datasaas.ingest;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * A bounded map of 64-bit keys to 64-bit values that forgets what is older than its generation time: the per-node
 * memories touched by every event (the rate limit windows per client address, the start of each page view). It holds
 * primitive arrays, not an object per entry. With one Caffeine entry of boxed key and value per random client
 * address or page view, these two held 200-400 bytes per entry in the old generation for minutes, up to ~400 MB at
 * their bounds under load; every full collection had to mark them all, and those collections were the ingest tail
 * (docs/benchmarks.md, "Write path targets, round 2"). Here an entry costs 16-32 bytes and nothing the collector
 * traces.
 *
 * <p>Each of {@link #STRIPES} stripes (one lock each) has two generations: puts and updates go to the current one, a
 * lookup reads the current one and then the previous one. When the current generation is older than the generation
 * time, or holds its share of the bound, it becomes the previous one and the old previous one is dropped whole. An
 * entry is kept for at least one generation time unless the bound is reached, and for at most two: a caller that
 * needs an exact age keeps the time in the value. Keys are 64-bit hashes ({@link #hash}); two keys colliding share
 * one entry, as likely as any two of ~10^6 keys colliding in 64 bits (about 1 in 10^7).
 */
final class ExpiringLongMap {
    static final int STRIPES = 16;
    /** Marks a free slot; a key equal to it is stored as {@link #ZERO_KEY}. */
    private static final long FREE = 0;

    private static final long ZERO_KEY = 0x9E3779B97F4A7C15L;
    private static final int MIN_CAPACITY = 64;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final long generationNanos;
    private final int perGeneration;

    /**
     * @param maxEntries how many entries may be held at once (both generations of every stripe together)
     * @param generation how long an entry is kept at least, unless the bound is reached first
     */
    ExpiringLongMap(int maxEntries, Duration generation, long nowNanos) {
        if (maxEntries < 2 * STRIPES) throw new IllegalArgumentException("maxEntries < " + 2 * STRIPES);
        this.generationNanos = generation.toNanos();
        this.perGeneration = maxEntries / (2 * STRIPES);
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe(nowNanos);
    }

    /** The key's value, or {@code absent} when the key is not known (or forgotten). */
    long get(long key, long absent, long nowNanos) {
        long k = key == FREE ? ZERO_KEY : key;
        Stripe stripe = stripe(k);
        synchronized (stripe) {
            stripe.age(nowNanos);
            return stripe.get(k, absent);
        }
    }

    void put(long key, long value, long nowNanos) {
        long k = key == FREE ? ZERO_KEY : key;
        Stripe stripe = stripe(k);
        synchronized (stripe) {
            stripe.age(nowNanos);
            stripe.current.put(k, value);
        }
    }

    /**
     * Replaces the key's value by {@code update} applied to it ({@code absent} when the key is not known), atomically
     * for that key, and returns the new value.
     */
    long update(long key, long absent, LongUnaryOperator update, long nowNanos) {
        long k = key == FREE ? ZERO_KEY : key;
        Stripe stripe = stripe(k);
        synchronized (stripe) {
            stripe.age(nowNanos);
            long value = update.applyAsLong(stripe.get(k, absent));
            stripe.current.put(k, value);
            return value;
        }
    }

    /** How many entries are held, both generations (an entry updated since it moved to the previous one counts twice). */
    int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.current.size + stripe.previous.size;
            }
        }
        return size;
    }

    /** A 64-bit hash of a key made of several strings (FNV-1a over their characters, each followed by a separator). */
    static long hash(String... parts) {
        long h = 0xcbf29ce484222325L;
        for (String part : parts) {
            for (int i = 0; i < part.length(); i++) h = (h ^ part.charAt(i)) * 0x100000001b3L;
            h = (h ^ 0xFFFF) * 0x100000001b3L; // a character no string here ends with: "ab","c" differs from "a","bc"
        }
        return h;
    }

    private Stripe stripe(long key) {
        return stripes[(int) (mix(key) >>> 60)];
    }

    /** MurmurHash3's finaliser: FNV-1a's low bits are weak, and the slot and the stripe come from them. */
    private static long mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private final class Stripe {
        Generation current;
        Generation previous;

        Stripe(long nowNanos) {
            current = new Generation(MIN_CAPACITY, nowNanos);
            previous = new Generation(MIN_CAPACITY, nowNanos);
        }

        void age(long nowNanos) {
            if (nowNanos - current.started >= generationNanos || current.size >= perGeneration) {
                // The new generation starts at the size the last one reached, so a steady load does not regrow it.
                previous = current;
                current = new Generation(capacityFor(previous.size), nowNanos);
            }
            // A generation was written to for one generation time from its start, so two after its start all of it
            // is older than one: dropped, even when the current one has not turned yet (a quiet stripe).
            if (previous.size > 0 && nowNanos - previous.started >= 2 * generationNanos) {
                previous = new Generation(MIN_CAPACITY, nowNanos);
            }
        }

        long get(long key, long absent) {
            int slot = current.slot(key);
            if (current.keys[slot] == key) return current.values[slot];
            slot = previous.slot(key);
            return previous.keys[slot] == key ? previous.values[slot] : absent;
        }
    }

    /** Room for {@code size} entries at most half full, so that linear probing stays short. */
    private int capacityFor(int size) {
        int wanted = Math.min(Math.max(size, 1), perGeneration) * 2;
        return Math.max(MIN_CAPACITY, Integer.highestOneBit(wanted - 1) << 1);
    }

    /** Open addressing with linear probing; a slot is free when its key is {@link #FREE}. */
    private final class Generation {
        final long started;
        long[] keys;
        long[] values;
        int size;

        Generation(int capacity, long started) {
            this.started = started;
            this.keys = new long[capacity];
            this.values = new long[capacity];
        }

        /** The key's slot, or the free slot where it would go. */
        int slot(long key) {
            int mask = keys.length - 1;
            int i = (int) mix(key) & mask;
            while (keys[i] != FREE && keys[i] != key) i = (i + 1) & mask;
            return i;
        }

        void put(long key, long value) {
            int i = slot(key);
            if (keys[i] == FREE) {
                if ((size + 1) * 2 > keys.length) {
                    grow();
                    i = slot(key);
                }
                keys[i] = key;
                size++;
            }
            values[i] = value;
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new long[oldKeys.length * 2];
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != FREE) {
                    int i = slot(oldKeys[j]);
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                }
            }
        }
    }
}
