#!/usr/bin/env bash
# http.sh — ombud's plain HTTP routes beside nginx serving a 200-byte file, in
# one run: GET /healthz (a store read of the schema version) and
# GET /v1/orgs/HB/departments (a store page read + JSON), access log on.
# usage: bench/http.sh BUILD_DIR      (needs nginx-light, wrk; make deps)
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-10s}
source "$(dirname "$0")/lib.sh"

start_nginx 18081
"$BUILD/ombud" demo --db "$SCRATCH/ombud.db" --log-level warn >/dev/null
start_ombud "$SCRATCH/ombud.db"

echo "# $(nproc) cores; $(nginx -v 2>&1); wrk -t2 -c32 -d$DURATION; ombud access log on"
table_head
run_wrk "http://127.0.0.1:18081/f200.txt" "nginx static 200 B (reference)"
run_wrk "http://127.0.0.1:$PORT/healthz" "ombud GET /healthz"
run_wrk "http://127.0.0.1:$PORT/v1/orgs/HB/departments" "ombud GET /v1/orgs/HB/departments"
