#!/usr/bin/env bash
# dev.sh: the newcomer's entry point. Each command installs what is
# missing (Debian packages), builds, and does its job.
#   ./dev.sh run     the default conformance suite, report under reports/
#   ./dev.sh test    every test (CUnit + integration) through ctest
#   ./dev.sh build   just build (build/bin/referlab, build/bin/referlab-sim)
#   ./dev.sh deps    just install the Debian packages
# Environment: BUILD=dir (default build), SANITIZE=1 (ASan+UBSan build).
set -eu
cd "$(dirname "$0")"
BUILD=${BUILD:-build}

deps() { scripts/deps.sh; }

build() {
	deps
	local sanitize=OFF
	[ "${SANITIZE:-0}" = 1 ] && sanitize=ON
	cmake -S . -B "$BUILD" -DREFERLAB_SANITIZE=$sanitize >/dev/null
	cmake --build "$BUILD" -j "$(nproc)"
}

run() {
	build
	# Every case under scenarios/, one per core at a time, against the
	# built-in referlab-sim and, when it is installed, baresip (a real
	# third-party referrer); `referlab report` merges both into one
	# two-column report in reports/<timestamp>/, and reports/latest points
	# at it. Extra arguments go to both runs (./dev.sh run --filter 'phones/*').
	local out status=0
	out=reports/$(date -u +%Y%m%dT%H%M%SZ)
	"$BUILD/bin/referlab" run --jobs "$(nproc)" --out "$out/referlab-sim" "$@" ||
		status=$?
	if command -v baresip >/dev/null; then
		"$BUILD/bin/referlab" run --iut baresip --jobs "$(nproc)" \
			--out "$out/baresip" "$@" || status=$?
	else
		echo "dev.sh: baresip is not installed, so the report has one column;" \
			"for the two-column interop report: apt-get install baresip-core" \
			"(or ./dev.sh deps)" >&2
	fi
	"$BUILD/bin/referlab" report "$out"/*/results.json --html "$out/report.html" \
		--md "$out/report.md" --junit "$out/junit.xml" >/dev/null || true
	ln -sfn "${out#reports/}" reports/latest
	echo "report: $out/report.html (Markdown: $out/report.md)"
	return "$status"
}

test_all() {
	build
	cd "$BUILD"
	ctest --output-on-failure --no-label-summary -j "$(nproc)"
}

case "${1:-}" in
deps)  deps ;;
build) build ;;
run)   shift; run "$@" ;;
test)  test_all ;;
*)     sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
