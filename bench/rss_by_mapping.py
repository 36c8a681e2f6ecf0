#!/usr/bin/env python3
"""The resident memory of a running service by kind of mapping, from /proc/PID/smaps.

Usage: python3 bench/rss_by_mapping.py PID [PID's Java heap as LOW-HIGH in hex] [--smaps FILE]
Without the heap range it asks `jcmd PID GC.heap_info` for it (the Serial and G1 lines both end in [low, ..., high)).
--smaps FILE splits a copy of /proc/PID/smaps taken earlier (bench/rss_peak.py saves one at the RSS peak).

Why by mapping: NMT (-XX:NativeMemoryTracking) sees only what the JVM allocates itself; DuckDB's buffers (its own
jemalloc, anonymous mappings), the glibc arenas other native code mallocs into, and files mapped by libraries (the
GeoIP database, the class data sharing archive) are outside it, and RSS counts them all.
"""
import collections
import re
import subprocess
import sys

ARENA = 64 << 20  # glibc reserves each non-main arena as 64 MB aligned to 64 MB: rw-p in front, ---p behind


def heap_range(pid):
    out = subprocess.run(["jcmd", pid, "GC.heap_info"], capture_output=True, text=True).stdout
    spans = [[int(x, 16) for x in re.findall(r"0x[0-9a-f]+", m)] for m in re.findall(r"\[0x[^\]\)]*[\]\)]", out)]
    spans = [s for s in spans if len(s) >= 2]
    return (min(s[0] for s in spans), max(s[-1] for s in spans)) if spans else (None, None)


def mappings(smaps):
    maps, cur = [], None
    for line in open(smaps):
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
        if m:
            cur = dict(lo=int(m.group(1), 16), hi=int(m.group(2), 16), perm=m.group(3), path=m.group(4).strip(), rss=0)
            maps.append(cur)
        elif line.startswith("Rss:"):
            cur["rss"] = int(line.split()[1])
    return maps


def kind(m, heap_lo, heap_hi, arena_starts):
    p = m["path"]
    if heap_lo is not None and m["lo"] >= heap_lo and m["hi"] <= heap_hi:
        return "Java heap"
    if p == "[heap]":
        return "glibc main arena ([heap])"
    if m["lo"] in arena_starts:
        return "glibc arenas (other threads' malloc)"
    if "libduckdb" in p:
        return "libduckdb code (file)"
    if p.endswith((".jsa", ".aot")):  # JDK 17's archives; JDK 24+'s ahead-of-time cache (datasaas.aot)
        return "class data sharing archives (file)"
    if p.endswith(".mmdb"):
        return "GeoIP database pages (file)"
    if p == "" and "x" in m["perm"]:
        return "JIT code cache (anonymous rwx)"
    if p == "" or p.startswith("["):
        return "other anonymous (DuckDB's jemalloc, metaspace, stacks)"
    return "other files (libjvm, libraries)"


def main():
    args = sys.argv[1:]
    smaps = f"/proc/{args[0]}/smaps"
    if "--smaps" in args:
        i = args.index("--smaps")
        smaps = args[i + 1]
        del args[i : i + 2]
    pid = args[0]
    if len(args) > 1:
        lo, hi = (int(x, 16) for x in args[1].split("-"))
    else:
        lo, hi = heap_range(pid)
    maps = mappings(smaps)
    ends = {m["lo"]: m for m in maps}
    arena_starts = set()
    for m in maps:
        if m["path"] or m["lo"] % ARENA or not m["perm"].startswith("rw"):
            continue
        behind = ends.get(m["hi"])
        if m["hi"] - m["lo"] == ARENA or (behind and behind["perm"] == "---p" and behind["hi"] - m["lo"] == ARENA):
            arena_starts.add(m["lo"])
    total, count = collections.Counter(), collections.Counter()
    for m in maps:
        k = kind(m, lo, hi, arena_starts)
        total[k] += m["rss"]
        count[k] += 1
    print(f"RSS {sum(total.values()) / 1024:.0f} MB in {len(maps)} mappings")
    for k, v in total.most_common():
        print(f"  {k:56s} {v / 1024:7.1f} MB  ({count[k]} mappings)")


if __name__ == "__main__":
    main()
