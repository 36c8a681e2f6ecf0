#!/usr/bin/env bash
# Start-up of a jar, N times: wall and CPU seconds (utime + stime) to healthy, RSS, and the CPU of each thread alive at
# that moment (JIT compilers, main, ...). Fresh data dir each time; the app is stopped after each start.
# Usage: bench/startup.sh JAR [starts]   (compare two builds by alternating: bench/startup.sh A 1; bench/startup.sh B 1; ...)
# JAR may also be the launcher (target/datasaas: the JVM options and class data sharing archive the service runs with).
# IDLE=60 also prints the RSS 60 s after healthy.
# JAVA_OPTS is passed to the JVM; with -XX:StartFlightRecording=settings=profile and DUMP=file.jfr the recording of the
# (last) start is dumped at healthy: python3 bench/jfr_frames.py file.jfr main
set -euo pipefail
JAR=$1; N=${2:-1}
cd "$(dirname "$0")/.."
for _ in $(seq "$N"); do
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  DATA=$(mktemp -d)
  START=$(date +%s.%N)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags on purpose
  case $JAR in
    *.jar) DATASAAS_DATA_DIR=$DATA PORT=$PORT java ${JAVA_OPTS:-} -jar "$JAR" > "$DATA/app.log" 2>&1 & ;;
    *) DATASAAS_DATA_DIR=$DATA PORT=$PORT JAVA_OPTS=${JAVA_OPTS:-} "$JAR" > "$DATA/app.log" 2>&1 & ;;
  esac
  APP=$!
  until curl -sf "localhost:$PORT/actuator/health" >/dev/null; do
    kill -0 $APP 2>/dev/null || { tail -20 "$DATA/app.log"; exit 1; }
    sleep 0.05
  done
  WALL=$(echo "$(date +%s.%N) - $START" | bc)
  echo "$JAR: healthy after $WALL s wall, $(awk '{print ($14+$15)/100}' /proc/$APP/stat) CPU-s," \
    "RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$APP/status) MB, load average $(cut -d' ' -f1 /proc/loadavg)"
  python3 - $APP <<'PY'
import collections, os, re, sys
pid = sys.argv[1]; hz = os.sysconf('SC_CLK_TCK'); agg = collections.Counter()
for t in os.listdir(f"/proc/{pid}/task"):
    s = open(f"/proc/{pid}/task/{t}/stat").read()
    f = s[s.rindex(')') + 2:].split()
    agg[re.sub(r'\d+$', 'N', s[s.index('(') + 1:s.rindex(')')])] += int(f[11]) + int(f[12])
print("  threads alive at healthy: " + ", ".join(f"{k} {v / hz:.1f} s" for k, v in agg.most_common(6)))
PY
  [ -n "${DUMP:-}" ] && jcmd $APP JFR.dump filename="$(realpath -m "$DUMP")" >/dev/null
  if [ -n "${IDLE:-}" ]; then
    sleep "$IDLE"
    echo "  RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$APP/status) MB after $IDLE s idle, load average $(cut -d' ' -f1 /proc/loadavg)"
  fi
  kill $APP; wait $APP 2>/dev/null || true
  rm -rf "$DATA"
done
