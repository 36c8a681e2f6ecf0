#!/usr/bin/env bash
# The dashboard's first load over HTTP and in Chromium on a data dir filled by sample-data (DashboardBenchmark):
# p50/p95 per widget request, for the whole set one after another and together, and for the page in the browser,
# with the app's RSS and a same-run HTTP floor. See docs/benchmarks-stats.md.
# Usage: bench/dashboard.sh <data-dir> [runs] [site-id]
# The app writes into the data dir (metadata, rollups): pass a copy when the original must stay as it is.
# Needs: target/datasaas.jar (./mvnw -q -B package -DskipTests), Debian's chromium and Node.js (as the browser ITs).
# JAR picks another build of the jar; APP_JVM is passed to the app's JVM (e.g. "-Xmx1g").
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?usage: bench/dashboard.sh <data-dir> [runs] [site-id]}
RUNS=${2:-10}
SITE=${3:-mrf_benchmark}
# surefire:test directly: the test phase would also run the web/ unit tests.
exec ./mvnw -q -B -Dskip.npm=true test-compile surefire:test -Dtest=DashboardBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.data="$(realpath "$DATA")" -Dbench.runs="$RUNS" \
  -Dbench.site="$SITE" -Dbench.jar="$(realpath "${JAR:-target/datasaas.jar}")" -Dbench.jvm="${APP_JVM:-}"
