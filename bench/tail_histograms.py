#!/usr/bin/env python3
"""The write path's histograms over one window: the difference of two /actuator/prometheus scrapes (the buckets are
cumulative counts, so the difference is the exact distribution of what happened in between, whatever ran before).
Usage: python3 bench/tail_histograms.py before.prom after.prom
Prints count, p50 / p99 / p99.9 (the upper bound of the bucket the rank falls in) per histogram, and the collector's
pauses in the window (count and total, from jvm_gc_pause_seconds)."""
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')
HISTOGRAMS = [
    ("datasaas_ingest_spool_wait_seconds", "request's wait for its fsync (hand-over to wake-up)", 1000, "ms"),
    ("datasaas_ingest_spool_queued_seconds", "event queued before its group's write", 1000, "ms"),
    ("datasaas_ingest_spool_write_seconds", "group write (+ room ahead)", 1000, "ms"),
    ("datasaas_ingest_spool_fsync_seconds", "group fdatasync", 1000, "ms"),
    ("datasaas_ingest_spool_group", "events per group", 1, ""),
    ("datasaas_ingest_flush_latency_seconds", "store batch (DuckDB)", 1000, "ms"),
    ("datasaas_ingest_sessions_merge_seconds", "session merge (DuckDB)", 1000, "ms"),
    ("datasaas_ingest_checkpoint_seconds", "checkpoint (DuckDB)", 1000, "ms"),
]


def scrape(path):
    values = {}
    for line in open(path):
        m = LINE.match(line)
        if m and not line.startswith("#"):
            values[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return values


def buckets(values, name):
    out = {}
    for (metric, labels), v in values.items():
        if metric == name + "_bucket":
            le = re.search(r'le="([^"]+)"', labels).group(1)
            bound = float("inf") if le == "+Inf" else float(le)
            out[bound] = out.get(bound, 0) + v
    return out


def main():
    a, b = scrape(sys.argv[1]), scrape(sys.argv[2])
    print(f"window: {b.get(('process_uptime_seconds', ''), 0) - a.get(('process_uptime_seconds', ''), 0):.1f} s "
          f"(process uptime {a.get(('process_uptime_seconds', ''), 0):.1f} -> {b.get(('process_uptime_seconds', ''), 0):.1f} s)")
    for name, what, scale, unit in HISTOGRAMS:
        before, after = buckets(a, name), buckets(b, name)
        if not after:
            continue
        delta = sorted((bound, after[bound] - before.get(bound, 0)) for bound in after)
        total = delta[-1][1]
        if total <= 0:
            print(f"{what}: none")
            continue

        def rank(q):
            for bound, count in delta:
                if count >= q * total:
                    return bound
            return float("inf")

        figures = " / ".join(f"{rank(q) * scale:.3g}" for q in (0.5, 0.99, 0.999, 1.0))
        print(f"{what}: n={int(total)}, p50 / p99 / p99.9 / max <= {figures} {unit}")
    pauses = {}
    for (metric, labels), v in b.items():
        if metric in ("jvm_gc_pause_seconds_count", "jvm_gc_pause_seconds_sum"):
            action = re.search(r'action="([^"]+)"', labels).group(1)
            entry = pauses.setdefault(action, [0, 0.0])
            entry[0 if metric.endswith("count") else 1] += v - a.get((metric, labels), 0)
    for action, (count, seconds) in pauses.items():
        print(f"GC {action}: {int(count)} pauses, {seconds * 1000:.0f} ms in all")


main()
