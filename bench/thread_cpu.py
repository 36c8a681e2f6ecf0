# CPU time per thread of a running JVM over a window: python3 bench/thread_cpu.py PID SECONDS. Threads are grouped by
# name without their number; DuckDB's own worker threads carry the process name (java), as does the JVM's main thread,
# so the busiest threads are also listed one by one. SECONDS = exit: from now until the process ends (for a whole
# sample-data load; each thread's last reading counts).
import os, sys, time, collections, re
pid = sys.argv[1]; until_exit = sys.argv[2] == "exit"; secs = 0 if until_exit else float(sys.argv[2])
hz = os.sysconf('SC_CLK_TCK')
def snap():
    out = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out  # the process has ended
    for t in tasks:
        try:
            s = open(f"/proc/{pid}/task/{t}/stat").read()
            comm = s[s.index('(')+1:s.rindex(')')]
            f = s[s.rindex(')')+2:].split()
            out[t] = (comm, int(f[11]) + int(f[12]))
        except Exception: pass
    return out
a = snap()
if until_exit:
    a, b, start = {}, a, time.time()
    while os.path.exists(f"/proc/{pid}/task"):
        b.update(snap()); time.sleep(0.5)
    secs = time.time() - start
else:
    time.sleep(secs); b = snap()
agg = collections.Counter()
for t, (comm, ticks) in b.items():
    prev = a.get(t, (comm, 0))[1]
    agg[re.sub(r'\d+$', 'N', comm)] += ticks - prev
total = sum(agg.values())
print(f"process CPU over {secs:.1f} s: {total/hz:.1f} s ({total/hz/secs*100:.0f}% of one core)")
for k, v in agg.most_common(15): print(f"{v/hz:6.1f} s {v*100/max(total,1):5.1f}% {k}")
print("-- busiest threads")
for t, (comm, ticks) in sorted(b.items(), key=lambda x: -(x[1][1] - a.get(x[0], (0, 0))[1]))[:6]:
    print(f"{(ticks - a.get(t, (comm, 0))[1])/hz:6.1f} s  tid {t} {comm}")
