#!/usr/bin/env bash
# tm.sh — the disclosure route, one disclosure per request from a dialer's
# API key (scope tm.disclose), beside nginx serving a 200-byte file, in one
# run, access log on. Callees are drawn at random from 1M mobile numbers.
# usage: bench/tm.sh BUILD_DIR
set -euo pipefail
BUILD=${1:-build}
DURATION=${DURATION:-10s}
source "$(dirname "$0")/lib.sh"

"$BUILD/ombud" demo --db "$SCRATCH/ombud.db" --log-level warn > "$SCRATCH/demo.txt"
password() { awk -v l="$1" '$1 == l {print $4}' "$SCRATCH/demo.txt"; }
start_nginx 18083
start_ombud "$SCRATCH/ombud.db" --set security.lookup_per_min=1000000000
B=http://127.0.0.1:$PORT
token() { curl -sf -X POST "$B/v1/auth/login" -d "{\"login\":\"$1\",\"password\":\"$(password "$1")\"}" |
	  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
CALLER=$(token tm1.caller)
ADMIN=$(token tm1.admin)
curl -sf -X POST "$B/v1/orgs/TM1/tm/business" -H "Authorization: Bearer $CALLER" \
  -d '{"name":"다온텔레마케팅","registration_id":"2026-서울-0417","contact":"02-555-0199"}' >/dev/null
curl -sf -X POST "$B/v1/orgs/TM1/tm/numbers" -H "Authorization: Bearer $CALLER" \
  -d '{"number":"02-555-0100","daily_cap":100000000}' >/dev/null
KEY=$(curl -sf -X POST "$B/v1/orgs/TM1/api-keys" -H "Authorization: Bearer $ADMIN" \
  -d '{"name":"dialer","scopes":"tm.disclose"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cat > "$SCRATCH/disclose.lua" <<LUA
math.randomseed(os.time())
request = function()
  local callee = string.format("010%08d", math.random(0, 999999))
  local body = '{"caller":"02-555-0100","callee":"' .. callee .. '","source":"○○카드 제휴 이벤트 응모(2026-10)"}'
  return wrk.format("POST", "/v1/orgs/TM1/tm/disclosures",
    {["Authorization"] = "Bearer $KEY", ["Content-Type"] = "application/json"}, body)
end
LUA
echo "# $(nproc) cores; wrk -t2 -c32 -d$DURATION; ombud access log on; one disclosure per request"
table_head
run_wrk "http://127.0.0.1:18083/f200.txt" "nginx static 200 B (reference)"
run_wrk "$B/" "ombud POST tm/disclosures (API key)" "$SCRATCH/disclose.lua"
echo "# disclosures stored: $(sqlite3 "$SCRATCH/ombud.db" 'SELECT count(*) FROM tm_disclosures')"
