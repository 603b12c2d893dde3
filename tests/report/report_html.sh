#!/usr/bin/env bash
# The HTML report and `analyze --html` in a real browser: a capture whose
# headers carry <script>, "><img onerror> and </svg>, a case name, hook
# record and failure message doing the same. Headless Chromium builds the
# DOM: no injected element may exist, every string shows as text, and a
# screenshot proves the page renders.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need python3
command -v chromium >/dev/null || tl_skip "no chromium (scripts/deps.sh installs it)"

dir=$(tl_workdir report/report_html)
cd "$dir" || exit 1
tools="$REFERLAB_BIN/../tests/bin"
here="$REFERLAB_SRC/tests/report"
name='evil/<svg onload=alert(4)>'
mkdir -p "out/$name"
"$tools/report_evilcap" "out/$name/capture.pcap" || tl_fail "evilcap"

python3 - "$name" <<'PY'
import json, sys
name = sys.argv[1]
xss = "<script>document.title='pwned-d'</script>"
case = {"case": name, "verdict": "FAIL", "errors": [], "duration_s": 0.2,
        "iut_sip": "sip:127.0.0.1:5060",
        "failures": [{"check": "hook", "message": "hook " + xss + " missing",
                      "expected": "\"><img src=x onerror=alert(6)>",
                      "got": "</svg></svg>", "frame": 4}]}
meta = {"referlab": "0.1.0", "finished": "2026-11-25T09:00:00Z", "duration_s": 0.3,
        "iut": {"kind": "builtin", "version": "referlab-sim 0.1.0" + xss, "dialect": "spec"},
        "transport": "udp", "family": "ipv4", "cases": [case]}
json.dump(meta, open("out/results.json", "w"))
rec = {"seq": 1, "time": "2026-11-18T12:39:15.110Z", "method": "POST",
       "path": "/event</svg><img src=x onerror=alert(7)>", "status": 200,
       "body": {"event": "transfer-status", "call_status": "<script>alert(8)</script>"}}
open("out/" + name + "/hooks.jsonl", "w").write(json.dumps(rec) + "\nnot json\n")
PY

"$REFERLAB_BIN/referlab" report out/results.json --html report.html \
	--md report.md --junit junit.xml >report.out 2>report.err
# the case folder's unreadable hook record: an input problem (exit 4, over
# the FAIL's 1), said once on stderr though --html and --junit both read
# the folder; nothing else there (sanitizer reports included)
tl_expect_eq "report exit code with a FAIL and a bad hooks.jsonl line" 4 $?
said=$(cat report.err)
[[ $said == "referlab: report: out/$name/hooks.jsonl: offset "[0-9]*" (line 2): not valid JSON" ]] ||
	tl_fail "report's stderr: $said"
tl_expect_eq "lines on report's stderr" 1 "$(wc -l <report.err)"
"$REFERLAB_BIN/referlab" analyze out/"$name"/capture.pcap --html capture.html \
	>analyze.out 2>analyze.err
tl_expect_eq "analyze --html exit code" 0 $?
[ -s analyze.err ] && tl_fail "analyze.err: $(head -3 analyze.err)"

browse() {   # browse PAGE OUT [--screenshot=... --window-size=...]
	local page=$1 out=$2; shift 2
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$dir/profile.XXXX")" "$@" \
		"file://$dir/$page" >"$out" 2>"$out.err"
}
browse report.html report.dom --dump-dom || tl_fail "chromium --dump-dom: $(tail -3 report.dom.err)"
python3 "$here/domcheck.py" report.dom 1 \
	"<script>document.title='pwned-a'</script>" \
	"\"><img src=x onerror=\"document.title='pwned-b'\">" \
	"</svg><script>document.title='pwned-c'</script>" \
	"hook <script>document.title='pwned-d'</script> missing" \
	"$name" "/event</svg><img src=x onerror=alert(7)>" \
	"</svg><img src=x onerror=alert(5)>" || tl_fail "report.html"
browse capture.html capture.dom --dump-dom || tl_fail "chromium --dump-dom capture.html"
python3 "$here/domcheck.py" capture.dom 1 \
	"<script>document.title='pwned-a'</script>" \
	"</svg><script>document.title='pwned-c'</script>" || tl_fail "capture.html"

browse report.html shot.out --screenshot="$dir/report.png" --window-size=1280,2000 ||
	tl_fail "chromium --screenshot"
size=$(stat -c %s report.png 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || tl_fail "screenshot report.png is $size bytes"
tl_info "screenshot: $dir/report.png"

# The same strings in JUnit (valid XML, schema) and Markdown (no raw tag).
xmllint --noout --schema "$here/junit.xsd" junit.xml 2>xmllint.err ||
	tl_fail "junit.xml: $(head -3 xmllint.err)"
grep -q '<img\|<script\|<svg' report.md && tl_fail "report.md carries a raw tag"
grep -Eq "hooks.jsonl: offset [0-9]+ \(line 2\): not valid JSON" report.html ||
	tl_fail "the unreadable hook record is not said"
echo "report html: ok"
