#!/bin/sh
# Installs what ombud needs to build, run and test, and only what is missing:
# Debian packages with apt-get (as root), npm packages from package.json.
# Idempotent: with everything present it runs no installer at all.
set -eu

PACKAGES="
  gcc clang libclang-rt-14-dev meson ninja-build pkg-config python3 curl
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev
  libinih-dev libcsv-dev libxxhash-dev libcmocka-dev libunistring-dev
  sqlite3 postgresql wrk nginx-light
  kamailio kamailio-utils-modules sip-tester
  libcurl4-openssl-dev libmagic-dev exim4-daemon-light
"

# Browser tests (tests/browser): Debian's Chromium and a Korean font, and
# Node.js and npm only where the machine has none.
PACKAGES="$PACKAGES chromium fonts-nanum"
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: not root; install these with apt-get:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

# nginx-light's package starts a system nginx on port 80, and exim's a system
# MTA on port 25; the benchmark and the delivery tests start their own on
# loopback ports, so the system ones are not needed.
if [ -n "$missing" ] && command -v systemctl >/dev/null 2>&1; then
	systemctl disable --now nginx exim4 >/dev/null 2>&1 || true
fi

# npm writes node_modules/.package-lock.json last: without it an install
# was cut short or emptied, whatever is left in the folder.
installed=node_modules/.package-lock.json
if [ -f package.json ] && { [ ! -f $installed ] || [ package-lock.json -nt $installed ]; }; then
	echo "deps: npm ci"
	npm ci --no-audit --no-fund
fi
exit 0
