#!/usr/bin/env python3
"""Lines up the open loop's slow requests with what the app was doing then.
Usage: python3 bench/tail_timeline.py timeline.txt gc.log app.log [threshold-ms]
timeline.txt: FixedRateLoad's TIMELINE file (100 ms bins of scheduled sends: epoch-ms count p99 max);
gc.log: -Xlog:gc,safepoint:file=gc.log:time,uptime; app.log: the app's log with
-Dlogging.level.com.datasaas.ingest.Spool=debug -Dlogging.level.com.datasaas.ingest.WriteBuffer=debug.
A bin is slow when its slowest request took more than the threshold (20 ms); a cause counts for it when its
interval overlaps [bin start, bin end + that slowest latency]. Counted as causes: safepoints (GC pauses) of 1 ms or
more, fdatasyncs of 20 ms or more, store batches of 50 ms or more, every session merge."""
import datetime
import re
import sys

threshold = float(sys.argv[4]) if len(sys.argv) > 4 else 20.0


def epoch_ms(stamp):
    stamp = stamp.replace("Z", "+00:00")
    stamp = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", stamp)
    return datetime.datetime.fromisoformat(stamp).timestamp() * 1000


bins = []
for line in open(sys.argv[1]):
    start, count, p99, worst = line.split()
    bins.append((float(start), float(p99), float(worst)))
window = (bins[0][0] - 1000, bins[-1][0] + 2000)

causes = []  # (kind, start ms, end ms)
for line in open(sys.argv[2]):
    m = re.match(r"\[([^\]]+)\]\[[^\]]+\] (.*)", line)
    if not m:
        continue
    at = epoch_ms(m.group(1))
    if "Safepoint" in m.group(2):
        total = re.search(r"Total: (\d+) ns", m.group(2))
        what = re.search(r'Safepoint "([^"]+)"', m.group(2)).group(1)
        ms = int(total.group(1)) / 1e6
        if ms >= 1:
            causes.append(("gc" if "GC" in what or "Collect" in what else "safepoint " + what, at - ms, at))
for line in open(sys.argv[3]):
    m = re.match(r"(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-][\d:]+))\s+\w+\s.*?: (.*)", line)
    if not m:
        continue
    at = epoch_ms(m.group(1))
    text = m.group(2)
    for kind, pattern in (("fsync", r"Slow fdatasync: (\d+) ms"), ("merge", r"Session merge: (\d+) ms"),
                          ("batch", r"Stored a batch of \d+ events: (\d+) ms"),
                          ("checkpoint", r"^Checkpoint: (\d+) ms")):
        hit = re.search(pattern, text)
        if hit:
            ms = int(hit.group(1))
            if (kind == "batch" and ms < 50) or (kind == "fsync" and ms < 20):
                continue  # short ones are everywhere and explain nothing
            causes.append((kind, at - ms, at))
causes = [c for c in causes if window[0] <= c[2] and c[1] <= window[1]]

slow = [b for b in bins if b[2] > threshold]
print(f"{len(bins)} bins of 100 ms, {len(slow)} with a request over {threshold:g} ms")
tally = {}
for start, p99, worst in slow:
    hit = sorted({kind for kind, a, b in causes if a <= start + 100 + worst and b >= start})
    key = " + ".join(hit) or "none of these"
    tally[key] = tally.get(key, 0) + 1
def share(test):
    return sum(n for key, n in tally.items() if test(key))


print(f"  with a GC pause: {share(lambda k: 'gc' in k.split(' + '))}, a store batch or session merge: "
      f"{share(lambda k: 'batch' in k or 'merge' in k or 'checkpoint' in k)}, an fdatasync >= 20 ms: {share(lambda k: 'fsync' in k)}, "
      f"none of these: {share(lambda k: k == 'none of these')}")
for key, n in sorted(tally.items(), key=lambda kv: -kv[1]):
    print(f"  {n:4d} slow bins overlap: {key}")
for kind in ("gc", "fsync", "merge", "batch", "checkpoint"):
    spans = [b - a for k, a, b in causes if k == kind]
    if spans:
        print(f"{kind}: {len(spans)} in the window, {sum(spans):.0f} ms in all, longest {max(spans):.0f} ms")
print("slowest bins (epoch ms, p99, max, overlapping causes):")
for start, p99, worst in sorted(slow, key=lambda b: -b[2])[:12]:
    hit = [f"{k} {b - a:.0f}ms" for k, a, b in causes if a <= start + 100 + worst and b >= start]
    print(f"  {start:.0f} p99 {p99:.1f} max {worst:.1f}: {', '.join(hit)}")
