#!/usr/bin/env bash
# bench/pending.sh [RATE DURATION HOLD_MS]: transfers held pending at once
# (REFER accepted, final NOTIFY not yet) in referlab-sim, with its peak
# RSS, and the final NOTIFY -> actionHook latency under that load: the
# carrier holds each transfer HOLD_MS before its final NOTIFY, so about
# RATE * min(DURATION, HOLD) are pending at once (default 200/s for 52 s,
# held 52 s: ~10000). Live capture (root or CAP_NET_RAW) gives the figures.
# TRANSPORT=tcp: SIP over TCP (one connection). Targets: >= 10000 pending in <= 200 MiB RSS; p99 <= 2 ms.
source "$(dirname "$0")/lib.sh"
rate=${1:-200} duration=${2:-52} hold=${3:-52000}
TRANSPORT=${TRANSPORT:-udp}
tcp=(); [ "$TRANSPORT" = tcp ] && tcp=(--tcp)
bench_init "bench/pending.sh"
command -v jq >/dev/null || bench_fail "jq not found (apt-get install jq)"
for ((i = 0; i < RUNS; i++)); do
	out=$("$BIN/referlab" load --rate "$rate" --duration "$duration" --hold "$hold" \
		"${tcp[@]}" --json --out "$WORK/run$i" 2>"$WORK/run$i.err")
	jq -e . >/dev/null <<<"$out" || bench_fail "referlab load: $(cat "$WORK/run$i.err")"
	jq -e '.latency_ms != null' >/dev/null <<<"$out" ||
		bench_fail "no latency: $(jq -r .note <<<"$out")"
	# the capture's count when it missed nothing, else SIPp's calls in
	# progress (all held transfers are calls in progress)
	jq -r 'if .capture_dropped == 0 then .pending_max else .calls_max end' \
		<<<"$out" >>"$WORK/pending.s"
	jq -r '.iut_rss_peak_kib' <<<"$out" >>"$WORK/rss.s"
	jq -r '.latency_ms.p50' <<<"$out" >>"$WORK/p50.s"
	jq -r '.latency_ms.p99' <<<"$out" >>"$WORK/p99.s"
	jq -r '"\(.completed) completed, \(.failed) failed, pending \(.pending_max) (capture, dropped \(.capture_dropped)), calls in progress \(.calls_max) (SIPp), latency p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms"' \
		<<<"$out" >>"$WORK/runs"
	rm -rf "$WORK/run$i"
done
pending=$(bench_median "$WORK/pending.s") rss=$(bench_median "$WORK/rss.s")
p99=$(bench_median "$WORK/p99.s")
printf '  load: %s transfers/s for %s s, final NOTIFY held %s ms, eventHook + actionHook, %s\n' \
	"$rate" "$duration" "$hold" "$TRANSPORT"
sed 's/^/  run: /' "$WORK/runs"
printf '  pending at once: %s, referlab-sim peak RSS %s MiB   target >= 10000 in <= 200 MiB: %s\n' \
	"$pending" "$(bench_mib "$rss")" \
	"$(awk -v p="$pending" -v k="$rss" 'BEGIN { print (p >= 10000 && k <= 204800) ? "met" : "NOT MET" }')"
printf '  final NOTIFY -> actionHook: p50 %s ms, p99 %s ms   target p99 <= 2 ms: %s\n' \
	"$(bench_median "$WORK/p50.s")" "$p99" "$(bench_verdict "$p99" le 2)"
