#!/usr/bin/env bash
# Install the Debian 12 packages referlab needs to build, run and test.
# Idempotent and quiet when everything is there; as a non-root user it
# prints the exact apt-get line and exits 3 (environment).
set -eu

packages=(
	build-essential cmake pkg-config
	libre-dev libcjson-dev libcunit1-dev libpcap-dev
	sip-tester tshark iproute2 procps
	jq  # tests read JSON lines and `referlab analyze --json`
	chromium libxml2-utils  # tests: reports in a real browser, JUnit schema
	time # tests: peak memory of `referlab analyze` (/usr/bin/time)
	clang libclang-rt-14-dev  # tests/fuzz/run.sh: libFuzzer targets (clang 14)
	baresip-core  # referlab run --iut baresip: a second implementation under test
	curl openssl  # tests: raw hook requests, Jambonz-Signature computed apart
	groff-base  # tests/docs: the man pages render without a warning (groff -ww)
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "referlab: missing Debian packages; as root run:" >&2
	echo "  apt-get update && $line" >&2
	exit 3
fi

echo "referlab: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
$line -qq >/dev/null
