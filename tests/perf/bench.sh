#!/usr/bin/env bash
# Every bench/ script still works: each runs once at a tiny size (no
# timed assertion: CI boxes are shared) and prints its figures with the
# baseline's and a target verdict.
source "$REFERLAB_TESTLIB"
tl_need jq tshark sipp
dir=$(tl_workdir perf/bench)
export REFERLAB_BIN RUNS=1 TMPDIR=$dir
b=$REFERLAB_SRC/bench

check() {
	local name=$1 out=$2; shift 2
	local re
	for re in "$@"; do
		[[ $out =~ $re ]] || tl_fail "$name: no /$re/ in: $out"
	done
	echo "$out" | sed "s/^/[$name] /"
}
out=$("$b/analyze.sh" 30 2>&1) || tl_fail "analyze.sh: $out"
check analyze "$out" 'referlab analyze +[0-9.]+ s' 'tshark -r FILE -Y sip +[0-9.]+ s' \
	'speed ratio \(tshark / referlab\): [0-9.]+x +target >= 50x: (met|NOT MET)'
out=$("$b/rss.sh" 20 60 2>&1) || tl_fail "rss.sh: $out"
check rss "$out" 'referlab +peak RSS: +[0-9.]+ MiB at 20 ' 'tshark +peak RSS' \
	'target: flat, <= 64 MiB at both: (met|NOT MET)'
out=$(RATES="20 40" DURATION=1 "$b/rate.sh" 2>&1) || tl_fail "rate.sh: $out"
check rate "$out" 'SIPp referrer \(baseline\) +40/s' 'without hooks +40/s' \
	'eventHook \+ actionHook +40/s' 'sim / SIPp: +1.00x' 'hooks / no hooks: +1.00x'
if [ "$(id -u)" = 0 ]; then
	out=$("$b/pending.sh" 20 1 300 2>&1) || tl_fail "pending.sh: $out"
	check pending "$out" 'run: 20 completed, 0 failed, pending [0-9]+' 'pending at once: [1-9]' \
		'p99 [0-9.]+ ms +target p99 <= 2 ms: (met|NOT MET)'
else
	tl_info "pending.sh not run: it needs capture rights (root)"
fi
out=$("$b/suite.sh" --filter 'carriers/final-40*' 2>&1) || tl_fail "suite.sh: $out"
check suite "$out" 'run 1 \(exit 0\): 1 case: 1 PASS' 'target <= 20 s: (met|NOT MET)'
