#!/usr/bin/env bash
# referlab report's contract: usage errors exit 2, an output it cannot
# write exits 3, bad input is one line naming the file and JSON path and
# exits 4 while what was readable is still reported; 0 when all passed.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"

dir=$(tl_workdir report/report_cli)
cd "$dir" || exit 1
data="$REFERLAB_SRC/tests/report/data"
ref() { "$REFERLAB_BIN/referlab" report "$@"; }

ref >/dev/null 2>err; tl_expect_eq "no file: exit" 2 $?
grep -q "no results file given" err || tl_fail "no file: $(cat err)"
ref "$data/whole.json" --pdf x >/dev/null 2>err; tl_expect_eq "unknown option" 2 $?
grep -q "unknown option '--pdf'" err || tl_fail "unknown option: $(cat err)"
ref "$data/whole.json" --html >/dev/null 2>err; tl_expect_eq "--html without file" 2 $?
ref --help | grep -q "^usage: referlab report RESULTS.json" || tl_fail "--help"

ref "$data/shard1.json" >all-pass.md 2>err; tl_expect_eq "all passed: exit" 0 $?
grep -q "^| call | ✅ PASS |$" all-pass.md || tl_fail "default output is Markdown on stdout"
# Unwritable: a path below a regular file (ENOTDIR), which nothing else on
# the machine can create (a /nonexistent/ folder could exist).
: >afile
ref "$data/whole.json" --md afile/dir/r.md 2>err; tl_expect_eq "unwritable" 3 $?
grep -q "^referlab: report: afile/dir/r.md: Not a directory$" err ||
	tl_fail "unwritable: $(cat err)"

printf '{"cases": [{"case": "a/b", "verdict": "PASS"}, {"case": 3}' >cut.json
ref "$data/shard1.json" nope.json cut.json "$data/bad_cases.json" \
	--md out.md --junit out.xml --json out.json 2>err
tl_expect_eq "bad inputs: exit" 4 $?
cat err
tl_expect_eq "one line per problem" 7 "$(wc -l <err)"
grep -qx "referlab report: nope.json: No such file or directory" err || tl_fail "missing file"
grep -qx "referlab report: cut.json: offset 57 (of 58 bytes): not valid JSON" err || tl_fail "cut file"
grep -qx "referlab report: $data/bad_cases.json: \$.cases\[4\].verdict: missing or not \"PASS\", \"FAIL\" or \"ERROR\"" err ||
	tl_fail "bad verdict"
grep -q "^| one | ✅ PASS |" out.md || tl_fail "the readable cases are not reported"
grep -q "^| call |" out.md || tl_fail "the good file is not reported"
tl_expect_eq "cases kept" 3 "$(python3 -c 'import json;print(len(json.load(open("out.json"))["cases"]))')"
xmllint --noout out.xml || tl_fail "junit.xml is not XML"
# Markdown stays a comment's size: the first 40 failures, then a count.
python3 -c '
import json
cases = [{"case": "many/c%02d" % i, "verdict": "FAIL",
          "failures": [{"check": "x", "message": "failure %d" % i}]} for i in range(45)]
json.dump({"cases": cases}, open("many.json", "w"))'
ref many.json --md many.md 2>err; tl_expect_eq "many failures: exit" 1 $?
tl_expect_eq "failures listed" 40 "$(grep -c '^- \*\*many/' many.md)"
grep -q "^- … and 5 more (the HTML report has them all)$" many.md || tl_fail "no count of the rest"

# analyze --html: the same contract for a bare capture
cap="$REFERLAB_SRC/captures/transfer-udp4.pcap"
"$REFERLAB_BIN/referlab" analyze "$cap" --html >/dev/null 2>err
tl_expect_eq "analyze --html without file" 2 $?
grep -q "analyze: --html needs a file name" err || tl_fail "analyze --html: $(cat err)"
"$REFERLAB_BIN/referlab" analyze "$cap" --html afile/c.html >/dev/null 2>err
tl_expect_eq "analyze --html unwritable" 3 $?
grep -q "afile/c.html: Not a directory" err || tl_fail "$(cat err)"
head -c 3000 "$cap" >cut.pcap
"$REFERLAB_BIN/referlab" analyze cut.pcap --html cut.html >/dev/null 2>err
tl_expect_eq "analyze --html of a cut capture" 4 $?
grep -q "<h1>referlab capture analysis</h1>" cut.html ||
	tl_fail "a cut capture gets no page for what was read"
grep -q "cut.pcap: offset" cut.html || tl_fail "the page does not say where reading stopped"
echo "report cli: ok"
