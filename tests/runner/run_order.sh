#!/usr/bin/env bash
# The schedule: cases start longest timeout first (the suite's longest
# case runs beside the others, not after them), results stay in suite
# order; --quick leaves out the cases tagged timer-64t1, --transport
# leaves out a case written for the other transport, each reported apart
# with its reason (summary, results.json meta.left_out) and neither
# passing nor failing.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp python3

dir=$(tl_workdir runner/run_order)
cd "$dir" || exit 1
lib="$REFERLAB_SRC/scenarios/carriers"
mkdir -p suite
# Four copies of one short library case, told apart by their keys only.
mk() { # NAME PYTHON-EXPR-ON-e
	cp "$lib/reject-403.xml" "suite/$1.xml"
	python3 - "$lib/reject-403.json" "suite/$1.json" "$2" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY
}
mk a-short 'e["timeout"] = 10'
mk b-long 'e["timeout"] = 40'
mk c-udp 'e["peer"]["transports"] = ["udp"]'
mk d-slow 'e["tags"] = ["timer-64t1"]'

"$REFERLAB_BIN/referlab" run suite --list --quick >list.out 2>list.err
tl_expect_eq "--list --quick: the cases left" "a-short b-long c-udp" "$(tr '\n' ' ' <list.out | sed 's/ $//')"
grep -q "^left out: d-slow (--quick: waits out a 64\*T1 transaction timer (tag timer-64t1))$" list.err ||
	tl_fail "--list --quick does not say what it left out: $(cat list.err)"

"$REFERLAB_BIN/referlab" run suite --jobs 1 --quick --transport tcp --out out >run.out 2>&1
tl_expect_eq "exit code: the cases that ran passed" 0 $?
cat run.out
grep -Eq '^\[1/2\] b-long +PASS' run.out || tl_fail "the longest case did not start first"
grep -Eq '^\[2/2\] a-short +PASS' run.out || tl_fail "a-short did not run second"
grep -q "^2 cases: 2 PASS, 0 FAIL, 0 ERROR in" run.out || tl_fail "summary"
grep -q "^left out: c-udp (not applicable to --transport tcp: the case is for udp only)$" run.out ||
	tl_fail "the UDP-only case is not reported as left out"
grep -q "^left out: d-slow (--quick: " run.out || tl_fail "the tagged case is not reported as left out"
[ ! -e out/c-udp ] && [ ! -e out/d-slow ] || tl_fail "a left-out case ran"

jq() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
tl_expect_eq "results.json: suite order" "a-short b-long" \
	"$(jq out/results.json '" ".join(c["case"] for c in d["cases"])')"
tl_expect_eq "results.json: left_out" "c-udp d-slow" \
	"$(jq out/results.json '" ".join(c["case"] for c in d["left_out"])')"

# junit.xml (the report's writer) keeps the left-out cases as skipped
# tests with their reasons, and still validates.
if command -v xmllint >/dev/null; then
	xmllint --noout --schema "$REFERLAB_SRC/tests/report/junit.xsd" out/junit.xml 2>xsd.err ||
		tl_fail "junit.xml: $(head -3 xsd.err)"
fi
skipped=$(python3 - out/junit.xml <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(root.get("tests"), " ".join(
    "%s=%s" % (tc.get("name"), tc.find("skipped").get("message").split(":")[0])
    for tc in root.iter("testcase") if tc.find("skipped") is not None))
PY
)
tl_expect_eq "junit.xml: 4 tests, 2 skipped with their reasons" \
	"4 c-udp=not applicable to --transport tcp d-slow=--quick" "$skipped"
"$REFERLAB_BIN/referlab" report out/results.json --md report.md >/dev/null 2>&1 ||
	tl_fail "referlab report on a run with left-out cases failed"
grep -q "left out: c-udp, d-slow" report.md || tl_fail "the markdown report does not name the left-out cases"
# Beside a run that played them, the interop matrix says "left out" in
# this run's column (the reason as the HTML cell's title), not "—".
"$REFERLAB_BIN/referlab" run suite --jobs 2 --out out2 >run2.out 2>&1 ||
	tl_fail "the run of every case failed: $(tail -3 run2.out)"
"$REFERLAB_BIN/referlab" report out/results.json out2/results.json --md both.md \
	--html both.html >/dev/null 2>&1 || tl_fail "referlab report of both runs failed"
tl_expect_eq "matrix rows of the left-out cases" \
	"| c-udp | ✅ PASS | left out | | d-slow | ✅ PASS | left out |" \
	"$(grep -E '^\| (c-udp|d-slow) \|' both.md | tr '\n' ' ' | sed 's/ $//')"
grep -q 'title="--quick: waits out a 64\*T1 transaction timer (tag timer-64t1)">left out</td>' both.html ||
	tl_fail "the HTML matrix does not give the reason of a left-out cell"
echo "run order: ok"
