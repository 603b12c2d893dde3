#!/usr/bin/env bash
# bench/suite.sh [RUN-ARGS...]: wall time of the whole built-in suite,
# `referlab run --jobs 2` over scenarios/ (median of RUNS). Target: <= 20 s.
# Extra arguments go to referlab run (e.g. --filter 'carriers/*').
source "$(dirname "$0")/lib.sh"
bench_init "bench/suite.sh"
cd "$BENCH_SRC" || exit 1
for ((i = 0; i < RUNS; i++)); do
	s=$(date +%s.%N)
	"$BIN/referlab" run --jobs 2 --out "$WORK/run$i" "$@" >"$WORK/run$i.log" 2>&1
	rc=$?
	awk -v a="$(date +%s.%N)" -v b="$s" 'BEGIN { printf "%.2f\n", a - b }' >>"$WORK/wall.s"
	grep -E "^[0-9]+ cases?: " "$WORK/run$i.log" | sed "s/^/  run $((i + 1)) (exit $rc): /"
done
wall=$(bench_median "$WORK/wall.s")
printf '  referlab run --jobs 2 %s: %.2f s (median of %s)   target <= 20 s: %s\n' \
	"$*" "$wall" "$RUNS" "$(bench_verdict "$wall" le 20)"
# The floor: no number of jobs makes the suite shorter than its longest
# case (a Timer F case waits 64*T1 = 32 s); the sum is the time at --jobs 1.
python3 - "$WORK/run$((RUNS - 1))/results.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["cases"]
top = max(c, key=lambda v: v["duration_s"])
rest = sum(v["duration_s"] for v in c) - top["duration_s"]
print("  last run: longest case %s %.2f s (the floor), the other %d cases "
      "%.2f s in all" % (top["case"], top["duration_s"], len(c) - 1, rest))
PY
