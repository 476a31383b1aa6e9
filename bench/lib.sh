# lib.sh — what the HTTP benchmarks share: a scratch folder cleaned on exit,
# nginx serving a 200-byte file as the reference, and one wrk table row.
# Sourced by bash scripts of bench/.

SCRATCH=$(mktemp -d)
chmod 755 "$SCRATCH"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$SCRATCH"; }
trap cleanup EXIT

# start_nginx PORT: one worker, no access log, like the machine's reference run.
start_nginx() {
  mkdir -p "$SCRATCH/www" "$SCRATCH/tmp"
  head -c 200 /dev/zero | tr '\0' 'x' > "$SCRATCH/www/f200.txt"
  chmod -R a+rX "$SCRATCH/www"
  cat > "$SCRATCH/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $SCRATCH/nginx.pid; error_log $SCRATCH/error.log warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; keepalive_requests 1000000;
  client_body_temp_path $SCRATCH/tmp; proxy_temp_path $SCRATCH/tmp; fastcgi_temp_path $SCRATCH/tmp;
  uwsgi_temp_path $SCRATCH/tmp; scgi_temp_path $SCRATCH/tmp;
  server { listen 127.0.0.1:$1; root $SCRATCH/www; } }
CONF
  nginx -p "$SCRATCH/" -c "$SCRATCH/nginx.conf" & PIDS+=($!)
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$1/f200.txt" >/dev/null && return; sleep 0.1; done
}

# start_ombud DB [ARGS...]: serve DB on a free port (PORT), access log to a file.
start_ombud() {
  local db=$1
  shift
  "$BUILD/ombud" serve --db "$db" --port 0 --port-file "$SCRATCH/port" "$@" 2>>"$SCRATCH/access.log" & PIDS+=($!)
  for _ in $(seq 300); do
    [ -s "$SCRATCH/port" ] && curl -sf "http://127.0.0.1:$(cat "$SCRATCH/port")/healthz" >/dev/null && break
    sleep 0.1
  done
  PORT=$(cat "$SCRATCH/port")
}

# stop_ombud: stop the server start_ombud started last.
stop_ombud() {
  kill "${PIDS[-1]}" && wait "${PIDS[-1]}" || true
  unset 'PIDS[-1]'
  rm -f "$SCRATCH/port"
}

table_head() {
  echo "| target                                   |      req/s |      p50 |      p99 | non-2xx |"
  echo "|------------------------------------------|------------|----------|----------|---------|"
}

# run_wrk URL NAME [LUA_SCRIPT]: a 2 s warm-up, then one measured row.
run_wrk() {
  local script=()
  [ -n "${3:-}" ] && script=(-s "$3")
  wrk -t2 -c32 -d2s "${script[@]}" "$1" >/dev/null
  wrk -t2 -c32 -d"$DURATION" --latency "${script[@]}" "$1" | awk -v name="$2" '
    /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF}
    END {printf "| %-40s | %10.0f | %8s | %8s | %7s |\n", name, rps, p50, p99, bad ? bad : 0}'
}
