#!/usr/bin/env bash
# CPU per event, per thread, without the nginx reference: start the jar, sign up, warm up, then wrk for SECS seconds
# while bench/thread_cpu.py takes every thread's CPU time. Usage: bench/ingest-cpu.sh JAR OUTDIR [secs] [warm-up secs]
# JAVA_OPTS is passed to the JVM. JFR=file.jfr records the measured window only (jcmd JFR.start after the warm-up, with
# settings=profile), then: python3 bench/jfr_frames.py file.jfr [thread-name-prefix]. IDLE_AFTER=secs also prints the
# RSS and heap that long after the load (whether the heap is given back after a burst).
set -euo pipefail
JAR=$1; OUT=$2; SECS=${3:-15}; WARM=${4:-20}
cd "$(dirname "$0")/.."
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port); DATA=$(mktemp -d); mkdir -p "$OUT"
START=$(date +%s.%N)
DATASAAS_DATA_DIR=$DATA PORT=$PORT DATASAAS_REGISTRATION=open DATASAAS_TRUSTED_PROXIES=127.0.0.1/32 \
  java ${JAVA_OPTS:-} -jar "$JAR" > "$OUT/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; wait $APP 2>/dev/null; rm -rf $DATA' EXIT
until curl -sf "localhost:$PORT/actuator/health" >/dev/null; do sleep 0.1; done
echo "healthy after $(echo "$(date +%s.%N) - $START" | bc) s, CPU $(awk '{print ($14+$15)/100}' /proc/$APP/stat) s, RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$APP/status) MB" > $OUT/result.txt
J=$DATA/cookies
curl -s -c "$J" -b "$J" "localhost:$PORT/api/me" >/dev/null
X=$(awk '/XSRF-TOKEN/ {print $7}' "$J")
curl -s -c "$J" -b "$J" -H "X-XSRF-TOKEN: $X" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"violet kettle orbit 42"}' "localhost:$PORT/api/auth/signup" >/dev/null
SITE=$(curl -s -c "$J" -b "$J" -H "X-XSRF-TOKEN: $X" -H 'Content-Type: application/json' \
  -d '{"domain":"example.com"}' "localhost:$PORT/api/websites" | sed 's/.*"id":"\([^"]*\)".*/\1/')
SITE_ID=$SITE wrk -t2 -c64 -d${WARM}s -s bench/ingest.lua "http://127.0.0.1:$PORT" >/dev/null
[ -n "${JFR:-}" ] && jcmd $APP JFR.start name=bench settings=profile filename="$(realpath -m "$JFR")" duration=${SECS}s >/dev/null
python3 bench/thread_cpu.py $APP $SECS > $OUT/threads.txt &
TC=$!
SITE_ID=$SITE wrk -t2 -c64 -d${SECS}s -s bench/ingest.lua "http://127.0.0.1:$PORT" > $OUT/wrk.txt
wait $TC
[ -n "${JFR:-}" ] && { sleep 1; jcmd $APP JFR.stop name=bench >/dev/null 2>&1 || true; }
echo "RSS after load $(awk '/VmRSS/ {print int($2/1024)}' /proc/$APP/status) MB" >> $OUT/result.txt
if [ "${IDLE_AFTER:-0}" -gt 0 ]; then # is the heap given back after the burst? (HeapRelease's periodic collection)
  sleep "$IDLE_AFTER"
  echo "RSS $IDLE_AFTER s after load $(awk '/VmRSS/ {print int($2/1024)}' /proc/$APP/status) MB, heap: $(jcmd $APP GC.heap_info | sed -n 2p | sed 's/ \[.*//; s/^ *//')" >> $OUT/result.txt
fi
python3 - "$OUT" >> $OUT/result.txt <<'PY'
import sys, re
out = sys.argv[1]
w = open(out + "/wrk.txt").read(); t = open(out + "/threads.txt").read()
n = int(re.search(r'requests: (\d+)', w).group(1)); tp = re.search(r'throughput: (\d+)', w).group(1)
lat = re.search(r'latency p50 .*', w).group(0)
tot = float(re.search(r'process CPU over [\d.]+ ?s: ([\d.]+) s', t).group(1))
jit = sum(float(m.group(1)) for m in re.finditer(r'^\s*([\d.]+) s\s+[\d.]+% C[12] Compiler', t, re.M))
print(f"{tp} events/s ({lat}); CPU per event {tot*1e6/n:.0f} us, without JIT {((tot-jit)*1e6/n):.0f} us")
PY
cat $OUT/result.txt
