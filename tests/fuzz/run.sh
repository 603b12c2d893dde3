#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] [TARGET...]: build the libFuzzer targets with
# clang + ASan + UBSan in build-fuzz/ and run each for SECONDS (default 60)
# from its committed seeds (tests/fuzz/corpus/<target>/). New inputs go to
# build-fuzz/fuzz/corpus/<target>/ (not committed); a crash stops that
# target, is saved as build-fuzz/fuzz/crash-<target>-*, and the script
# exits 1 after running the others. Long run: tests/fuzz/run.sh 3600
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift || true
case $secs in '' | *[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pcap sipframe sipfrag referuri verb expect hookpolicy report hookreq)
command -v clang >/dev/null || { echo "fuzz: clang is not installed: run scripts/deps.sh" >&2; exit 3; }

B=${BUILD_FUZZ:-build-fuzz}
# -fsanitize=fuzzer-no-link instruments every library for coverage; the
# targets alone link libFuzzer's main. cc-nowerror.sh: clang's extra
# warnings are not errors here (the gcc build keeps -Werror).
cmake -S . -B "$B" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DCMAKE_C_COMPILER_LAUNCHER="$PWD/tests/fuzz/cc-nowerror.sh" \
	-DREFERLAB_SANITIZE=ON -DREFERLAB_FUZZ=ON \
	-DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link -O1 -gline-tables-only" >/dev/null
cmake --build "$B" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >"$B/build.log" 2>&1 || { tail -20 "$B/build.log" >&2; exit 3; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
	work="$B/fuzz/corpus/$t"
	mkdir -p "$work"
	seeds=("tests/fuzz/corpus/$t")
	[ -d "tests/fuzz/regress/$t" ] && seeds+=("tests/fuzz/regress/$t")
	start=$SECONDS
	if "$B/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$B/fuzz/crash-$t-" \
		"$work" "${seeds[@]}" >"$B/fuzz/$t.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/fuzz/$t.log")
		echo "fuzz $t: ok, ${runs:-?} runs in $((SECONDS - start)) s"
	else
		echo "fuzz $t: FAILED, see $B/fuzz/$t.log:" >&2
		grep -m3 -E 'ERROR|runtime error|Test unit written' "$B/fuzz/$t.log" >&2 || tail -5 "$B/fuzz/$t.log" >&2
		status=1
	fi
done
exit $status
