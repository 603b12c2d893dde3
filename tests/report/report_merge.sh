#!/usr/bin/env bash
# A merge of N shards is the unsharded run's report: the same suite run
# whole and in two shards by `referlab run` (a SIPp UAS stands in for an
# external implementation), then `referlab report` over both. Everything
# but times, paths and the captures must be equal, in JSON, Markdown and
# JUnit.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp
tl_need python3
tl_need xmllint

dir=$(tl_workdir report/report_merge)
cd "$dir" || exit 1
port=$(tl_free_port udp)
tl_spawn uas.log sipp -sn uas -i 127.0.0.1 -p "$port" -nostdin \
	-cp "$(tl_free_port udp)" -mp "$(tl_free_port udp 4)"
tl_wait_port udp "$port" 10 uas.log

run() {   # run OUT WANT-EXIT [--shard I/N]
	local out=$1 want=$2; shift 2
	"$REFERLAB_BIN/referlab" run "$REFERLAB_SRC/tests/runner/cases" \
		--filter 'basic/*' --iut external --iut-sip "sip:127.0.0.1:$port" \
		--keep-going --out "$out" "$@" >"$out.log" 2>&1
	local rc=$?
	tl_expect_eq "run $out: exit code" "$want" "$rc"
}
# shard 1/2 holds basic/call (PASS), 2/2 basic/busy and basic/crash
"$REFERLAB_BIN/referlab" run "$REFERLAB_SRC/tests/runner/cases" --filter 'basic/*' \
	--list --shard 1/2 2>/dev/null | grep -qx basic/call ||
	tl_fail "the shard split changed; pick shards with both verdicts apart"
run whole 1
run s1 0 --shard 1/2
run s2 1 --shard 2/2

for out in whole s1 s2; do   # the runner's own page, beside its results
	grep -q '<h1>referlab interop report</h1>' "$out/report.html" ||
		tl_fail "referlab run wrote no $out/report.html"
done

report() {   # report NAME RESULTS...
	local name=$1; shift
	"$REFERLAB_BIN/referlab" report "$@" --json "$name.json" --md "$name.md" \
		--junit "$name.xml" --html "$name.html" 2>"$name.err"
	tl_expect_eq "report $name: exit code (a FAIL and an ERROR)" 1 $?
	[ -s "$name.err" ] && tl_fail "report $name said: $(cat "$name.err")"
	xmllint --noout --schema "$REFERLAB_SRC/tests/report/junit.xsd" "$name.xml" \
		2>"$name.xmllint" || tl_fail "$name.xml: $(head -3 "$name.xmllint")"
}
report whole whole/results.json
report merged s2/results.json s1/results.json

python3 - <<'PY' || tl_fail "the merged report differs from the unsharded one"
import json, re, sys
def norm(d):
    for r in d["runs"]:
        for k in ("duration_s", "finished", "sources", "shards"):
            r.pop(k)
    for c in d["cases"]:
        c.pop("duration_s"); c.pop("dir")
        # another case's call on the shared external port: which one, if
        # any, depends on what ran beside it, not on the case
        c.pop("capture_foreign_messages", None)
        c.pop("capture_foreign_call_id", None)
    d.pop("duration_s"); d.pop("finished")
    return d
a, b = (norm(json.load(open(f))) for f in ("whole.json", "merged.json"))
if a != b:
    print(json.dumps(a, indent=1), json.dumps(b, indent=1), sep="\n----\n")
    sys.exit(1)
assert a["counts"] == {"total": 3, "pass": 1, "fail": 1, "error": 1}, a["counts"]
assert [c["case"] for c in a["cases"]] == ["basic/busy", "basic/call", "basic/crash"]
assert len(a["runs"]) == 1
def md(f):   # the per-run line carries times and shards
    return [l for l in open(f) if not l.startswith("- external")]
assert md("whole.md") == md("merged.md"), "markdown differs"
def junit(f):
    t = open(f).read()
    # the ladders are of different captures (other ports, other timing)
    return re.sub(r'time="[0-9.]+"|<system-out>.*?</system-out>', "", t, flags=re.S)
assert junit("whole.xml") == junit("merged.xml"), "junit differs"
print("merged == whole")
PY
# every link of the merged page opens a file of the shards' case folders
python3 - <<'PY' || tl_fail "merged.html has broken links"
import os, re, sys, urllib.parse
hrefs = re.findall(r'href="([^"#][^"]*)"', open("merged.html").read())
missing = [h for h in hrefs if not os.path.isfile(urllib.parse.unquote(h))]
assert hrefs and not missing, missing or "no links"
assert any(h.startswith("s1/basic/call/") for h in hrefs), hrefs[:5]
assert any(h.endswith("/capture.pcap") for h in hrefs), hrefs[:5]
PY
grep -q '^| busy | ❌ FAIL |$' merged.md || tl_fail "markdown matrix: $(cat merged.md)"
grep -q "shards 1/2 2/2" merged.md || tl_fail "markdown does not name the shards"
echo "report merge: ok"
