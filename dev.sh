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
	# Every case under scenarios/, one per core at a time; the report
	# goes to reports/<timestamp>/ and reports/latest points at it.
	# Extra arguments go to referlab run (./dev.sh run --filter 'phones/*').
	"$BUILD/bin/referlab" run --jobs "$(nproc)" "$@"
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
