package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.hash.MurmurHash3;
import org.junit.jupiter.api.Test;

class ExpiringLongMapTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    void a_value_put_is_read_back_and_an_unknown_key_is_absent() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        map.put(42, 7, 0);
        map.put(0, 9, 0); // any long is a key: the table marks free slots by a value
        assertThat(map.get(42, -1, 1)).isEqualTo(7);
        assertThat(map.get(0, -1, 1)).isEqualTo(9);
        assertThat(map.get(43, -1, 1)).isEqualTo(-1);
    }

    @Test
    void the_missing_value_is_refused_rather_than_stored_as_absent() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        assertThatThrownBy(() -> map.put(1, ExpiringLongMap.MISSING, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.update(1, -1, v -> ExpiringLongMap.MISSING, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(map.get(1, -1, 0)).isEqualTo(-1);
    }

    @Test
    void an_entry_is_kept_for_one_generation_at_least_and_two_at_most() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        map.put(1, 100, 0);
        map.put(2, 200, MINUTE / 2);
        assertThat(map.get(1, -1, MINUTE))
                .as("moved to the previous generation, still known")
                .isEqualTo(100);
        assertThat(map.get(2, -1, MINUTE + MINUTE / 2)).isEqualTo(200);
        assertThat(map.get(1, -1, 2 * MINUTE))
                .as("two generations old: forgotten")
                .isEqualTo(-1);
        assertThat(map.get(2, -1, 2 * MINUTE + MINUTE / 2)).isEqualTo(-1);
    }

    @Test
    void an_entry_is_forgotten_two_generations_after_its_own_even_when_the_next_one_turned_late() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        map.put(1, 100, 0);
        assertThat(map.get(1, -1, MINUTE * 19 / 10)).isEqualTo(100); // the generation turns only now
        assertThat(map.get(1, -1, 2 * MINUTE)).isEqualTo(-1);
    }

    @Test
    void an_entry_updated_in_the_previous_generation_moves_to_the_current_one() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        map.put(1, 1, 0);
        assertThat(map.update(1, -1, v -> v + 1, MINUTE + 1)).isEqualTo(2);
        assertThat(map.get(1, -1, 2 * MINUTE + 1)).isEqualTo(2);
        assertThat(map.update(5, -1, v -> v, 2 * MINUTE + 1))
                .as("unknown keys start from absent")
                .isEqualTo(-1);
    }

    @Test
    void after_a_long_idle_time_nothing_old_is_returned() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        map.put(1, 1, 0);
        assertThat(map.get(1, -1, 10 * MINUTE)).isEqualTo(-1);
    }

    @Test
    void many_keys_are_all_kept_below_the_bound_and_the_bound_holds_above_it() {
        ExpiringLongMap map = new ExpiringLongMap(64_000, Duration.ofMinutes(1), 0);
        Random random = new Random(7);
        long[] keys = new long[20_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = random.nextLong();
            map.put(keys[i], i, 0);
        }
        for (int i = 0; i < keys.length; i++)
            assertThat(map.get(keys[i], -1, 0)).isEqualTo(i);
        for (int i = 0; i < 200_000; i++) map.put(random.nextLong(), i, 0);
        assertThat(map.size()).isLessThanOrEqualTo(64_000).isGreaterThan(32_000 - ExpiringLongMap.STRIPES);
    }

    @Test
    void puts_held_back_for_their_batch_are_seen_by_every_read_in_their_order() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        // fewer puts than a batch: none has reached a table yet
        map.put(1, 10, 0);
        map.put(1, 11, 0);
        map.put(2, 20, 0);
        map.put(3, 30, 0);
        assertThat(map.get(1, -1, 0)).as("the later put wins").isEqualTo(11);
        map.put(2, 21, 0);
        assertThat(map.update(2, -1, v -> v + 1, 0)).isEqualTo(22);
        map.put(4, 40, 0);
        assertThat(map.size()).as("a put not yet written counts").isEqualTo(4);
    }

    @Test
    void a_held_back_put_ages_from_its_own_time_not_from_when_it_is_written() {
        ExpiringLongMap map = new ExpiringLongMap(1_000, Duration.ofMinutes(1), 0);
        map.put(1, 100, 0);
        map.put(2, 200, MINUTE / 2);
        assertThat(map.get(1, -1, MINUTE))
                .as("previous generation, still known")
                .isEqualTo(100);
        map.put(3, 300, 0);
        assertThat(map.get(3, -1, 2 * MINUTE))
                .as("put two generations ago, written only now: forgotten")
                .isEqualTo(-1);
        map.put(4, 400, 10 * MINUTE);
        assertThat(map.get(4, -1, 10 * MINUTE)).isEqualTo(400);
        assertThat(map.get(2, -1, 10 * MINUTE)).isEqualTo(-1);
    }

    @Test
    void the_bound_holds_for_puts_written_in_batches() {
        ExpiringLongMap map = new ExpiringLongMap(3_200, Duration.ofMinutes(1), 0);
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            map.put(random.nextLong(), i, 0);
            if (i % 997 == 0) assertThat(map.size()).isLessThanOrEqualTo(3_200);
        }
        assertThat(map.size()).isLessThanOrEqualTo(3_200).isGreaterThan(1_600 - ExpiringLongMap.STRIPES);
    }

    @Test
    void many_threads_putting_and_updating_at_once_lose_nothing() throws Exception {
        ExpiringLongMap map = new ExpiringLongMap(1_000_000, Duration.ofMinutes(1), 0);
        int threads = 8;
        int perThread = 20_000;
        long counter = 0xC0FFEE;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        // each thread's own keys, spread over every stripe, and one key all of them count on
                        map.put(thread << 32 | i, i, 0);
                        map.update(counter, 0, v -> v + 1, 0);
                        if (i % 100 == 0)
                            assertThat(map.get(thread << 32 | i, -1, 0)).isEqualTo(i);
                    }
                }));
            }
            for (Future<?> f : done) f.get(1, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        assertThat(map.get(counter, -1, 0)).isEqualTo((long) threads * perThread);
        for (long t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++)
                assertThat(map.get(t << 32 | i, -1, 0)).isEqualTo(i);
        }
        assertThat(map.size()).isEqualTo(threads * perThread + 1);
    }

    @Test
    void keys_of_several_strings_differ_by_where_the_strings_split() {
        assertThat(ExpiringLongMap.hash("ab", "c")).isNotEqualTo(ExpiringLongMap.hash("a", "bc"));
        // a separator character would let a part that holds it run into the next one
        assertThat(ExpiringLongMap.hash("a\uFFFF", "")).isNotEqualTo(ExpiringLongMap.hash("a", "\uFFFF"));
        assertThat(ExpiringLongMap.hash("site", "s1", "/")).isEqualTo(ExpiringLongMap.hash("site", "s1", "/"));
        assertThat(ExpiringLongMap.hash("1.2.3.4")).isNotEqualTo(ExpiringLongMap.hash("1.2.3.5"));
    }

    @Test
    void a_key_of_strings_hashes_as_murmur3_over_the_parts_with_their_lengths() {
        // The hash streams the characters instead of copying them: it must give the library's value over the copy, for
        // every tail length (0-7 characters past the last 8-character block) and for characters above Latin-1.
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            String[] parts = new String[1 + random.nextInt(3)];
            for (int p = 0; p < parts.length; p++) {
                char[] chars = new char[random.nextInt(40)];
                for (int c = 0; c < chars.length; c++) {
                    chars[c] = random.nextBoolean() ? (char) ('a' + random.nextInt(26)) : (char) random.nextInt(65_536);
                }
                parts[p] = new String(chars);
            }
            assertThat(ExpiringLongMap.hash(parts))
                    .as("parts %s", (Object) parts)
                    .isEqualTo(libraryHash(parts));
            // the one- and three-part forms the ingest path calls (no varargs array) give the same
            assertThat(ExpiringLongMap.hash(parts[0])).isEqualTo(libraryHash(parts[0]));
            if (parts.length == 3) {
                assertThat(ExpiringLongMap.hash(parts[0], parts[1], parts[2])).isEqualTo(libraryHash(parts));
            }
        }
        assertThat(ExpiringLongMap.hash("")).isEqualTo(libraryHash(""));
        assertThat(ExpiringLongMap.hash("x".repeat(70_000))).isEqualTo(libraryHash("x".repeat(70_000)));
    }

    /** What the key was before: each part's length in two characters, then the part, hashed by DataSketches. */
    private static long libraryHash(String... parts) {
        StringBuilder key = new StringBuilder();
        for (String part : parts) {
            key.append((char) (part.length() >>> 16))
                    .append((char) part.length())
                    .append(part);
        }
        return MurmurHash3.hash(key.toString().toCharArray(), 0x9E3779B97F4A7C15L)[0];
    }
}
