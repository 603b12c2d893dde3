#!/usr/bin/env bash
# referlab run against an external implementation (a SIPp UAS standing in
# for it): one case passes, one fails with the reason in words, one whose
# peer crashes is an ERROR; results.json, junit.xml and every case folder
# say the same, and the exit code is 1.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp python3
tl_need_capture

dir=$(tl_workdir runner/run_verdicts)
cd "$dir" || exit 1
iut_port=$(tl_free_port udp)
tl_spawn uas.log sipp -sn uas -i 127.0.0.1 -p "$iut_port" -nostdin \
	-cp "$(tl_free_port udp)" -mp "$(tl_free_port udp 4)"
tl_wait_port udp "$iut_port" 10 uas.log

"$REFERLAB_BIN/referlab" run "$REFERLAB_SRC/tests/runner/cases" \
	--filter 'basic/*' --iut external --iut-sip "sip:127.0.0.1:$iut_port" --out out \
	--jobs 2 --keep-going >run.out 2>run.err
tl_expect_eq "exit code with a FAIL and an ERROR" 1 $?
cat run.out

grep -Eq '^\[[1-3]/3\] basic/call +PASS +[0-9.]+ s$' run.out ||
	tl_fail "no PASS progress line for basic/call"
grep -Eq '^\[[1-3]/3\] basic/busy +FAIL ' run.out ||
	tl_fail "no FAIL progress line for basic/busy"
grep -Eq '^\[[1-3]/3\] basic/crash +ERROR ' run.out ||
	tl_fail "no ERROR progress line for basic/crash"
grep -q "while expecting '486' (index 3), received 'SIP/2.0 200 OK'" run.out ||
	tl_fail "the FAIL does not say what was expected and what came"
grep -q "the SIPp peer crashed: it was killed by signal 11" run.out ||
	tl_fail "the ERROR does not say the peer crashed"
grep -q "^3 cases: 1 PASS, 1 FAIL, 1 ERROR" run.out || tl_fail "summary"

jq() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
tl_expect_eq "results.json counts" "3 1 1 1" \
	"$(jq out/results.json '"%d %d %d %d" % tuple(d["counts"][k] for k in ("total","pass","fail","error"))')"
tl_expect_eq "results.json order and verdicts" "basic/busy:FAIL basic/call:PASS basic/crash:ERROR" \
	"$(jq out/results.json '" ".join(c["case"]+":"+c["verdict"] for c in d["cases"])')"
tl_expect_eq "verdict.json of the FAIL: SIPp's exit status" 1 \
	"$(jq out/basic/busy/verdict.json 'd["sipp_exit"]')"
tl_expect_eq "verdict.json of the FAIL: SIPp's verdict" "SIPp exits 0" \
	"$(jq out/basic/busy/verdict.json '[f for f in d["failures"] if f["check"] == "sipp"][0]["expected"]')"
tl_expect_eq "verdict.json of the FAIL: the sequence, with its frame" \
	"3 sequence: expected 486 at message 3, got 200 (frame 3) (after: INVITE 180)" \
	"$(jq out/basic/busy/verdict.json '[str(f["frame"]) + " " + f["message"] for f in d["failures"] if f["check"] == "sequence"][0]')"
for f in verdict.json capture.pcap sipp.log sipp-messages.log commands.txt; do
	[ -s "out/basic/call/$f" ] || tl_fail "case folder lacks $f"
done
[ -e out/basic/call/hooks.jsonl ] || tl_fail "case folder lacks hooks.jsonl"

python3 - out/junit.xml <<'PY' || tl_fail "junit.xml"
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
assert r.tag == "testsuites" and r.get("tests") == "3", r.attrib
s = r.find("testsuite")
assert (s.get("name"), s.get("failures"), s.get("errors")) == ("basic", "1", "1"), s.attrib
cases = {c.get("name"): c for c in s.findall("testcase")}
assert cases["busy"].find("failure") is not None
assert "486" in cases["busy"].find("failure").get("message")
assert cases["crash"].find("error") is not None
assert cases["call"].find("failure") is None and cases["call"].find("error") is None
PY

# Nothing answers at --iut-sip: SIPp gives up at the case's timeout, and
# that is the implementation's FAIL, said as such (not a crash).
dead=$(tl_free_port udp)
"$REFERLAB_BIN/referlab" run "$REFERLAB_SRC/tests/runner/cases" \
	--filter 'basic/call' --iut external --iut-sip "sip:127.0.0.1:$dead" \
	--timeout 3 --out out-dead >dead.out 2>&1
tl_expect_eq "exit code when nothing answers" 1 $?
grep -Eq '^\[1/1\] basic/call +FAIL ' dead.out || tl_fail "no FAIL: $(cat dead.out)"
grep -Eq "the SIPp peer waited in vain: call timed out after '[0-9.]+' seconds" dead.out ||
	tl_fail "the FAIL does not say SIPp waited in vain: $(cat dead.out)"

# Without --out: reports/<UTC timestamp>/, and reports/latest points at it.
mkdir -p default && (cd default && "$REFERLAB_BIN/referlab" run \
	"$REFERLAB_SRC/tests/runner/cases" --filter 'basic/call' --iut external \
	--iut-sip "sip:127.0.0.1:$iut_port" >run.out 2>&1)
tl_expect_eq "exit code of a passing run" 0 $?
latest=$(readlink default/reports/latest)
tl_expect_match "reports/latest" '^[0-9]{8}T[0-9]{6}Z$' "$latest"
[ -s "default/reports/$latest/results.json" ] || tl_fail "no results.json under reports/latest"
[ -s default/reports/latest/basic/call/verdict.json ] || tl_fail "no case folder under reports/latest"

# Without --keep-going three ERRORs in a row stop new cases from starting
# (a broken machine would turn every later case into the same ERROR).
mkdir -p stop/a stop/b
for n in 1 2 3; do
	cp "$REFERLAB_SRC/tests/runner/cases/basic/crash.json" "stop/a/crash$n.json"
	cp "$REFERLAB_SRC/tests/runner/cases/basic/crash.xml" "stop/a/crash$n.xml"
done
cp "$REFERLAB_SRC/tests/runner/cases/basic/call."* stop/b/
"$REFERLAB_BIN/referlab" run stop --iut external \
	--iut-sip "sip:127.0.0.1:$iut_port" --out out-stop >stop.out 2>&1
tl_expect_eq "exit code after ERRORs" 1 $?
grep -q "^4 cases: 0 PASS, 0 FAIL, 3 ERROR, 1 not run (stopped after 3 ERRORs in a row; --keep-going runs them)" stop.out ||
	tl_fail "stop after ERRORs: $(cat stop.out)"
echo "run verdicts: ok"
