#!/usr/bin/env bash
# Round trips: a capture replayed against referlab-sim gives the same
# verdict and the same message sequence.
#  1. the analyser's captures (captures/transfer-*: a SIPp referrer and a
#     SIPp carrier, UDP/TCP, IPv4/IPv6, several link types and formats);
#  2. cases of the peer library (scenarios/): run each, take its capture,
#     replay it; carrier and phone roles, TCP, IPv6, digest challenge,
#     BYE before the NOTIFYs, two REFERs in one dialog.
# `referlab replay CAPTURE` (run mode) prints the two sequences aligned:
# a line marked '<' or '>' is a message only one side had.
source "$REFERLAB_TESTLIB"
tl_need sipp

dir=$(tl_workdir replay/roundtrip)
cd "$dir" || exit 1
rl="$REFERLAB_BIN/referlab"

# roundtrip CAPTURE LABEL: replay it now; PASS, and no sequence difference
roundtrip() {
	local cap=$1 label=$2 out
	out="rt-${label//\//_}"
	"$rl" replay "$cap" --out "$out" >"$out.txt" 2>&1
	local code=$?
	[ "$code" = 0 ] || { cat "$out.txt"; tl_fail "$label: replay exit $code"; }
	grep -q '^   verdict: PASS$' "$out.txt" || { cat "$out.txt"; tl_fail "$label: replay verdict"; }
	grep -q '^   original   *replay$' "$out.txt" || { cat "$out.txt"; tl_fail "$label: no side-by-side sequence"; }
	if grep -E '^   .{24} [<>]' "$out.txt"; then
		cat "$out.txt"
		tl_fail "$label: the replay's message sequence differs"
	fi
	tl_info "$label: same verdict (PASS), same sequence"
}

for c in transfer-udp4.pcap transfer-tcp4.pcap transfer-udp6.pcap \
	transfer-tcp6-raw-swapped.pcapng transfer-udp4-fragments.pcap \
	transfer-tcp4-segments.pcap transfer-udp4-vlan-sll.pcapng; do
	roundtrip "$REFERLAB_SRC/captures/$c" "$c"
done

# 2. The whole library: every case that passes is replayed from its own
# capture; the replays run as one suite and must all pass, and replaying
# a replay's capture must give the sequence its original gave.
S="$REFERLAB_SRC/scenarios"
"$rl" run "$S" --out lib --jobs 2 --keep-going >lib.out 2>&1
cat lib.out
jq() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
mapfile -t passed < <(jq lib/results.json '"\n".join(c["case"] for c in d["cases"] if c["verdict"] == "PASS")')
# The library's own verdicts are its owners' business; a round trip needs
# a passing original, and most of the library.
[ "${#passed[@]}" -ge 20 ] || tl_fail "only ${#passed[@]} library cases pass: too few to round-trip"
capture_of() {
	if [ -s "$1/capture.pcap" ]; then echo "$1/capture.pcap"; else echo "$1/sim-trace.pcap"; fi
}
for c in "${passed[@]}"; do
	"$rl" replay "$(capture_of "lib/$c")" --emit "rt/$(dirname "$c")" >/dev/null 2>emit.err ||
		tl_fail "$c: replay --emit: $(cat emit.err)"
done
"$rl" run rt --out rtrun --jobs 2 --keep-going >rt.out 2>&1
code=$?
cat rt.out
tl_expect_eq "the replays of ${#passed[@]} library cases" 0 "$code"
grep -q "^${#passed[@]} cases: ${#passed[@]} PASS" rt.out || tl_fail "not every replay passed"
for c in "${passed[@]}"; do
	name=$(dirname "$c")/$(basename "$c")-t1
	"$rl" replay "$(capture_of "rtrun/$name")" --emit "again/$(dirname "$c")" >/dev/null 2>emit.err ||
		tl_fail "$c: replaying the replay's capture: $(cat emit.err)"
	tl_expect_eq "$c: the replay's sequence" "$(jq "rt/$name.json" 'd["sequence"]')" \
		"$(jq "again/$name-t1.json" 'd["sequence"]')"
done
tl_info "${#passed[@]} library cases: same verdict (PASS), same sequence"

# 3. Run mode on library captures: the side-by-side report.
for c in carriers/auth-407-then-202 phones/reject-603 fallback/second-refer-to-backup; do
	[[ " ${passed[*]} " == *" $c "* ]] || { tl_info "$c: did not pass in the library run"; continue; }
	roundtrip "$(capture_of "lib/$c")" "$c"
	# a case folder's capture gives a case named for its folder
	grep -q "^== $(basename "$c")-t1: " "rt-${c//\//_}.txt" ||
		tl_fail "$c: the replayed case is not named $(basename "$c")-t1"
done
echo "replay round trips: ok"
