#!/bin/sh
# Screening engine figures: the engine beside the plain hashlimit loop and a
# record-and-lock loop, the bound of any one-at-a-time check (same binary,
# same flags, same run), then the reference hashlimit.c itself built
# with the project's flags, then the plain loop with a little arithmetic
# per event (worklimit.c: how much work the floor leaves a check), then
# replay throughput on a simulated world.
#   bench/screen/run.sh BUILD_DIR   (BUILD_DIR holds the ombud binary)
set -eu
BUILD=${1:-build}
OMBUD=$BUILD/ombud
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
echo "== engine vs plain loop and record-and-lock loop (ombud screen bench)"
"$OMBUD" screen bench --callers 1000000,10000000 --events 10000000
echo "== reference hashlimit.c (a copy of the machine's reference loop), -O2 -g (the project's debugoptimized flags)"
cc -std=c17 -O2 -g -o "$SCRATCH/hashlimit" "$(dirname "$0")/hashlimit.c" -lm
"$SCRATCH/hashlimit" 1000000 uniform plain thp 10000000 1
"$SCRATCH/hashlimit" 10000000 uniform plain thp 10000000 1
echo "== the plain loop with R rounds of arithmetic per event (bench/screen/worklimit.c), 1 M keys"
"$BUILD/bench/worklimit" 1000000 10000000
echo "== replay, default world and a five-times denser one"
"$OMBUD" screen simulate --seed 1 --minutes 120 --out "$SCRATCH/w1" >/dev/null
"$OMBUD" screen replay --events "$SCRATCH/w1/events.csv" --registry "$SCRATCH/w1/registry.csv" \
	--reports "$SCRATCH/w1/reports.csv" --verdicts "$SCRATCH/w1/verdicts.csv"
"$OMBUD" screen evaluate --labels "$SCRATCH/w1/labels.csv" --verdicts "$SCRATCH/w1/verdicts.csv"
"$OMBUD" screen simulate --seed 7 --minutes 120 --scale 5 --out "$SCRATCH/w5" >/dev/null
"$OMBUD" screen replay --events "$SCRATCH/w5/events.csv" --verdicts "$SCRATCH/w5/verdicts.csv"
