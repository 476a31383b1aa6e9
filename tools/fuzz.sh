#!/bin/sh
# Runs every libFuzzer target of a -Dfuzz=enabled build for a bounded time,
# starting from its committed corpus; new inputs go to a scratch copy, and
# crashes are left as crash-* files for you to add to tests/fuzz/corpus/.
# usage: tools/fuzz.sh BUILD_DIR SECONDS
set -eu
build=$1
seconds=$2
here=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	work=$(mktemp -d)
	cp -r "$here/tests/fuzz/corpus/$name/." "$work/"
	echo "fuzz: $name for ${seconds}s"
	if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$here/$build/crash-$name-" "$work" 2>"$build/fuzz-$name.log"; then
		echo "fuzz: $name FAILED; see $build/fuzz-$name.log and $build/crash-$name-*" >&2
		status=1
	fi
	tail -n 2 "$build/fuzz-$name.log"
	rm -rf "$work"
done
exit $status
