#!/usr/bin/env bash
# http_check.sh — POST /v1/screen/check through HTTP, callers drawn from 1M
# numbers, access log on, beside a libmicrohttpd handler that answers a
# constant (bench/screen/mhd_const.c) and nginx serving a 200-byte file, in
# one run. First the maximum with wrk (-t2 -c32), with the server's CPU time
# per request (/proc utime+stime over the run); then latency at a fixed rate
# of half ombud's maximum, for ombud and the constant handler alike, from
# bench/screen/openloop.c: requests go out on a clock whatever the answers
# do, each a new call, and latency counts from when a request was due.
# Each fixed-rate row says how much CPU time the host stole from this
# virtual machine meanwhile, beside the CPU pressure printed at the end.
# usage: bench/screen/http_check.sh BUILD_DIR     (DURATION=10s)
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-10s}
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib.sh"

# steal: CPU time the host gave to others while this guest had work (/proc/stat)
steal() { awk '/^cpu / {print $9}' /proc/stat; }
start_nginx 18084
NGINX_PID=${PIDS[-1]}
"$BUILD/bench/mhd_const" 18085 2>/dev/null & PIDS+=($!)
MHD_PID=$!
printf 'bench-admin-password\n' | "$BUILD/ombud" user add --db "$SCRATCH/ombud.db" --org DT --org-kind carrier \
  --login dt.admin --role admin --password-stdin >/dev/null
start_ombud "$SCRATCH/ombud.db" --set screen.max_callers=4000000
OMBUD_PID=${PIDS[-1]}
B=http://127.0.0.1:$PORT
token=$(curl -sf "$B/v1/auth/login" -d '{"org":"DT","login":"dt.admin","password":"bench-admin-password"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
key=$(curl -sf "$B/v1/orgs/DT/api-keys" -H "Authorization: Bearer $token" \
  -d '{"name":"bench","scopes":"screen.check"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

# Each request a new call: a caller of 1M numbers, a callee, a unique call_id.
cat > "$SCRATCH/check.lua" <<LUA
local n = 0
local thread_id = 0
setup = function(t) thread_id = thread_id + 1; t:set("tid", thread_id) end
init = function() math.randomseed(tonumber(tid) * 7919 + os.time()) end
request = function()
  n = n + 1
  local body = string.format('{"call_id":"b%s-%d","caller":"010%08d","callee":"010%08d","origin":"domestic","trunk":"GW1"}',
    tid, n, math.random(0, 999999), math.random(0, 99999999))
  return wrk.format("POST", "/v1/screen/check", {["Authorization"] = "Bearer $key",
    ["Content-Type"] = "application/json"}, body)
end
LUA

# cpu_ticks PID: user+system clock ticks of the process and its children
# (nginx answers from its worker process).
cpu_ticks() {
  local t=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}

# max_row URL NAME PID [LUA_SCRIPT]: a 2 s warm-up, then one measured row.
max_row() {
  local script=() t0 t1
  [ -n "${4:-}" ] && script=(-s "$4")
  wrk -t2 -c32 -d2s "${script[@]}" "$1" >/dev/null
  t0=$(cpu_ticks "$3")
  wrk -t2 -c32 -d"$DURATION" --latency "${script[@]}" "$1" > "$SCRATCH/wrk.out"
  t1=$(cpu_ticks "$3")
  awk -v name="$2" -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n=$1} /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF}
    END {printf "| %-41s | %8.0f | %8s | %8s | %7s | %9.1f |\n", name, rps, p50, p99, bad ? bad : 0,
      ticks * 1e6 / hz / n}' "$SCRATCH/wrk.out"
}

# fixed_row PORT NAME PID RATE: openloop at RATE for DURATION on 64 connections.
fixed_row() {
  local t0 t1 s0 s1
  t0=$(cpu_ticks "$3")
  s0=$(steal)
  "$BUILD/bench/openloop" 127.0.0.1 "$1" /v1/screen/check "Bearer $key" "$4" "${DURATION%s}" 64 > "$SCRATCH/ol.out"
  t1=$(cpu_ticks "$3")
  s1=$(steal)
  awk -v name="$2" -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v secs="${DURATION%s}" -v stolen=$((s1 - s0)) '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {printf "| %-41s | %6d | %8d | %6.2fms | %6.2fms | %6.2fms | %6.2fms | %6d | %9.1f | %8d |\n", name, v["aimed"],
      v["achieved"], v["p50_us"] / 1000, v["p99_us"] / 1000, v["p999_us"] / 1000, v["max_us"] / 1000,
      v["non2xx"] + v["errors"], ticks * 1e6 / hz / (v["achieved"] * secs), stolen * 1000 / hz}' "$SCRATCH/ol.out"
}

echo "# $(nproc) cores shared with the load generators; callers from 1M numbers; ombud access log on"
echo "# maximum: wrk -t2 -c32 -d$DURATION; CPU = the server's user+system time per request"
echo "| target                                    |    req/s |      p50 |      p99 | non-2xx | CPU µs/req |"
echo "|-------------------------------------------|----------|----------|----------|---------|-----------|"
max_row "http://127.0.0.1:18084/f200.txt" "nginx static 200 B (reference)" "$NGINX_PID"
max_row "http://127.0.0.1:18085/" "libmicrohttpd constant answer (reference)" "$MHD_PID" "$SCRATCH/check.lua"
row=$(max_row "$B/v1/screen/check" "ombud POST /v1/screen/check" "$OMBUD_PID" "$SCRATCH/check.lua")
echo "$row"

max=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
rate=$((max / 2))
echo
echo "# fixed rate: $rate/s (half ombud's maximum) for $DURATION, first second not counted, 64 connections,"
echo "# open loop (bench/screen/openloop.c): latency from when each request was due"
echo "# steal: CPU time the host took from this virtual machine during the row"
echo "| target                                    |  aimed | achieved |    p50   |    p99   |  p99.9   |    max   | errors | CPU µs/req | steal ms |"
echo "|-------------------------------------------|--------|----------|----------|----------|----------|----------|--------|-----------|----------|"
fixed_row 18085 "libmicrohttpd constant answer (reference)" "$MHD_PID" "$rate"
fixed_row "$PORT" "ombud POST /v1/screen/check" "$OMBUD_PID" "$rate"
echo "# access log: $(grep -c 'route=/v1/screen/check' "$SCRATCH/access.log") check lines"
# Runnable tasks waiting for a core (other work on the machine) stretch the
# fixed-rate tail more than anything the servers do: say how much there was.
[ -r /proc/pressure/cpu ] && echo "# CPU pressure at the end (share of time some task waited for a core): $(awk '/some/ {print $2, $3}' /proc/pressure/cpu)"
