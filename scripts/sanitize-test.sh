#!/usr/bin/env bash
# scripts/sanitize-test.sh [FUZZ_SECONDS]: the robustness gate.
#  1. builds in build-asan/ with ASan + UBSan (gcc, -DREFERLAB_SANITIZE=ON)
#     and runs the whole ctest suite there: any sanitizer report (leaks
#     included) fails the test that triggered it;
#  2. runs every libFuzzer target for FUZZ_SECONDS (default 10; 0 skips)
#     with clang + ASan + UBSan (tests/fuzz/run.sh).
# Prints how long each part took. Exit 0 only when both are clean.
set -eu
cd "$(dirname "$0")/.."
fuzz_secs=${1:-10}
B=${BUILD_ASAN:-build-asan}
scripts/deps.sh

# A sanitizer finding must fail the test, whatever the program's own exit
# code would have been; abort_on_error gives a core-like trace on stderr.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
supp=$PWD/scripts/lsan.supp
[ -f "$supp" ] && export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$supp:print_suppressions=0}

status=0
start=$SECONDS
cmake -S . -B "$B" -DREFERLAB_SANITIZE=ON >/dev/null
cmake --build "$B" -j "$(nproc)" >"$B/build.log" 2>&1 || { tail -30 "$B/build.log" >&2; exit 1; }
built=$SECONDS
(cd "$B" && ctest --output-on-failure --no-label-summary -j "$(nproc)") || status=1
echo "sanitize: build $((built - start)) s, ctest $((SECONDS - built)) s"

if [ "$fuzz_secs" != 0 ]; then
	start=$SECONDS
	tests/fuzz/run.sh "$fuzz_secs" || status=1
	echo "sanitize: fuzz smoke ($fuzz_secs s per target) $((SECONDS - start)) s"
fi
exit $status
