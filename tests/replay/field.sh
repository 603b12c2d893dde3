#!/usr/bin/env bash
# The hand-written field traces in captures/field/: each pcap is exactly
# what fieldgen makes of its text, and each, emitted as a case by
# `referlab replay --emit`, runs green under `referlab run` against
# referlab-sim, with the findings the far end's misbehaviour causes
# demanded by the expectation.
source "$REFERLAB_TESTLIB"
tl_need sipp

dir=$(tl_workdir replay/field)
cd "$dir" || exit 1
rl="$REFERLAB_BIN/referlab"
field="$REFERLAB_SRC/captures/field"
gen="$REFERLAB_BIN/../tests/bin/fieldgen"

n=0
for txt in "$field"/*.txt; do
	name=$(basename "$txt" .txt)
	orig=
	for f in "$field/$name".pcap "$field/$name".pcapng; do
		[ -e "$f" ] && orig=$f
	done
	[ -n "$orig" ] || tl_fail "$txt has no capture beside it"
	"$gen" "$txt" "$name.${orig##*.}" || tl_fail "fieldgen $txt"
	cmp -s "$orig" "$name.${orig##*.}" ||
		tl_fail "$orig is not what fieldgen makes of $txt (regenerate it)"
	"$rl" replay "$orig" --emit cases >>emit.out 2>emit.err ||
		tl_fail "replay --emit $orig: $(cat emit.err)"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || tl_fail "want at least three field traces, found $n"

jq() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
tl_expect_eq "phone trace: role" "phone desk outbound" \
	"$(jq cases/notify-no-event-phone-t1.json 'd["peer"]["role"]+" "+d["peer"]["dial_user"]+" "+d["call_hook"]["direction"]')"
tl_expect_eq "phone trace: findings the far end causes" "notify.event.missing notify.substate.missing" \
	"$(jq cases/notify-no-event-phone-t1.json '" ".join(d["findings"]["must"])')"
tl_expect_eq "TCP trace: transport, finding" "tcp refer.accepted-not-202" \
	"$(jq cases/accept-200-tcp-t1.json 'd["peer"]["transport"]+" "+" ".join(d["findings"]["must"])')"
tl_expect_eq "NOTIFY after BYE: sequence" \
	"INVITE 1xx* 200 ACK REFER 202 BYE 200 NOTIFY(100) 200 NOTIFY(200) 200" \
	"$(jq cases/notify-after-bye-t1.json 'd["sequence"]')"

"$rl" run cases --out run --jobs 2 --keep-going >run.out 2>&1
code=$?
cat run.out
tl_expect_eq "referlab run over the emitted field cases" 0 "$code"
grep -q "^$n cases: $n PASS" run.out || tl_fail "not every field case passed"
# The slow carrier's pause before its 202 makes the implementation
# retransmit its REFER, as in the field.
cap=run/refer-retransmitted-t1/capture.pcap
[ -s "$cap" ] || cap=run/refer-retransmitted-t1/sim-trace.pcap
tl_expect_eq "REFER retransmissions in the replay" 2 \
	"$("$rl" analyze "$cap" | grep -c 'REFER sip:.*(retransmission)')"

# A capture with several transfers gives several cases; --transfer picks one.
if command -v mergecap >/dev/null; then
	mergecap -w two.pcapng "$field/notify-after-bye.pcap" \
		"$field/notify-no-event-phone.pcapng" || tl_fail mergecap
	"$rl" replay two.pcapng --emit multi >multi.out 2>&1 || tl_fail "$(cat multi.out)"
	tl_expect_eq "cases of a capture with two transfers" "two-t1.json two-t2.json" \
		"$(cd multi && echo *.json)"
	tl_expect_eq "roles of its cases" "carrier phone" \
		"$(jq multi/two-t1.json 'd["peer"]["role"]') $(jq multi/two-t2.json 'd["peer"]["role"]')"
	"$rl" replay two.pcapng --transfer 2 --emit one >/dev/null 2>&1 || tl_fail "--transfer 2"
	tl_expect_eq "--transfer 2" "two-t2.json" "$(cd one && echo *.json)"
	# a dialog that cannot be replayed is left out, in words
	mergecap -w part.pcapng "$field/notify-after-bye.pcap" \
		"$REFERLAB_SRC/tests/replay/data/no-invite.pcap" || tl_fail mergecap
	"$rl" replay part.pcapng --emit part >part.out 2>part.err || tl_fail "$(cat part.err)"
	tl_expect_eq "cases of a capture with one replayable dialog" "part-t2.json" \
		"$(cd part && echo *.json)"
	grep -q "^referlab replay: left out: part.pcapng: transfer 1: the dialog's INVITE is not in the capture" part.err ||
		tl_fail "the dialog left out is not named: $(cat part.err)"
fi
echo "replay field traces: ok"
