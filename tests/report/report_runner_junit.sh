#!/usr/bin/env bash
# The junit.xml that `referlab run` writes is the report's (one JUnit
# writer): it validates against tests/report/junit.xsd, with a PASS, a
# FAIL and an ERROR, and with group and case names that are markup. The
# implementation is a SIPp UAS (as in tests/runner/run_verdicts.sh).
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp python3 xmllint
tl_need_capture

dir=$(tl_workdir report/report_runner_junit)
cd "$dir" || exit 1
cases="$REFERLAB_SRC/tests/runner/cases/basic"
group='g<&amp;"x'"'"'>'
mkdir -p "suite/$group"
for c in call busy crash; do
	for ext in json xml; do
		cp "$cases/$c.$ext" "suite/$group/$c<&>.$ext"
	done
done

iut_port=$(tl_free_port udp)
tl_spawn uas.log sipp -sn uas -i 127.0.0.1 -p "$iut_port" -nostdin \
	-cp "$(tl_free_port udp)" -mp "$(tl_free_port udp 4)"
tl_wait_port udp "$iut_port" 10 uas.log

"$REFERLAB_BIN/referlab" run suite --iut external --iut-sip "sip:127.0.0.1:$iut_port" \
	--out out --keep-going >run.out 2>run.err
tl_expect_eq "exit code with a FAIL and an ERROR" 1 $?
grep -q "^3 cases: 1 PASS, 1 FAIL, 1 ERROR" run.out || tl_fail "summary: $(cat run.out run.err)"
[ -s run.err ] && grep -v 'one case at a time' run.err | grep -q . &&
	tl_fail "stderr: $(head -3 run.err)"

xmllint --noout --schema "$REFERLAB_SRC/tests/report/junit.xsd" out/junit.xml 2>xmllint.err ||
	tl_fail "out/junit.xml: $(head -3 xmllint.err)"

python3 - out/junit.xml "$group" <<'PY' || tl_fail "junit.xml content"
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
group = sys.argv[2]
assert (r.get("tests"), r.get("failures"), r.get("errors")) == ("3", "1", "1"), r.attrib
(s,) = r.findall("testsuite")
assert s.get("name") == group, s.get("name")
cases = {c.get("name"): c for c in s.findall("testcase")}
assert set(cases) == {"call<&>", "busy<&>", "crash<&>"}, set(cases)
assert "486" in cases["busy<&>"].find("failure").get("message")
assert cases["crash<&>"].find("error") is not None
assert cases["call<&>"].find("failure") is None
# the case folder and the ladder from its capture, as `referlab report`
assert "case folder: " in cases["call<&>"].find("system-out").text
PY

# The same writer as `referlab report --junit`: byte for byte.
"$REFERLAB_BIN/referlab" report out/results.json --junit again.xml >/dev/null 2>&1
cmp out/junit.xml again.xml || tl_fail "the runner's junit.xml differs from the report's"
echo "runner junit: ok"
