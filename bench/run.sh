#!/usr/bin/env bash
# run.sh — every benchmark of bench/, each printing its table beside the
# reference it is measured against in the same run.
# usage: bench/run.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bash "$here/http.sh" "$build"
bash "$here/desk.sh" "$build"
bash "$here/tm.sh" "$build"
bash "$here/nodes.sh" "$build"
sh "$here/screen/run.sh" "$build"
bash "$here/screen/http_check.sh" "$build"
