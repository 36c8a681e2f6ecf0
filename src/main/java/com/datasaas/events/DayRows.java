package com.datasaas.events;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/** The day rows of one dimension over a range: stored rows for rolled-up days, live ones for {@code liveDays}. */
public record DayRows(List<DayRow> rows, Set<LocalDate> liveDays) {
    /**
     * HLL precision of the stored visitor sketches: 2^14 buckets, relative standard error about 0.8% (1.04/sqrt(K));
     * a union is built with the same precision.
     */
    public static final int SKETCH_LG_K = 14;

    /**
     * The compact serialized HLL sketch of the visitor keys, as the day rollup stores it. The keys are sketched in
     * ascending order: a sketch's bytes (and its HIP estimate) depend on the order of its updates, and the stores
     * list a row's keys in different orders, so sorting makes DuckDB and ClickHouse store the same sketch.
     */
    public static byte[] sketch(long[] keys) {
        org.apache.datasketches.hll.HllSketch sketch =
                new org.apache.datasketches.hll.HllSketch(SKETCH_LG_K, org.apache.datasketches.hll.TgtHllType.HLL_4);
        long[] sorted = keys.clone();
        java.util.Arrays.sort(sorted);
        for (long k : sorted) sketch.update(k);
        return sketch.toCompactByteArray();
    }

    public DayRows {
        rows = List.copyOf(rows);
        liveDays = Set.copyOf(liveDays);
    }
}
