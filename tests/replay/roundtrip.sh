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

S="$REFERLAB_SRC/scenarios"
cases="carriers/notify-100-180-200 carriers/bye-after-202-notify-after-bye
	carriers/auth-407-then-202 carriers/tcp carriers/ipv6 carriers/reject-403
	carriers/notify-before-202 carriers/refer-sub-false
	phones/accept-notify-100-200 phones/reject-603
	fallback/second-refer-to-backup"
files=()
for c in $cases; do files+=("$S/$c.json"); done
"$rl" run "${files[@]}" --out lib --jobs 2 --keep-going >lib.out 2>&1
code=$?
cat lib.out
tl_expect_eq "the library cases themselves" 0 "$code"
for c in $cases; do
	cap=lib/$c/capture.pcap
	[ -s "$cap" ] || cap=lib/$c/sim-trace.pcap
	[ -s "$cap" ] || tl_fail "$c: no capture in lib/$c"
	roundtrip "$cap" "$c"
done
echo "replay round trips: ok"
