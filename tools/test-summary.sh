#!/bin/sh
# Reads the output of each `meson test` run and prints one closing line,
# "N passed, N failed". A run without meson's summary counts as a failure,
# and under CI=true so does a skipped test.
set -eu
for f in "$@"; do
	[ -f "$f" ] || { echo "test-summary: missing $f" >&2; exit 1; }
done
awk -v ci="${CI:-}" '
	FNR == 1 { files++ }
	/^Ok: /                 { ok += $2; summaries++ }
	/^Fail: /               { fail += $2 }
	/^Unexpected Pass: /    { fail += $3 }
	/^Timeout: /            { fail += $2 }
	/^Skipped: /            { skip += $2 }
	END {
		if (summaries < files) { print "test-summary: a test run ended without its summary" > "/dev/stderr"; fail++ }
		if (ci == "true" && skip > 0) { print "test-summary: " skip " skipped test(s) count as failures under CI" > "/dev/stderr"; fail += skip }
		printf "%d passed, %d failed\n", ok, fail
		exit fail > 0
	}' "$@"
