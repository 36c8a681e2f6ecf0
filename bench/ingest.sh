#!/usr/bin/env bash
# Ingest benchmark against the packaged jar on the embedded store, with nginx answering a fixed 202 as the
# machine's HTTP ceiling: both are driven by the same wrk script and flags in the same run, so the ratio is
# comparable across machines even when the absolute figures are not.
# Usage: bench/ingest.sh [wrk-seconds] [fixed-rate] [fixed-rate-seconds]
# Needs: target/datasaas.jar (./mvnw -q package -DskipTests), apt-get install -y wrk nginx-light bc curl.
# JAR picks another build of the jar (to compare before and after), or the launcher (JAR=target/datasaas); JAVA_OPTS is passed to the app's JVM (for example a CDS archive or heap flags, see docs/benchmarks.md).
# MODE=server runs the app in server mode instead: metadata in a private PostgreSQL and events in a private ClickHouse,
# both started here on loopback in the temp dir (like the tests' PostgresServer and ClickHouseServer; needs Debian's
# postgresql and clickhouse-server packages, not their services) and deleted afterwards. MODE=both runs the embedded
# app, then the server-mode app, against the same nginx reference in one run. THREADS=1 adds the app's CPU per event by
# thread over the closed loop; STATEMENTS=1 (server mode) what ClickHouse and PostgreSQL spent there per statement.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_WRK=${1:-30}
RATE=${2:-2500}
SECONDS_RATE=${3:-30}
# REF_SECONDS shortens nginx's closed loop in a long run (bench/ingest.sh 180 ...): its ceiling needs no minutes.
REF_SECONDS=${REF_SECONDS:-$SECONDS_WRK}
JAR=${JAR:-target/datasaas.jar}
MODE=${MODE:-embedded}
WRK_FLAGS=(-t2 -c64)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${PORT:-$(free_port)}
NGINX_PORT=$(free_port)
DATA=$(mktemp -d)
chmod 755 "$DATA" # PostgreSQL runs as its own user and must reach its directory below
APP=
NGINX=
PG=
CH=
cleanup() {
  [ -n "$APP" ] && { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; }
  [ -n "$NGINX" ] && { kill "$NGINX" 2>/dev/null || true; wait "$NGINX" 2>/dev/null || true; }
  [ -n "$PG" ] && { as_postgres "$PG_BIN/pg_ctl" -D "$DATA/pg/data" -m fast -w stop >/dev/null 2>&1 || true; }
  [ -n "$CH" ] && { kill "$CH" 2>/dev/null || true; wait "$CH" 2>/dev/null || true; }
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

# ---- server mode: a private PostgreSQL (metadata) and ClickHouse (events), as the tests start them
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_servers() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PG_PORT=$(free_port)
  mkdir -p "$DATA/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$DATA/pg"
  chmod 700 "$DATA/pg"
  as_postgres "$PG_BIN/initdb" -D "$DATA/pg/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
  # Durable settings (fsync on), unlike the tests: this measures what a deployment would do.
  as_postgres "$PG_BIN/pg_ctl" -D "$DATA/pg/data" -l "$DATA/pg/server.log" -w \
    -o "-p $PG_PORT -k $DATA/pg -c listen_addresses=127.0.0.1 -c max_connections=200${STATEMENTS:+ -c shared_preload_libraries=pg_stat_statements}" start >/dev/null
  PG=1
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc 'CREATE DATABASE datasaas' >/dev/null
  [ -n "${STATEMENTS:-}" ] && as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d datasaas -qc 'CREATE EXTENSION pg_stat_statements' >/dev/null
  CH_HTTP=$(free_port)
  mkdir -p "$DATA/ch/log"
  sed -e "s|<http_port>[0-9]*</http_port>|<http_port>$CH_HTTP</http_port>|" \
    -e "s|<tcp_port>[0-9]*</tcp_port>|<tcp_port>$(free_port)</tcp_port>|" \
    -e "s|<interserver_http_port>[0-9]*</interserver_http_port>|<interserver_http_port>$(free_port)</interserver_http_port>|" \
    -e "s|<path>[^<]*</path>|<path>$DATA/ch/data/</path>|" \
    -e "s|<tmp_path>[^<]*</tmp_path>|<tmp_path>$DATA/ch/tmp/</tmp_path>|" \
    -e "s|<user_files_path>[^<]*</user_files_path>|<user_files_path>$DATA/ch/user_files/</user_files_path>|" \
    -e "s|<format_schema_path>[^<]*</format_schema_path>|<format_schema_path>$DATA/ch/format_schemas/</format_schema_path>|" \
    -e "s|<log>[^<]*</log>|<log>$DATA/ch/log/server.log</log>|" \
    -e "s|<errorlog>[^<]*</errorlog>|<errorlog>$DATA/ch/log/error.log</errorlog>|" \
    -e "s|<listen_host>::1</listen_host>||" \
    -e "s|<users_config>users.xml</users_config>|<users_config>$DATA/ch/users.xml</users_config>|" \
    /etc/clickhouse-server/config.xml > "$DATA/ch/config.xml"
  cp /etc/clickhouse-server/users.xml "$DATA/ch/users.xml"
  (cd "$DATA/ch" && exec clickhouse-server --config-file "$DATA/ch/config.xml" > "$DATA/ch/log/stdout.log" 2>&1) &
  CH=$!
  until curl -sf "127.0.0.1:$CH_HTTP/ping" >/dev/null; do sleep 0.1; done
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT, ClickHouse $(curl -s "127.0.0.1:$CH_HTTP/" --data 'SELECT version()') on port $CH_HTTP"
}

# STATEMENTS=1: what the servers spent per statement over the closed loop (ClickHouse's query_log, PostgreSQL's
# pg_stat_statements, loaded at start for that), per event.
server_statements_reset() {
  curl -s "127.0.0.1:$CH_HTTP/" --data 'SYSTEM FLUSH LOGS' >/dev/null || true
  CH_T0=$(curl -s "127.0.0.1:$CH_HTTP/" --data 'SELECT toUnixTimestamp(now())')
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d datasaas -qAtc 'SELECT pg_stat_statements_reset()' >/dev/null
}
server_statements() {
  local n=$1
  curl -s "127.0.0.1:$CH_HTTP/" --data 'SYSTEM FLUSH LOGS' >/dev/null
  echo "ClickHouse query_log over the closed loop (us of CPU per event: user + system; calls; the rest of its CPU is background merges):"
  curl -s "127.0.0.1:$CH_HTTP/" --data "SELECT round(sum(arraySum(arrayMap((k, v) -> if(k IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds'), v, 0), ProfileEvents.Names, ProfileEvents.Values))) / $n, 2), count(), substring(replaceRegexpAll(query, '[[:space:]]+', ' '), 1, 90) FROM system.query_log WHERE type = 'QueryFinish' AND event_time >= toDateTime($CH_T0) GROUP BY 3 ORDER BY 1 DESC LIMIT 8 FORMAT TSV" | sed 's/^/  /'
  echo "PostgreSQL pg_stat_statements over the closed loop (us of statement time per event; calls; rows):"
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d datasaas -qAtF $'\t' -c "SELECT round((total_exec_time * 1000 / $n)::numeric, 2), calls, rows, substring(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 1, 90) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 8" | sed 's/^/  /'
}

# ---- the app, in one mode; nginx keeps running across modes, so every mode has the same-run reference
run_app() {
local mode=$1 env=() dir=$DATA/app-$1
mkdir -p "$dir"
if [ "$mode" = server ]; then
  env=(DATASAAS_DATABASE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/datasaas" DATASAAS_DATABASE_USER=postgres
    DATASAAS_CLICKHOUSE_URL="http://127.0.0.1:$CH_HTTP/datasaas" DATASAAS_SECRET_KEY="$(head -c 32 /dev/urandom | base64)")
fi
echo "######## app on the $mode store (load average $(cut -d" " -f1-3 /proc/loadavg))"
START=$(date +%s.%N)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags on purpose
case $JAR in
  *.jar) launch=(java ${JAVA_OPTS:-} -jar "$JAR") ;;
  *) launch=(env JAVA_OPTS="${JAVA_OPTS:-}" "$JAR") ;; # the launcher (target/datasaas): it execs the JVM, same pid
esac
env "${env[@]}" DATASAAS_DATA_DIR=$dir PORT=$PORT DATASAAS_REGISTRATION=open DATASAAS_TRUSTED_PROXIES=127.0.0.1/32 \
  "${launch[@]}" > "$dir/app.log" 2>&1 &
APP=$!
until curl -sf "localhost:$PORT/actuator/health" >/dev/null; do sleep 0.05; done
echo "startup to healthy: $(echo "$(date +%s.%N) - $START" | bc) s"
grep -o 'Started DataSaas[A-Za-z]* in [0-9.]* seconds (process running for [0-9.]*)' "$dir/app.log" || true

J=$dir/cookies
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
echo "== closed loop, max throughput, ${REF_SECONDS} s (wrk ${WRK_FLAGS[*]}), nginx return 202"
T0=$(ticks "$NGINX")
REF=$(SITE_ID=$SITE wrk "${WRK_FLAGS[@]}" -d"${REF_SECONDS}s" -s bench/ingest.lua "http://127.0.0.1:$NGINX_PORT" | tail -3)
T1=$(ticks "$NGINX")
echo "$REF"
echo "nginx CPU per request: $(per_event_us "$(echo "$REF" | requests)" "$T1 - $T0") us"
echo "== closed loop, max throughput, ${SECONDS_WRK} s (wrk ${WRK_FLAGS[*]}), app"
T0=$(ticks "$APP")
[ "$mode" = server ] && { C0=$(ticks "$CH"); P0=$(ticks "$(head -1 "$DATA/pg/data/postmaster.pid")"); }
[ "$mode" = server ] && [ -n "${STATEMENTS:-}" ] && server_statements_reset
TC=
[ -n "${THREADS:-}" ] && { python3 bench/thread_cpu.py "$APP" "$SECONDS_WRK" > "$dir/threads.txt" & TC=$!; }
OURS=$(SITE_ID=$SITE wrk "${WRK_FLAGS[@]}" -d"${SECONDS_WRK}s" -s bench/ingest.lua "http://127.0.0.1:$PORT" | tail -3)
T1=$(ticks "$APP")
echo "$OURS"
if [ -n "$TC" ]; then # THREADS=1: the app's CPU per event by thread over the closed loop (bench/thread_cpu.py)
  wait "$TC"
  python3 - "$dir/threads.txt" "$(echo "$OURS" | requests)" <<'PY'
import re, sys
n = int(sys.argv[2])
for line in open(sys.argv[1]):
    m = re.match(r'\s*([\d.]+) s\s+[\d.]+% (.*)', line)
    if m: print(f"  {float(m.group(1)) * 1e6 / n:7.1f} us per event  {m.group(2)}")
    elif line.startswith('process'): print('  ' + line.rstrip())
PY
fi
[ "$mode" = server ] && [ -n "${STATEMENTS:-}" ] && server_statements "$(echo "$OURS" | requests)"
echo "app CPU per event: $(per_event_us "$(echo "$OURS" | requests)" "$T1 - $T0") us (all threads: requests, spool, store writer, JIT, GC)"
if [ "$mode" = server ]; then
  echo "ClickHouse CPU per event: $(per_event_us "$(echo "$OURS" | requests)" "$(ticks "$CH") - $C0") us," \
    "PostgreSQL: $(per_event_us "$(echo "$OURS" | requests)" "$(ticks "$(head -1 "$DATA/pg/data/postmaster.pid")") - $P0") us"
fi
echo "RSS under load: $(rss "$APP") MB"
# Where it is (Java heap, DuckDB's and glibc's native memory, mapped files): bench/rss_by_mapping.py
python3 bench/rss_by_mapping.py "$APP" | sed 's/^/  /' || true
echo "ratio app/nginx: $(echo "scale=3; $(echo "$OURS" | throughput) / $(echo "$REF" | throughput)" | bc)"

echo "== open loop at ${RATE}/s for ${SECONDS_RATE} s, nginx return 202"
java bench/FixedRateLoad.java "http://127.0.0.1:$NGINX_PORT" "$SITE" "$RATE" "$SECONDS_RATE"
echo "== open loop at ${RATE}/s for ${SECONDS_RATE} s, app"
curl -s "localhost:$PORT/actuator/prometheus" > "$dir/open-loop-before.prom"
T0=$(ticks "$APP")
java bench/FixedRateLoad.java "http://127.0.0.1:$PORT" "$SITE" "$RATE" "$SECONDS_RATE"
T1=$(ticks "$APP")
curl -s "localhost:$PORT/actuator/prometheus" > "$dir/open-loop-after.prom"
# The same events at the same rate for every build: the steadiest CPU figure when the machine is shared.
echo "app CPU per event in the open loop: $(per_event_us "$((RATE * SECONDS_RATE))" "$T1 - $T0") us"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Where the open loop's latency went, from the app's own histograms over that window (bench/tail_histograms.py)
python3 bench/tail_histograms.py "$dir/open-loop-before.prom" "$dir/open-loop-after.prom" || true
echo "RSS after open loop: $(rss "$APP") MB"
sleep 2
curl -s "localhost:$PORT/actuator/prometheus" | grep -E '^datasaas_(events_accepted_total|ingest_flush_size_(count|sum|max))' || true
kill "$APP"; wait "$APP" 2>/dev/null || true; APP=
}

if [ "$MODE" = server ] || [ "$MODE" = both ]; then start_servers; fi
if [ "$MODE" != server ]; then run_app embedded; fi
if [ "$MODE" = server ] || [ "$MODE" = both ]; then run_app server; fi
