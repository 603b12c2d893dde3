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
	orig=$(ls "$field/$name".pcap* 2>/dev/null | head -1)
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
echo "replay field traces: ok"
