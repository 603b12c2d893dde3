# lib.sh: shared helpers of the benchmarks (sourced by bench/*.sh).
# Each benchmark measures referlab and its baseline in the same run,
# alternating them, and prints medians and their ratio: this 2-core box
# is shared and noisy, single times mean little.
set -u
BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${REFERLAB_BIN:-$BENCH_SRC/build/bin}
RUNS=${RUNS:-3}

bench_fail() { echo "$BENCH_NAME: $*" >&2; exit 1; }

# bench_init NAME: checks the tools, makes $WORK (removed at exit unless
# KEEP=1), prints the machine line.
bench_init() {
	BENCH_NAME=$1
	local t
	for t in "$BIN/referlab" /usr/bin/time; do
		[ -x "$t" ] || bench_fail "$t not found: run ./dev.sh build (and apt-get install time)"
	done
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/referlab-bench.XXXXXX")
	[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
	echo "$BENCH_NAME: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), runs $RUNS"
}

# bench_timed NAME CMD...: runs CMD (output discarded), appends its wall
# seconds to $WORK/NAME.s and its peak RSS (KiB) to $WORK/NAME.kb.
bench_timed() {
	local name=$1; shift
	local t0 t1
	# wall time in ms precision (time's %e has only 10 ms)
	t0=$(date +%s.%N)
	/usr/bin/time -f "%M" -o "$WORK/$name.time" "$@" >/dev/null 2>"$WORK/$name.err" ||
		bench_fail "$* failed: $(tail -3 "$WORK/$name.err")"
	t1=$(date +%s.%N)
	awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.3f\n", a - b }' >>"$WORK/$name.s"
	tail -1 "$WORK/$name.time" >>"$WORK/$name.kb"
}

# bench_median FILE: the median of the numbers in FILE, one a line
bench_median() {
	sort -g "$1" | awk '{v[NR] = $1} END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_ratio A B: A / B with two decimals ("-" when B is 0)
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'
}

# bench_verdict VALUE OP LIMIT: "met" or "NOT MET" (OP: le or ge)
bench_verdict() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == "le") ? (v + 0 <= l + 0) : (v + 0 >= l + 0)
		print ok ? "met" : "NOT MET" }'
}

bench_mib() { awk -v k="$1" 'BEGIN { printf "%.1f\n", k / 1024 }'; }
