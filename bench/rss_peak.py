#!/usr/bin/env python3
"""The RSS peak of a running process, not a snapshot: VmRSS every INTERVAL seconds until STOPFILE exists or the process
ends. Each new peak (2 MB or more above the last) also copies /proc/PID/smaps to OUT.smaps, so the peak can be split by
kind of mapping afterwards: python3 bench/rss_by_mapping.py PID HEAP_RANGE --smaps OUT.smaps.

Usage: python3 bench/rss_peak.py PID OUT STOPFILE [INTERVAL, default 0.1]
Writes OUT.samples (seconds since start, RSS MB; one line a sample) and prints the peak, when it was, and the median.

Why a sampler: under load the RSS has transients of 100-150 MB (DuckDB's session merge and checkpoint) that last a
second or two, so a snapshot after the run, or one every 5 s, misses or hits them by chance (docs/benchmarks.md,
"Memory under load (2026-12-06, evening)").
"""
import os
import shutil
import statistics
import sys
import time

pid, out, stop = sys.argv[1], sys.argv[2], sys.argv[3]
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.1


def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


start, peak, peak_at, saved, samples = time.monotonic(), 0, 0.0, 0, []
with open(out + ".samples", "w") as log:
    while not os.path.exists(stop):
        try:
            kb = rss_kb()
        except (FileNotFoundError, ProcessLookupError):
            break
        t = time.monotonic() - start
        samples.append(kb)
        log.write(f"{t:.2f} {kb / 1024:.0f}\n")
        if kb > peak:
            peak, peak_at = kb, t
            if kb >= saved + 2048:  # a copy of smaps costs a few ms; not for every kilobyte of growth
                try:
                    shutil.copyfile(f"/proc/{pid}/smaps", out + ".smaps")
                    saved = kb
                except OSError:
                    pass
        time.sleep(interval)
if samples:
    print(f"RSS peak {peak / 1024:.0f} MB at {peak_at:.1f} s of {len(samples)} samples every {interval * 1000:.0f} ms;"
          f" median {statistics.median(samples) / 1024:.0f} MB, last {samples[-1] / 1024:.0f} MB")
