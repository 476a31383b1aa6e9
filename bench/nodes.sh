#!/usr/bin/env bash
# nodes.sh — case opens/s and reads/s on SQLite with one node, and on
# PostgreSQL with one and with two nodes sharing a database, beside nginx
# serving a 200-byte file, in one run. Each store starts with CASES (default
# 20,000) cases seeded through app/cases.c; reads draw receipts at random
# from them. Two nodes: one wrk per node at once (half the connections
# each), their rates summed. The PostgreSQL cluster is the tests' throw-away
# one (tests/pg_cluster.py: fsync off, like SQLite's synchronous=NORMAL,
# which does not sync at commit either), started and stopped around this
# script. Last, block propagation: two screening nodes on a fresh database,
# an operator's block (and its lift) on one, the other asked until it
# answers it (bench/propagation.py; PROPAGATIONS, default 200, of each).
# usage: bench/nodes.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${OMBUD_TEST_PG:-}" ]; then
  exec python3 "$here/../tests/pg_cluster.py" run -- bash "$0" "$@"
fi
BUILD=$(cd "${1:-build}" && pwd)
CASES=${CASES:-20000}
DURATION=${DURATION:-10s}
PROPAGATIONS=${PROPAGATIONS:-200}
source "$here/lib.sh"
CASES_URL=http://127.0.0.1
export OMBUD_SECURITY_SECRET_FILE=$SCRATCH/secret OMBUD_SCREEN_SNAPSHOT=$SCRATCH/node.screen

cat > "$SCRATCH/open.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"category":"CARD","name":"홍길동","contact":"010-1234-5678","subject":"카드 결제 오류","text":"결제가 두 번 되었습니다. 확인 부탁드립니다."}'
wrk.headers["Content-Type"] = "application/json"
LUA
read_lua() {  # read_lua CODES_FILE > LUA
  cat <<LUA
local r, c = {}, {}
for line in io.lines("$1") do
  local a, b = line:match("(%S+) (%S+)")
  r[#r + 1] = a; c[#c + 1] = b
end
math.randomseed(os.time())
request = function()
  local i = math.random(#r)
  return wrk.format("GET", "/v1/cases/" .. r[i], {["X-Access-Code"] = c[i]})
end
LUA
}

# node DB: a node on DB; its port in NODE_PORT
node() {
  rm -f "$SCRATCH/port"
  start_ombud "$1" --set security.lookup_per_min=1000000000 --set screen.enabled=false
  NODE_PORT=$PORT
}

# run_wrk2 PORT1 PORT2 NAME SCRIPT: both nodes at once, 16 connections each.
run_wrk2() {
  local w=()
  for p in "$1" "$2"; do wrk -t1 -c16 -d2s -s "$4" "$CASES_URL:$p/v1/orgs/HB/cases" >/dev/null & w+=($!); done
  wait "${w[@]}"
  wrk -t1 -c16 -d"$DURATION" --latency -s "$4" "$CASES_URL:$1/v1/orgs/HB/cases" > "$SCRATCH/w1" & w=($!)
  wrk -t1 -c16 -d"$DURATION" --latency -s "$4" "$CASES_URL:$2/v1/orgs/HB/cases" > "$SCRATCH/w2" & w+=($!)
  wait "${w[@]}"   # not the nodes and nginx, which are children too
  cat "$SCRATCH/w1" "$SCRATCH/w2" | awk -v name="$3" '
    function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v * 1000 }
    /Requests\/sec/ {rps += $2} / 50%/ {if (ms($2) > p50) p50 = ms($2)} / 99%/ {if (ms($2) > p99) p99 = ms($2)}
    /Non-2xx/ {bad += $NF}
    END {printf "| %-40s | %10.0f | %6.2fms | %6.2fms | %7s |\n", name, rps, p50, p99, bad + 0}'
}

seed() {  # seed DB CODES
  "$BUILD/bench/desk_seed" "$1" "$CASES" "$2" 2> >(grep -v '^desk_seed: [0-9]* cases' >&2)
}

pg_db() {  # pg_db NAME: a fresh database on the cluster; its URL on stdout
  python3 -c "import sys; sys.path.insert(0, '$here/../tests'); import pg_cluster; print(pg_cluster.create_db('$OMBUD_TEST_PG'))"
}

seed "$SCRATCH/one.db" "$SCRATCH/sqlite.codes"
PG_URL=$(pg_db)
seed "$PG_URL" "$SCRATCH/pg.codes"
read_lua "$SCRATCH/sqlite.codes" > "$SCRATCH/read_sqlite.lua"
read_lua "$SCRATCH/pg.codes" > "$SCRATCH/read_pg.lua"

echo "# $(nproc) cores shared by wrk, the nodes and PostgreSQL; $CASES cases seeded per store;"
echo "# wrk -t2 -c32 -d$DURATION (two nodes: -t1 -c16 on each at once); access log on"
table_head
start_nginx 18083
run_wrk "http://127.0.0.1:18083/f200.txt" "nginx static 200 B (reference)"

node "$SCRATCH/one.db"
run_wrk "$CASES_URL:$NODE_PORT/v1/orgs/HB/cases" "SQLite, 1 node: case reads" "$SCRATCH/read_sqlite.lua"
run_wrk "$CASES_URL:$NODE_PORT/v1/orgs/HB/cases" "SQLite, 1 node: case opens" "$SCRATCH/open.lua"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

node "$PG_URL"
A=$NODE_PORT
run_wrk "$CASES_URL:$A/v1/orgs/HB/cases" "PostgreSQL, 1 node: case reads" "$SCRATCH/read_pg.lua"
run_wrk "$CASES_URL:$A/v1/orgs/HB/cases" "PostgreSQL, 1 node: case opens" "$SCRATCH/open.lua"
node "$PG_URL"
B=$NODE_PORT
run_wrk2 "$A" "$B" "PostgreSQL, 2 nodes: case reads" "$SCRATCH/read_pg.lua"
run_wrk2 "$A" "$B" "PostgreSQL, 2 nodes: case opens" "$SCRATCH/open.lua"

# screening nodes: each its own snapshot and name, a small engine
screen_node() {  # screen_node DB NAME
  rm -f "$SCRATCH/port"
  start_ombud "$1" --set security.lookup_per_min=1000000000 --set security.login_per_min=1000 \
    --set screen.max_callers=100000 --set screen.node="$2" --set screen.snapshot="$SCRATCH/$2.screen"
  NODE_PORT=$PORT
}
PROP_URL=$(pg_db)
"$BUILD/ombud" user add --db "$PROP_URL" --org KA --org-kind carrier --org-name "KA carrier" --login bench.scr \
  --role screener --password-stdin <<< "correct-horse-battery" >/dev/null
screen_node "$PROP_URL" A
A=$NODE_PORT
screen_node "$PROP_URL" B
B=$NODE_PORT
echo
echo "# block propagation, node A to node B on one PostgreSQL database (LISTEN/NOTIFY), $PROPAGATIONS of each"
python3 "$here/propagation.py" "$CASES_URL:$A" "$CASES_URL:$B" bench.scr correct-horse-battery "$PROPAGATIONS"
