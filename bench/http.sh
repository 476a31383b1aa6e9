#!/usr/bin/env bash
# http.sh — ombud's HTTP API beside nginx serving a 200-byte static file, in
# one run on this machine: wrk -t2 -c64 for DURATION per target after a 2 s
# warm-up. Targets: GET /healthz (a store read of the schema version),
# GET /v1/orgs/HB/departments (a store page read + JSON), both with the
# access log on (to /dev/null). Prints one table.
# usage: bench/http.sh BUILD_DIR      (needs nginx-light, wrk; make deps)
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-10s}
OMBUD=$BUILD/ombud
SCRATCH=$(mktemp -d)
chmod 755 "$SCRATCH"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$SCRATCH"; }
trap cleanup EXIT

# wrk prints "Requests/sec: N" and latency percentiles with --latency
run_wrk() {
  wrk -t2 -c64 -d2s "$1" >/dev/null
  wrk -t2 -c64 -d"$DURATION" --latency "$1" | awk -v name="$2" '
    /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2}
    END {printf "| %-34s | %10.0f | %8s | %8s |\n", name, rps, p50, p99}'
}

# nginx: a 200-byte file, one worker, no access log (the reference's setting)
mkdir -p "$SCRATCH/www" "$SCRATCH/tmp"
head -c 200 /dev/zero | tr '\0' 'x' > "$SCRATCH/www/f200.txt"
chmod -R a+rX "$SCRATCH/www"
cat > "$SCRATCH/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $SCRATCH/nginx.pid; error_log $SCRATCH/error.log warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; keepalive_requests 1000000;
  client_body_temp_path $SCRATCH/tmp; proxy_temp_path $SCRATCH/tmp; fastcgi_temp_path $SCRATCH/tmp;
  uwsgi_temp_path $SCRATCH/tmp; scgi_temp_path $SCRATCH/tmp;
  server { listen 127.0.0.1:18081; root $SCRATCH/www; } }
CONF
nginx -p "$SCRATCH/" -c "$SCRATCH/nginx.conf" & PIDS+=($!)

"$OMBUD" demo --db "$SCRATCH/ombud.db" --log-level warn >/dev/null
"$OMBUD" serve --db "$SCRATCH/ombud.db" --port 0 --port-file "$SCRATCH/port" 2>/dev/null & PIDS+=($!)
for _ in $(seq 100); do [ -s "$SCRATCH/port" ] && curl -sf "http://127.0.0.1:$(cat "$SCRATCH/port")/healthz" >/dev/null && break; sleep 0.1; done
PORT=$(cat "$SCRATCH/port")
for _ in $(seq 50); do curl -sf http://127.0.0.1:18081/f200.txt >/dev/null && break; sleep 0.1; done

echo "# $(nproc) cores; $(nginx -v 2>&1); wrk -t2 -c64 -d$DURATION; ombud access log on"
echo "| target                             |      req/s |      p50 |      p99 |"
echo "|------------------------------------|------------|----------|----------|"
run_wrk "http://127.0.0.1:18081/f200.txt" "nginx static 200 B (reference)"
run_wrk "http://127.0.0.1:$PORT/healthz" "ombud GET /healthz"
run_wrk "http://127.0.0.1:$PORT/v1/orgs/HB/departments" "ombud GET /v1/orgs/HB/departments"
