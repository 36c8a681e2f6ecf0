#!/usr/bin/env bash
# One start, as a timeline: when each named thread starts and ends (with the CPU it used), and when the service answers
# healthy, with the CPU of every thread alive then. Shows the critical path of a start: whether health waited for the
# main thread (named `java`) or for the user agent analyzer's thread (`yauaa-init`) or the stores' early loading.
# Usage: bench/startup_timeline.sh LAUNCHER_OR_JAR   (JAVA_OPTS is passed; a fresh data dir, stopped at healthy)
set -euo pipefail
JAR=$1
cd "$(dirname "$0")/.."
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATA=$(mktemp -d)
START=$(date +%s.%N)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags on purpose
case $JAR in
  *.jar) DATASAAS_DATA_DIR=$DATA PORT=$PORT java ${JAVA_OPTS:-} -jar "$JAR" > "$DATA/app.log" 2>&1 & ;;
  *) DATASAAS_DATA_DIR=$DATA PORT=$PORT JAVA_OPTS=${JAVA_OPTS:-} "$JAR" > "$DATA/app.log" 2>&1 & ;;
esac
APP=$!
trap 'kill $APP 2>/dev/null; wait $APP 2>/dev/null; rm -rf "$DATA"' EXIT
python3 - "$APP" "$PORT" "$START" <<'PY'
import os, sys, time, urllib.request
pid, port, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
hz = os.sysconf('SC_CLK_TCK')
# the JVM's own threads, which run throughout: only their CPU at healthy is of interest
quiet = ('C1 ', 'C2 ', 'VM ', 'GC ', 'Signal', 'Finalizer', 'Reference', 'Common-Cleaner', 'Service', 'Notification',
         'Sweeper', 'Monitor', 'Native Heap', 'http-nio', 'Catalina', 'scheduling')
def threads():
    now = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            s = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        f = s[s.rindex(')') + 2:].split()
        now[tid] = (s[s.index('(') + 1:s.rindex(')')], (int(f[11]) + int(f[12])) / hz)
    return now
seen = {}
while True:
    at = time.time() - start
    now = threads()
    for tid, (name, cpu) in now.items():
        if tid not in seen and not name.startswith(quiet):
            print(f"{at:6.2f} s  start {name}")
    for tid, (name, cpu) in seen.items():
        if tid not in now and not name.startswith(quiet):
            print(f"{at:6.2f} s  end   {name} ({cpu:.2f} CPU-s)")
    seen = now
    try:
        urllib.request.urlopen(f"http://localhost:{port}/actuator/health", timeout=1).read()
    except Exception:
        time.sleep(0.05)
        continue
    alive = sorted(now.values(), key=lambda t: -t[1])[:8]
    print(f"{at:6.2f} s  healthy; load average {open('/proc/loadavg').read().split()[0]}; CPU of the threads alive: "
          + ", ".join(f"{n} {c:.1f} s" for n, c in alive))
    break
PY
