#!/usr/bin/env bash
# desk.sh — case opens and case reads through HTTP, with at least CASES
# (default 1,000,000) stored, beside nginx serving a 200-byte file, in one run.
# Opens: wrk POST /v1/orgs/HB/cases. Reads: wrk GET /v1/cases/{receipt} with
# its X-Access-Code, receipts drawn at random from all stored cases. The
# access log is on (written to a file). The seeded database is kept in
# BUILD/bench-data/ and reused while it has enough cases.
# usage: bench/desk.sh BUILD_DIR
set -euo pipefail
BUILD=${1:-build}
CASES=${CASES:-1000000}
DURATION=${DURATION:-10s}
here=$(cd "$(dirname "$0")" && pwd)
DATA=$BUILD/bench-data
mkdir -p "$DATA"
# v2: the seeder sweeps (outbox delivered); a database of an older seeder is not reused
DB=$DATA/desk-v2-$CASES.db
CODES=$DATA/desk-v2-$CASES.codes
if [ ! -s "$CODES" ] || [ "$(wc -l < "$CODES")" -lt "$CASES" ]; then
  rm -f "$DB" "$DB"-* "$CODES"
  echo "# seeding $CASES cases through app/cases.c (once; kept in $DATA)" >&2
  "$BUILD/bench/desk_seed" "$DB" "$CASES" "$CODES"
fi

source "$here/lib.sh"

# reads pick from a random sample of 200k stored cases
shuf -n 200000 "$CODES" > "$SCRATCH/sample"
cat > "$SCRATCH/read.lua" <<LUA
local r, c = {}, {}
for line in io.lines("$SCRATCH/sample") do
  local a, b = line:match("(%S+) (%S+)")
  r[#r + 1] = a; c[#c + 1] = b
end
math.randomseed(os.time())
request = function()
  local i = math.random(#r)
  return wrk.format("GET", "/v1/cases/" .. r[i], {["X-Access-Code"] = c[i]})
end
LUA
cat > "$SCRATCH/open.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"category":"CARD","name":"홍길동","contact":"010-1234-5678","subject":"카드 결제 오류","text":"결제가 두 번 되었습니다. 확인 부탁드립니다."}'
wrk.headers["Content-Type"] = "application/json"
LUA

start_nginx 18082
start_ombud "$DB" --set security.lookup_per_min=1000000000

stored=$(sqlite3 "$DB" 'SELECT count(*) FROM cases')
echo "# $(nproc) cores; $stored cases stored; wrk -t2 -c32 -d$DURATION; ombud access log on"
table_head
run_wrk "http://127.0.0.1:18082/f200.txt" "nginx static 200 B (reference)"
run_wrk "http://127.0.0.1:$PORT/v1/orgs/HB/cases" "ombud case reads (random of all)" "$SCRATCH/read.lua"
# Opens write into a copy, so that every run reads the database as seeded
# (and not the outbox backlog of an earlier run's opens).
stop_ombud
cp "$DB" "$SCRATCH/opens.db"
cp "$DB.secret" "$SCRATCH/opens.db.secret"
start_ombud "$SCRATCH/opens.db" --set security.lookup_per_min=1000000000
run_wrk "http://127.0.0.1:$PORT/v1/orgs/HB/cases" "ombud case opens" "$SCRATCH/open.lua"
echo "# access log: $(wc -l < "$SCRATCH/access.log") lines"
