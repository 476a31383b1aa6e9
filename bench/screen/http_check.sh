#!/usr/bin/env bash
# http_check.sh — POST /v1/screen/check through HTTP, callers drawn from 1M
# numbers, access log on, beside a libmicrohttpd handler that answers a
# constant (bench/screen/mhd_const.c) and nginx serving a 200-byte file, in
# one run. First the maximum with wrk (-t2 -c32), with the server's CPU time
# per request (/proc utime+stime over the run); then latency at a fixed rate
# of half ombud's maximum, for ombud and the constant handler alike, from
# bench/screen/openloop.c: requests go out on a clock whatever the answers
# do, each a new call, and latency counts from when a request was due.
# Like the machine's reference scripts, every row is run REPS times and the
# table gives each run and then the median; fixed-rate runs of the two
# servers alternate, so that a noisy spell of the shared host falls on both.
# Each fixed-rate run says how much CPU time the host stole from this
# virtual machine meanwhile, beside the CPU pressure printed at the end.
# usage: bench/screen/http_check.sh BUILD_DIR     (DURATION=10s REPS=3)
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-10s}
REPS=${REPS:-3}
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

# max_run URL PID [LUA_SCRIPT]: one wrk run; prints "req/s p50_ms p99_ms
# non2xx cpu_us_per_req".
max_run() {
  local script=() t0 t1
  [ -n "${3:-}" ] && script=(-s "$3")
  t0=$(cpu_ticks "$2")
  wrk -t2 -c32 -d"$DURATION" --latency "${script[@]}" "$1" > "$SCRATCH/wrk.out"
  t1=$(cpu_ticks "$2")
  awk -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v * 1000 }
    /requests in/ {n=$1} /Requests\/sec/ {rps=$2} / 50%/ {p50=ms($2)} / 99%/ {p99=ms($2)} /Non-2xx/ {bad=$NF}
    END {printf "%.0f %.3f %.3f %d %.1f\n", rps, p50, p99, bad, ticks * 1e6 / hz / n}' "$SCRATCH/wrk.out"
}

# fixed_run PORT PID RATE: openloop at RATE for DURATION on 64 connections;
# prints "aimed achieved p50_ms p99_ms p999_ms max_ms errors cpu_us_per_req steal_ms".
fixed_run() {
  local t0 t1 s0 s1
  t0=$(cpu_ticks "$2")
  s0=$(steal)
  "$BUILD/bench/openloop" 127.0.0.1 "$1" /v1/screen/check "Bearer $key" "$3" "${DURATION%s}" 64 > "$SCRATCH/ol.out"
  t1=$(cpu_ticks "$2")
  s1=$(steal)
  awk -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v secs="${DURATION%s}" -v stolen=$((s1 - s0)) '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {printf "%d %d %.3f %.3f %.3f %.3f %d %.1f %d\n", v["aimed"], v["achieved"], v["p50_us"] / 1000,
      v["p99_us"] / 1000, v["p999_us"] / 1000, v["max_us"] / 1000, v["non2xx"] + v["errors"],
      ticks * 1e6 / hz / (v["achieved"] * secs), stolen * 1000 / hz}' "$SCRATCH/ol.out"
}

# median FILE: the median of each column of FILE's lines of numbers.
median() {
  local i out=()
  for i in $(seq "$(head -1 "$1" | wc -w)"); do
    out+=("$(cut -d' ' -f"$i" "$1" | sort -g |
      awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')")
  done
  echo "${out[*]}"
}

max_fmt='| %-41s | %-6s | %8.0f | %6.2fms | %6.2fms | %7d | %9.1f |\n'
fixed_fmt='| %-41s | %-6s | %6d | %8d | %6.2fms | %6.2fms | %6.2fms | %6.2fms | %6d | %9.1f | %8d |\n'

# max_rows URL NAME PID [LUA_SCRIPT]: a 2 s warm-up, REPS runs and their
# median; the median's numbers are left in $SCRATCH/NAME.median.
max_rows() {
  local r file="$SCRATCH/max.$3"
  wrk -t2 -c32 -d2s ${4:+-s "$4"} "$1" >/dev/null
  for r in $(seq "$REPS"); do
    max_run "$1" "$3" "${4:-}" | tee -a "$file" | { read -ra v; printf "$max_fmt" "$2" "$r" "${v[@]}"; }
  done
  read -ra v <<< "$(median "$file")"
  printf "$max_fmt" "$2" median "${v[@]}"
  echo "${v[0]}" > "$SCRATCH/max.$3.rps"
}

echo "# $(nproc) cores shared with the load generators; callers from 1M numbers; ombud access log on"
echo "# maximum: wrk -t2 -c32 -d$DURATION, $REPS runs each; CPU = the server's user+system time per request"
echo "| target                                    | run    |    req/s |      p50 |      p99 | non-2xx | CPU µs/req |"
echo "|-------------------------------------------|--------|----------|----------|----------|---------|-----------|"
max_rows "http://127.0.0.1:18084/f200.txt" "nginx static 200 B (reference)" "$NGINX_PID"
max_rows "http://127.0.0.1:18085/" "libmicrohttpd constant answer (reference)" "$MHD_PID" "$SCRATCH/check.lua"
max_rows "$B/v1/screen/check" "ombud POST /v1/screen/check" "$OMBUD_PID" "$SCRATCH/check.lua"

rate=$(( $(cat "$SCRATCH/max.$OMBUD_PID.rps") / 2 ))
echo
echo "# fixed rate: $rate/s (half ombud's median maximum) for $DURATION, first second not counted,"
echo "# 64 connections, open loop (bench/screen/openloop.c): latency from when each request was due;"
echo "# $REPS runs each, the two servers in turn; steal: CPU time the host took from this virtual machine"
echo "| target                                    | run    |  aimed | achieved |    p50   |    p99   |  p99.9   |    max   | errors | CPU µs/req | steal ms |"
echo "|-------------------------------------------|--------|--------|----------|----------|----------|----------|----------|--------|-----------|----------|"
for r in $(seq "$REPS"); do
  fixed_run 18085 "$MHD_PID" "$rate" | tee -a "$SCRATCH/fixed.mhd" |
    { read -ra v; printf "$fixed_fmt" "libmicrohttpd constant answer (reference)" "$r" "${v[@]}"; }
  fixed_run "$PORT" "$OMBUD_PID" "$rate" | tee -a "$SCRATCH/fixed.ombud" |
    { read -ra v; printf "$fixed_fmt" "ombud POST /v1/screen/check" "$r" "${v[@]}"; }
done
read -ra v <<< "$(median "$SCRATCH/fixed.mhd")"
printf "$fixed_fmt" "libmicrohttpd constant answer (reference)" median "${v[@]}"
read -ra v <<< "$(median "$SCRATCH/fixed.ombud")"
printf "$fixed_fmt" "ombud POST /v1/screen/check" median "${v[@]}"
echo "# access log: $(grep -c 'route=/v1/screen/check' "$SCRATCH/access.log") check lines"
# Runnable tasks waiting for a core (other work on the machine) stretch the
# fixed-rate tail more than anything the servers do: say how much there was.
[ -r /proc/pressure/cpu ] && echo "# CPU pressure at the end (share of time some task waited for a core): $(awk '/some/ {print $2, $3}' /proc/pressure/cpu)"
