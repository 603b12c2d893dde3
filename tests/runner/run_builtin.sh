#!/usr/bin/env bash
# referlab run with the built-in implementation (referlab-sim per case):
# library cases pass two at a time; a scenario broken on purpose fails
# with messages that say what to fix (expected vs got, frame number)
# without opening the pcap; a crashing peer is an ERROR; every child is
# gone afterwards.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp python3

dir=$(tl_workdir runner/run_builtin)
cd "$dir" || exit 1
lib="$REFERLAB_SRC/scenarios"
[ -f "$lib/carriers/notify-100-200.json" ] || tl_skip "scenarios/ has no carriers/notify-100-200 yet"

# Three library cases: a carrier's transfer, a rejected REFER, a phone.
mkdir -p suite/carriers suite/phones suite/broken
cp "$lib/carriers/notify-100-200."* "$lib/carriers/reject-403."* suite/carriers/
cp "$lib/phones/reject-603."* suite/phones/
# The same transfer, with an expectation broken on purpose: it wants a
# NOTIFY 180 and a final status 180 where the carrier sends 200.
cp "$lib/carriers/notify-100-200.xml" suite/broken/wants-180.xml
python3 - "$lib/carriers/notify-100-200.json" suite/broken/wants-180.json <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["description"] = "notify-100-200, broken on purpose"
e["sequence"] = e["sequence"].replace("NOTIFY(200)", "NOTIFY(180)")
for h in e["hooks"]:
    if "final_referred_call_status" in h.get("expect", {}):
        h["expect"]["final_referred_call_status"] = 180
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY
# A peer that crashes once the call is answered.
cp "$REFERLAB_SRC/tests/runner/cases/basic/crash."* suite/broken/

"$REFERLAB_BIN/referlab" run suite --jobs 2 --keep-going --out "$dir/out" >run.out 2>run.err
status=$?
cat run.out
tl_expect_eq "exit code with a FAIL and an ERROR" 1 "$status"
for c in carriers/notify-100-200 carriers/reject-403 phones/reject-603; do
	grep -Eq "^\[[1-5]/5\] $c +PASS " run.out || tl_fail "$c did not pass"
done
grep -Eq "^\[[1-5]/5\] broken/wants-180 +FAIL " run.out || tl_fail "the broken expectation did not FAIL"
grep -Eq "^\[[1-5]/5\] broken/crash +ERROR " run.out || tl_fail "the crashing peer is not an ERROR"

# What a user reads: which message, what was expected, what came, where.
v=out/broken/wants-180/verdict.json
msgs=$(python3 -c 'import json,sys; [print(f["check"], f.get("frame", 0), f["message"]) for f in json.load(open(sys.argv[1]))["failures"]]' "$v")
echo "$msgs"
echo "$msgs" | grep -Eq '^sequence [1-9][0-9]* .*NOTIFY\(180\).*NOTIFY\(200\).*frame [1-9]' ||
	tl_fail "the sequence failure does not name NOTIFY(180) vs NOTIFY(200) and a frame"
echo "$msgs" | grep -Eq '^hook .*final_referred_call_status.*180.*200|^hook .*final_referred_call_status.*200.*180' ||
	tl_fail "the hook failure does not name final_referred_call_status, 180 and 200"

tl_expect_eq "the sequence failure, expected vs got" "NOTIFY(180) NOTIFY(200)" \
	"$(python3 -c 'import json,sys; f=[f for f in json.load(open(sys.argv[1]))["failures"] if f["check"] == "sequence"][0]; print(f["expected"], f["got"])' "$v")"

# Each case folder tells the story.
for f in capture.pcap sim.log sipp.log hooks.jsonl verdict.json commands.txt; do
	[ -s "out/carriers/notify-100-200/$f" ] || tl_fail "case folder lacks $f"
done
[ "$(grep -c '"path":"/event"\|"path": "/event"' out/carriers/notify-100-200/hooks.jsonl)" -ge 2 ] ||
	tl_fail "hooks.jsonl lacks the eventHooks"

# Nothing of the run is left running.
left=$(pgrep -af -- "$dir/out")
[ -z "$left" ] || tl_fail "children survived the run: $left"
tl_expect_eq "what was analysed" "capture.pcap" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capture"])' out/carriers/reject-403/verdict.json)"

# --transport and --ipv6 override what the cases say, on both sides.
"$REFERLAB_BIN/referlab" run suite --filter 'phones/*' --transport tcp --ipv6 \
	--out "$dir/out-tcp6" >tcp6.out 2>&1
tl_expect_eq "exit code over TCP and IPv6" 0 $?
cmds=out-tcp6/phones/reject-603/commands.txt
grep -q -- "--sip tcp:\[::1\]:" "$cmds" || tl_fail "the sim is not on tcp:[::1]: $(cat "$cmds")"
grep -q -- "-t t1 " "$cmds" || tl_fail "SIPp is not on TCP: $(cat "$cmds")"
grep -q -- "-i ::1 " "$cmds" || tl_fail "SIPp is not on ::1: $(cat "$cmds")"

# Without capture rights the sim's own trace is analysed (and said so);
# an external implementation leaves no trace: exit 3 with the fix.
if command -v setpriv >/dev/null; then
	nocap() { setpriv --bounding-set=-net_raw,-net_admin --inh-caps=-net_raw,-net_admin -- "$@"; }
	nocap "$REFERLAB_BIN/referlab" run suite --filter 'carriers/*' \
		--out "$dir/out-nocap" >nocap.out 2>nocap.err
	tl_expect_eq "exit code without capture rights" 0 $?
	grep -q "no capture rights: the built-in implementation's own trace" nocap.err ||
		tl_fail "no word of the missing capture rights"
	tl_expect_eq "what was analysed without rights" "sim-trace.pcap" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capture"])' out-nocap/carriers/notify-100-200/verdict.json)"
	err=$(nocap "$REFERLAB_BIN/referlab" run suite --iut external \
		--iut-sip sip:127.0.0.1:5060 --out "$dir/out-nocap2" 2>&1 >/dev/null)
	tl_expect_eq "exit code: external, no capture rights" 3 $?
	# the fix names this very program, wherever it is (build tree, installed)
	tl_expect_match "message" "no capture rights.*run as root, or 'sudo setcap cap_net_raw,cap_net_admin\+eip $(readlink -f "$REFERLAB_BIN/referlab")'\$" "$err"
fi
echo "run builtin: ok"
