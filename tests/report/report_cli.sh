#!/usr/bin/env bash
# referlab report's contract: usage errors exit 2, an output it cannot
# write exits 3, bad input is one line naming the file and JSON path and
# exits 4 while what was readable is still reported; 0 when all passed.
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
ref "$data/whole.json" --md /nonexistent/dir/r.md 2>err; tl_expect_eq "unwritable" 3 $?
grep -q "^referlab: report: /nonexistent/dir/r.md: No such file or directory$" err ||
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
echo "report cli: ok"
