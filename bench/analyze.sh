#!/usr/bin/env bash
# bench/analyze.sh [TRANSFERS]: `referlab analyze` against `tshark -r
# FILE -Y sip` on the same synth capture (default 20000 transfers, about
# 126 MiB), alternating, RUNS times each (default 3): median wall time
# and peak RSS of both, and the speed ratio. Target: >= 50x faster.
# The 1 GiB figure of the README: bench/analyze.sh 165000 (by hand; the
# capture needs 1.1 GB in $TMPDIR and tshark several GB of memory).
source "$(dirname "$0")/lib.sh"
n=${1:-20000}
bench_init "bench/analyze.sh"
command -v tshark >/dev/null || bench_fail "tshark not found (apt-get install tshark)"
"$BIN/referlab" synth --transfers "$n" --out "$WORK/cap.pcap" 2>/dev/null ||
	bench_fail "referlab synth failed"
size=$(stat -c %s "$WORK/cap.pcap")
# warm the page cache so neither pays for the first read
cat "$WORK/cap.pcap" >/dev/null
for ((i = 0; i < RUNS; i++)); do
	bench_timed referlab "$BIN/referlab" analyze "$WORK/cap.pcap"
	bench_timed tshark tshark -r "$WORK/cap.pcap" -Y sip
done
ours=$(bench_median "$WORK/referlab.s") theirs=$(bench_median "$WORK/tshark.s")
ratio=$(bench_ratio "$theirs" "$ours")
printf '  capture: %s transfers, %s MiB (referlab synth)\n' "$n" "$(bench_mib $((size / 1024)))"
printf '  %-28s %8s s  peak RSS %8s MiB\n' "referlab analyze" "$ours" \
	"$(bench_mib "$(bench_median "$WORK/referlab.kb")")"
printf '  %-28s %8s s  peak RSS %8s MiB\n' "tshark -r FILE -Y sip" "$theirs" \
	"$(bench_mib "$(bench_median "$WORK/tshark.kb")")"
printf '  speed ratio (tshark / referlab): %sx   target >= 50x: %s\n' "$ratio" \
	"$(bench_verdict "$ratio" ge 50)"
