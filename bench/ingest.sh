#!/usr/bin/env bash
# Ingest benchmark against the packaged jar on the embedded store, with nginx answering a fixed 202 as the
# machine's HTTP ceiling: both are driven by the same wrk script and flags in the same run, so the ratio is
# comparable across machines even when the absolute figures are not.
# Usage: bench/ingest.sh [wrk-seconds] [fixed-rate] [fixed-rate-seconds]
# Needs: target/datasaas.jar (./mvnw -q package -DskipTests), apt-get install -y wrk nginx-light bc curl.
# JAR picks another build of the jar (to compare before and after); JAVA_OPTS is passed to the app's JVM (for example a CDS archive or heap flags, see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_WRK=${1:-30}
RATE=${2:-2500}
SECONDS_RATE=${3:-30}
JAR=${JAR:-target/datasaas.jar}
WRK_FLAGS=(-t2 -c64)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${PORT:-$(free_port)}
NGINX_PORT=$(free_port)
DATA=$(mktemp -d)
APP=
NGINX=
cleanup() {
  [ -n "$APP" ] && { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; }
  [ -n "$NGINX" ] && { kill "$NGINX" 2>/dev/null || true; wait "$NGINX" 2>/dev/null || true; }
  rm -rf "$DATA"
}
trap cleanup EXIT
rss() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }
# CPU time (user + system, clock ticks) of a process and its children (nginx's workers), for CPU per event: a figure
# that moves far less than throughput when other work shares the cores.
ticks() { local t=0 p; for p in $1 $(pgrep -P "$1" || true); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
per_event_us() { echo "scale=1; ($2) * 1000000 / $(getconf CLK_TCK) / $1" | bc; }
requests() { awk '/^requests:/ {print $2}' | tr -d ,; }
# The last line wrk prints through bench/ingest.lua's done(): "throughput: N events/s"
throughput() { awk '/^throughput:/ {print $2}'; }

# ---- the reference: nginx answering 202 to POST /api/events, nothing else
mkdir -p "$DATA/nginx"
cat > "$DATA/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $DATA/nginx/nginx.pid;
error_log $DATA/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $DATA/nginx/body;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /api/events { return 202; }
  }
}
CONF
nginx -p "$DATA/nginx" -e "$DATA/nginx/error.log" -c "$DATA/nginx/nginx.conf" &
NGINX=$!

# ---- the app
START=$(date +%s.%N)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags on purpose
DATASAAS_DATA_DIR=$DATA PORT=$PORT DATASAAS_REGISTRATION=open DATASAAS_TRUSTED_PROXIES=127.0.0.1/32 \
  java ${JAVA_OPTS:-} -jar "$JAR" > "$DATA/app.log" 2>&1 &
APP=$!
until curl -sf "localhost:$PORT/actuator/health" >/dev/null; do sleep 0.05; done
echo "startup to healthy: $(echo "$(date +%s.%N) - $START" | bc) s"
grep -o 'Started DataSaasApplication in [0-9.]* seconds (process running for [0-9.]*)' "$DATA/app.log" || true

J=$DATA/cookies
curl -s -c "$J" -b "$J" "localhost:$PORT/api/me" >/dev/null
X=$(awk '/XSRF-TOKEN/ {print $7}' "$J")
curl -s -c "$J" -b "$J" -H "X-XSRF-TOKEN: $X" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"violet kettle orbit 42"}' "localhost:$PORT/api/auth/signup" >/dev/null
SITE=$(curl -s -c "$J" -b "$J" -H "X-XSRF-TOKEN: $X" -H 'Content-Type: application/json' \
  -d '{"domain":"example.com"}' "localhost:$PORT/api/websites" | sed 's/.*"id":"\([^"]*\)".*/\1/')
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' -H 'User-Agent: Mozilla/5.0 Firefox/133.0' \
  -d "{\"website_id\":\"$SITE\",\"visitor_id\":\"w\",\"session_id\":\"w\",\"url\":\"https://example.com/\"}" \
  "localhost:$PORT/api/events")" = 202 ]; do sleep 0.05; done
echo "startup to first 202 (incl. sign-up): $(echo "$(date +%s.%N) - $START" | bc) s"
sleep 2
echo "idle RSS: $(rss "$APP") MB"

echo "== warm-up 10 s (app)"
SITE_ID=$SITE wrk "${WRK_FLAGS[@]}" -d10s -s bench/ingest.lua "http://127.0.0.1:$PORT" >/dev/null
echo "== closed loop, max throughput, ${SECONDS_WRK} s (wrk ${WRK_FLAGS[*]}), nginx return 202"
T0=$(ticks "$NGINX")
REF=$(SITE_ID=$SITE wrk "${WRK_FLAGS[@]}" -d"${SECONDS_WRK}s" -s bench/ingest.lua "http://127.0.0.1:$NGINX_PORT" | tail -3)
T1=$(ticks "$NGINX")
echo "$REF"
echo "nginx CPU per request: $(per_event_us "$(echo "$REF" | requests)" "$T1 - $T0") us"
echo "== closed loop, max throughput, ${SECONDS_WRK} s (wrk ${WRK_FLAGS[*]}), app"
T0=$(ticks "$APP")
OURS=$(SITE_ID=$SITE wrk "${WRK_FLAGS[@]}" -d"${SECONDS_WRK}s" -s bench/ingest.lua "http://127.0.0.1:$PORT" | tail -3)
T1=$(ticks "$APP")
echo "$OURS"
echo "app CPU per event: $(per_event_us "$(echo "$OURS" | requests)" "$T1 - $T0") us (all threads: requests, spool, store writer, JIT, GC)"
echo "RSS under load: $(rss "$APP") MB"
echo "ratio app/nginx: $(echo "scale=3; $(echo "$OURS" | throughput) / $(echo "$REF" | throughput)" | bc)"

echo "== open loop at ${RATE}/s for ${SECONDS_RATE} s, nginx return 202"
java bench/FixedRateLoad.java "http://127.0.0.1:$NGINX_PORT" "$SITE" "$RATE" "$SECONDS_RATE"
echo "== open loop at ${RATE}/s for ${SECONDS_RATE} s, app"
java bench/FixedRateLoad.java "http://127.0.0.1:$PORT" "$SITE" "$RATE" "$SECONDS_RATE"
echo "RSS after open loop: $(rss "$APP") MB"
sleep 2
curl -s "localhost:$PORT/actuator/prometheus" | grep -E '^datasaas_(events_accepted_total|ingest_flush_size_(count|sum|max))' || true
