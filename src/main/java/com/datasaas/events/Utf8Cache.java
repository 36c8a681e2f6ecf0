package com.datasaas.events;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of recently seen strings, by identity: a column of loaded events repeats a few string instances (a
 * page's URL, a country, a browser) millions of times, so each is encoded once rather than once per row. A fixed,
 * direct-mapped table: a string that collides with another simply is encoded again, and unique strings (visitor ids)
 * cost one probe each. One per column of a bulk load's row source, used by one thread at a time.
 */
final class Utf8Cache {
    private static final int SLOTS = 1024;

    private final String[] keys = new String[SLOTS];
    private final byte[][] values = new byte[SLOTS][];

    /** {@code s} in UTF-8, or null for null. */
    byte[] bytes(String s) {
        if (s == null) return null;
        int slot = System.identityHashCode(s) & (SLOTS - 1);
        if (keys[slot] == s) return values[slot];
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        keys[slot] = s;
        values[slot] = b;
        return b;
    }
}
