#!/usr/bin/env bash
# Ingest benchmark against the packaged jar on the embedded store.
# Usage: bench/ingest.sh [wrk-seconds] [fixed-rate] [fixed-rate-seconds]
# Needs: target/datasaas.jar (./mvnw -q package -DskipTests), wrk (apt-get install wrk), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_WRK=${1:-30}
RATE=${2:-2500}
SECONDS_RATE=${3:-30}
PORT=${PORT:-18181}
DATA=$(mktemp -d)
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true; rm -rf "$DATA"' EXIT

START=$(date +%s.%N)
DATASAAS_DATA_DIR=$DATA PORT=$PORT DATASAAS_REGISTRATION=open DATASAAS_TRUSTED_PROXIES=127.0.0.1/32 \
  java -jar target/datasaas.jar > "$DATA/app.log" 2>&1 &
APP=$!
until curl -sf "localhost:$PORT/actuator/health" >/dev/null; do sleep 0.1; done

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
echo "idle RSS: $(( $(awk '/VmRSS/ {print $2}' /proc/$APP/status) / 1024 )) MB"

echo "== warm-up 10 s"
SITE_ID=$SITE wrk -t2 -c32 -d10s -s bench/ingest.lua "http://127.0.0.1:$PORT" >/dev/null
echo "== closed loop, max throughput, ${SECONDS_WRK} s (wrk -t2 -c64)"
SITE_ID=$SITE wrk -t2 -c64 -d"${SECONDS_WRK}s" -s bench/ingest.lua "http://127.0.0.1:$PORT" | tail -3
echo "RSS under load: $(( $(awk '/VmRSS/ {print $2}' /proc/$APP/status) / 1024 )) MB"
echo "== open loop at ${RATE}/s for ${SECONDS_RATE} s"
java bench/FixedRateLoad.java "http://127.0.0.1:$PORT" "$SITE" "$RATE" "$SECONDS_RATE"
sleep 2
curl -s "localhost:$PORT/actuator/prometheus" | grep -E '^datasaas_(events_accepted_total|ingest_flush_size_(count|sum|max))' || true
