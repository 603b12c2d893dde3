#!/usr/bin/env bash
# bench/rss.sh [SMALL LARGE]: peak RSS (and wall time) of `referlab
# analyze` on a synth capture of SMALL and of LARGE transfers (default
# 10000 and 40000: about 63 MiB and 252 MiB), with tshark's on the same
# files. Target: flat, <= 64 MiB at both. The target's sizes, 100 MiB
# and 1 GiB, by hand (1.1 GB in $TMPDIR, tshark needs ~4 GB of memory):
#   RUNS=1 bench/rss.sh 16000 165000
source "$(dirname "$0")/lib.sh"
small=${1:-10000} large=${2:-40000}
bench_init "bench/rss.sh"
command -v tshark >/dev/null || bench_fail "tshark not found (apt-get install tshark)"
for n in "$small" "$large"; do
	"$BIN/referlab" synth --transfers "$n" --out "$WORK/$n.pcap" 2>/dev/null ||
		bench_fail "referlab synth failed"
	for ((i = 0; i < RUNS; i++)); do
		bench_timed "referlab-$n" "$BIN/referlab" analyze "$WORK/$n.pcap"
	done
	bench_timed "tshark-$n" tshark -r "$WORK/$n.pcap" -Y sip
done
for who in referlab tshark; do
	a=$(bench_median "$WORK/$who-$small.kb") b=$(bench_median "$WORK/$who-$large.kb")
	printf '  %-9s peak RSS: %8s MiB at %s transfers (%s MiB), %8s MiB at %s (%s MiB): x%s\n' \
		"$who" "$(bench_mib "$a")" "$small" "$(bench_mib $(($(stat -c %s "$WORK/$small.pcap") / 1024)))" \
		"$(bench_mib "$b")" "$large" "$(bench_mib $(($(stat -c %s "$WORK/$large.pcap") / 1024)))" \
		"$(bench_ratio "$b" "$a")"
	printf '  %-9s wall time: %8s s at %s transfers, %8s s at %s\n' "$who" \
		"$(bench_median "$WORK/$who-$small.s")" "$small" \
		"$(bench_median "$WORK/$who-$large.s")" "$large"
	[ $who = referlab ] && ours_small=$a ours_large=$b
done
max=$((ours_small > ours_large ? ours_small : ours_large))
printf '  target: flat, <= 64 MiB at both: %s (largest %s MiB, growth x%s)\n' \
	"$(awk -v m="$max" -v a="$ours_small" -v b="$ours_large" 'BEGIN {
		print (m <= 65536 && b <= a * 1.25 + 2048) ? "met" : "NOT MET" }')" \
	"$(bench_mib "$max")" "$(bench_ratio "$ours_large" "$ours_small")"
