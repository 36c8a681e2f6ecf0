# CPU time per thread of a running JVM over a window: python3 bench/thread_cpu.py PID SECONDS. Threads are grouped by
# name without their number; DuckDB's own worker threads carry the process name (java).
import os, sys, time, collections, re
pid = sys.argv[1]; secs = float(sys.argv[2])
hz = os.sysconf('SC_CLK_TCK')
def snap():
    out = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            s = open(f"/proc/{pid}/task/{t}/stat").read()
            comm = s[s.index('(')+1:s.rindex(')')]
            f = s[s.rindex(')')+2:].split()
            out[t] = (comm, int(f[11]) + int(f[12]))
        except Exception: pass
    return out
a = snap(); time.sleep(secs); b = snap()
agg = collections.Counter()
for t, (comm, ticks) in b.items():
    prev = a.get(t, (comm, 0))[1]
    agg[re.sub(r'\d+$', 'N', comm)] += ticks - prev
total = sum(agg.values())
print(f"process CPU over {secs}s: {total/hz:.1f} s ({total/hz/secs*100:.0f}% of one core)")
for k, v in agg.most_common(15): print(f"{v/hz:6.1f} s {v*100/max(total,1):5.1f}% {k}")
