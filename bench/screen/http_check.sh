#!/usr/bin/env bash
# http_check.sh — POST /v1/screen/check through HTTP, callers drawn from 1M
# numbers, access log on, beside a libmicrohttpd handler that answers a
# constant (bench/screen/mhd_const.c) and nginx serving a 200-byte file, in
# one run. First the maximum with wrk (-t2 -c32); then the latency paced at
# half of ombud's maximum with wrk's Lua delay(). wrk waits that delay after
# each answer, not on a clock, so the rate it reaches falls short of the aim
# as answers slow: the row prints the rate reached beside the one aimed at
# (h2load --rps would keep a schedule, but posts one body for every request,
# and one call_id would only measure the retransmit path).
# usage: bench/screen/http_check.sh BUILD_DIR     (DURATION=10s)
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-10s}
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib.sh"

start_nginx 18084
"$BUILD/bench/mhd_const" 18085 2>/dev/null & PIDS+=($!)
printf 'bench-admin-password\n' | "$BUILD/ombud" user add --db "$SCRATCH/ombud.db" --org DT --org-kind carrier \
  --login dt.admin --role admin --password-stdin >/dev/null
start_ombud "$SCRATCH/ombud.db" --set screen.max_callers=4000000
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

echo "# $(nproc) cores; callers from 1M numbers; wrk -t2 -c32 -d$DURATION; ombud access log on"
table_head
run_wrk "http://127.0.0.1:18084/f200.txt" "nginx static 200 B (reference)"
run_wrk "http://127.0.0.1:18085/" "libmicrohttpd constant answer (reference)" "$SCRATCH/check.lua"
row=$(run_wrk "$B/v1/screen/check" "ombud POST /v1/screen/check" "$SCRATCH/check.lua")
echo "$row"

# Paced at half the maximum: 64 connections, each pausing 64/RATE seconds
# after an answer (delay() takes whole milliseconds; the remainder is carried).
max=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
rate=$((max / 2))
cat > "$SCRATCH/fixed.lua" <<LUA
dofile("$SCRATCH/check.lua")
local period = 64 * 1000 / $rate
local owed = 0
delay = function()
  owed = owed + period
  local d = math.floor(owed)
  owed = owed - d
  return d
end
LUA
wrk -t2 -c64 -d"$DURATION" --latency -s "$SCRATCH/fixed.lua" "$B/v1/screen/check" | awk -v name="ombud check paced, aimed at $rate/s" '
  /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF}
  END {printf "| %-40s | %10.0f | %8s | %8s | %7s |\n", name, rps, p50, p99, bad ? bad : 0}'
echo "# access log: $(grep -c 'route=/v1/screen/check' "$SCRATCH/access.log") check lines"
