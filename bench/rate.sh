#!/usr/bin/env bash
# bench/rate.sh: the sustained transfer rate of referlab-sim (the verb
# without hooks, and with eventHook + actionHook to the hook server of
# `referlab load`) and of the baseline, a SIPp referrer, against the same
# SIPp carrier: for each, the highest rate of RATES (new transfers/s, for
# DURATION s each) with every transfer completed and none failed, stopping
# at the first rate that fails. RUNS rounds, the three alternating; the
# median of each. Targets: sim >= 0.8x SIPp; with hooks >= 0.5x without.
#   RATES="250 500 750 1000 1500 2000 3000 4000 6000 8000" DURATION=4 RUNS=3 bench/rate.sh
# (steps of 1.33-1.5x: a doubling grid hid gains of up to 2x)
# TRANSPORT=tcp: SIP over TCP (SIPp -t t1, one connection) for all three.
source "$(dirname "$0")/lib.sh"
RATES=${RATES:-250 500 750 1000 1500 2000 3000 4000 6000 8000}
DURATION=${DURATION:-4}
TRANSPORT=${TRANSPORT:-udp}
tcp=(); [ "$TRANSPORT" = tcp ] && tcp=(--tcp)
bench_init "bench/rate.sh"
command -v sipp >/dev/null || bench_fail "sipp not found (apt-get install sip-tester)"
command -v jq >/dev/null || bench_fail "jq not found (apt-get install jq)"

# sustained NAME LOAD-ARGS...: appends the highest clean rate to $WORK/NAME.s
sustained() {
	local name=$1 best=0 r out; shift
	for r in $RATES; do
		out=$("$BIN/referlab" load --rate "$r" --duration "$DURATION" \
			--no-capture --json --out "$WORK/$name-$r" "${tcp[@]}" "$@" 2>/dev/null)
		jq -e --argjson n $((r * DURATION)) \
			'.failed == 0 and .completed == $n' <<<"$out" >/dev/null || break
		best=$r
		rm -rf "$WORK/$name-$r"
	done
	echo "$best" >>"$WORK/$name.s"
	echo "    $name: $best/s" >&2
}
for ((i = 0; i < RUNS; i++)); do
	echo "  round $((i + 1)):" >&2
	sustained sipp --iut sipp
	sustained sim --iut builtin --no-hooks
	sustained sim-hooks --iut builtin
done
sipp=$(bench_median "$WORK/sipp.s") sim=$(bench_median "$WORK/sim.s")
hooks=$(bench_median "$WORK/sim-hooks.s")
printf '  sustained transfers/s over %s (0 failed; rates tried: %s; %s s each):\n' \
	"$TRANSPORT" "$RATES" "$DURATION"
printf '    %-44s %6s/s\n' "SIPp referrer (baseline)" "$sipp" \
	"referlab-sim, verb without hooks" "$sim" \
	"referlab-sim, eventHook + actionHook" "$hooks"
r1=$(bench_ratio "$sim" "$sipp") r2=$(bench_ratio "$hooks" "$sim")
printf '  sim / SIPp:           %sx   target >= 0.8x: %s\n' "$r1" "$(bench_verdict "$r1" ge 0.8)"
printf '  hooks / no hooks:     %sx   target >= 0.5x: %s\n' "$r2" "$(bench_verdict "$r2" ge 0.5)"
