package com.datasaas.events;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The day rows of one dimension over a range: stored rows for rolled-up days, live ones for {@code liveDays}. The rows
 * are {@code ready} followed by {@code later}'s: a store whose live rows come from a query of their own (ClickHouse)
 * hands over the stored rows while that query still runs, so the reader can begin merging them (the sketch unions of
 * a breakdown take as long as the live query at 10M events); {@link #rows} waits for all of them, in that order.
 */
public record DayRows(List<DayRow> ready, Set<LocalDate> liveDays, CompletableFuture<List<DayRow>> later) {
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
        ready = List.copyOf(ready);
        liveDays = Set.copyOf(liveDays);
    }

    /** All rows at hand at once. */
    public DayRows(List<DayRow> rows, Set<LocalDate> liveDays) {
        this(rows, liveDays, CompletableFuture.completedFuture(List.of()));
    }

    /** The rows after {@link #ready}, once their query has answered; its failure as the store threw it. */
    public List<DayRow> laterRows() {
        try {
            return later.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
    }

    /** Every row: {@link #ready}, then {@link #laterRows}. */
    public List<DayRow> rows() {
        List<DayRow> later = laterRows();
        if (later.isEmpty()) return ready;
        List<DayRow> all = new ArrayList<>(ready.size() + later.size());
        all.addAll(ready);
        all.addAll(later);
        return all;
    }
}
