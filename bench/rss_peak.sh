#!/usr/bin/env bash
# The RSS peak under max load, split by kind of mapping at the peak, with events/s and CPU per event.
# Usage: bench/rss_peak.sh LAUNCHER OUTDIR [secs, default 30] [warm-up secs, default 10]
# LAUNCHER is the launcher script (target/datasaas), so that the service runs with the JVM options it ships with;
# JAVA_OPTS and any DATASAAS_* variable are passed to it. wrk -t2 -c64 with bench/ingest.lua for warm-up + secs;
# bench/rss_peak.py samples VmRSS every 100 ms over both (the peak may come at any point: a merge, a checkpoint, the
# old generation filling) and saves smaps at the peak; bench/thread_cpu.py takes the CPU over the measured secs only.
# Prints the peak, its split (bench/rss_by_mapping.py), events/s and CPU per event, and any DuckDB memory error the
# service logged (a limit too small shows as "Out of Memory Error" in the writer's log lines).
set -euo pipefail
LAUNCHER=$(realpath "$1"); OUT=$(realpath -m "$2"); SECS=${3:-30}; WARM=${4:-10}
cd "$(dirname "$0")/.."
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port); DATA=$(mktemp -d); mkdir -p "$OUT"; rm -f "$OUT/stop"
DATASAAS_DATA_DIR=$DATA PORT=$PORT DATASAAS_REGISTRATION=open DATASAAS_TRUSTED_PROXIES=127.0.0.1/32 \
  "$LAUNCHER" > "$OUT/app.log" 2>&1 &
APP=$!
trap 'touch "$OUT/stop"; kill $APP 2>/dev/null; wait $APP 2>/dev/null; rm -rf $DATA' EXIT
until curl -sf "localhost:$PORT/actuator/health" >/dev/null; do sleep 0.1; done
HEAP=$(python3 -B -c 'import sys; sys.path.insert(0, "bench"); import rss_by_mapping as r; lo, hi = r.heap_range(sys.argv[1]); print(f"{lo:x}-{hi:x}")' $APP)
echo "healthy, RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$APP/status) MB" > "$OUT/result.txt"
J=$DATA/cookies
curl -s -c "$J" -b "$J" "localhost:$PORT/api/me" >/dev/null
X=$(awk '/XSRF-TOKEN/ {print $7}' "$J")
curl -s -c "$J" -b "$J" -H "X-XSRF-TOKEN: $X" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"violet kettle orbit 42"}' "localhost:$PORT/api/auth/signup" >/dev/null
SITE=$(curl -s -c "$J" -b "$J" -H "X-XSRF-TOKEN: $X" -H 'Content-Type: application/json' \
  -d '{"domain":"example.com"}' "localhost:$PORT/api/websites" | sed 's/.*"id":"\([^"]*\)".*/\1/')
python3 bench/rss_peak.py $APP "$OUT/rss" "$OUT/stop" 0.1 > "$OUT/peak.txt" &
SAMPLER=$!
SITE_ID=$SITE wrk -t2 -c64 -d${WARM}s -s bench/ingest.lua "http://127.0.0.1:$PORT" >/dev/null
python3 bench/thread_cpu.py $APP $SECS > "$OUT/threads.txt" &
TC=$!
SITE_ID=$SITE wrk -t2 -c64 -d${SECS}s -s bench/ingest.lua "http://127.0.0.1:$PORT" > "$OUT/wrk.txt"
wait $TC
touch "$OUT/stop"; wait $SAMPLER
cat "$OUT/peak.txt" >> "$OUT/result.txt"
python3 bench/rss_by_mapping.py $APP "$HEAP" --smaps "$OUT/rss.smaps" | sed 's/^RSS/at the peak: RSS/' >> "$OUT/result.txt"
echo "DuckDB memory errors in the log: $(grep -ci 'out of memory' "$OUT/app.log" || true)" >> "$OUT/result.txt"
python3 - "$OUT" >> "$OUT/result.txt" <<'PY'
import sys, re
out = sys.argv[1]
w = open(out + "/wrk.txt").read(); t = open(out + "/threads.txt").read()
n = int(re.search(r'requests: (\d+)', w).group(1)); tp = re.search(r'throughput: (\d+)', w).group(1)
tot = float(re.search(r'process CPU over [\d.]+ ?s: ([\d.]+) s', t).group(1))
jit = sum(float(m.group(1)) for m in re.finditer(r'^\s*([\d.]+) s\s+[\d.]+% C[12] Compiler', t, re.M))
print(f"{tp} events/s; CPU per event {tot*1e6/n:.0f} us, without JIT {((tot-jit)*1e6/n):.0f} us")
PY
cat "$OUT/result.txt"
