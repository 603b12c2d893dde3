#!/usr/bin/env bash
# A stuck peer never hangs a run. SIPp is frozen mid-call (SIGSTOP: it
# answers nothing, not its own -timeout, not SIGTERM); the runner's own
# deadline ends it at the case's timeout, and the case is a FAIL that
# says why, in the progress line, verdict.json and results.json. Without
# that deadline the case would end only when the run gives up on its
# worker (timeout + 30 s), as an ERROR: which the second half shows.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp python3 pgrep

dir=$(tl_workdir runner/run_stuck)
cd "$dir" || exit 1
tl_spawn run.out "$REFERLAB_BIN/referlab" run "$REFERLAB_SRC/tests/runner/cases" \
	--filter 'stuck/*' --out "$dir/out"
run=$TL_LAST_PID
log="$dir/out/stuck/ringing/sipp-messages.log"
tl_wait_for "$log" "^INVITE sip:" 20
sipp=$(pgrep -f -- "-message_file $log") || tl_fail "no SIPp for $log"
kill -STOP "$sipp" || tl_fail "cannot freeze SIPp ($sipp)"

tl_wait_pid "$run" 60
tl_expect_eq "exit code of a run with a stuck peer" 1 "$TL_STATUS"
cat run.out
kill -0 "$sipp" 2>/dev/null && tl_fail "the frozen SIPp ($sipp) survived the run"
reason="the SIPp peer had not ended after the case's 3 s timeout: stopped"
grep -Eq '^\[1/1\] stuck/ringing +FAIL ' run.out || tl_fail "no FAIL progress line"
grep -qF "$reason" run.out || tl_fail "the progress output does not say the peer was stopped"

jq() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
tl_expect_eq "results.json: the verdict" FAIL "$(jq out/results.json 'd["cases"][0]["verdict"]')"
tl_expect_eq "results.json: the timeout failure" "$reason" \
	"$(jq out/results.json '[f["message"] for f in d["cases"][0]["failures"] if f["check"] == "timeout"][0][:len(sys.argv[3])]' "$reason")"
# Bounded by the case's timeout plus the runner's slack and stop graces
# (about 6 s), far from the worker's limit; generous for a loaded box.
took=$(jq out/stuck/ringing/verdict.json 'd["duration_s"]')
python3 -c "import sys; sys.exit(not float(sys.argv[1]) < 20)" "$took" ||
	tl_fail "the stuck case took $took s"

# A stuck worker (frozen: it cannot stop its children) is the run's to
# end: at the case's own timeout plus 30 s, not --timeout's (60 s).
start=$SECONDS
tl_spawn run2.out "$REFERLAB_BIN/referlab" run "$REFERLAB_SRC/tests/runner/cases" \
	--filter 'stuck/*' --out "$dir/out2"
run=$TL_LAST_PID
log="$dir/out2/stuck/ringing/sipp-messages.log"
tl_wait_for "$log" "^INVITE sip:" 20
worker=$(pgrep -P "$run") || tl_fail "no worker under the run ($run)"
sipp=$(pgrep -f -- "-message_file $log") || tl_fail "no SIPp for $log"
sim=$(pgrep -f -- "--trace $dir/out2/stuck/ringing/sim-trace.pcap") || tl_fail "no sim"
kill -STOP "$worker" || tl_fail "cannot freeze the worker ($worker)"
tl_wait_pid "$run" 80
tl_expect_eq "exit code of a run with a stuck worker" 1 "$TL_STATUS"
cat run2.out
grep -q "the case did not end within its 3 s timeout plus 30 s for cleanup; it was stopped" run2.out ||
	tl_fail "the ERROR does not say the case was stopped"
(( SECONDS - start < 60 )) || tl_fail "the stuck worker was stopped after $((SECONDS - start)) s"
for p in "$worker" "$sipp" "$sim"; do
	! kill -0 "$p" 2>/dev/null || tl_fail "process $p survived the run"
done
echo "run stuck: ok ($took s, a stuck worker $((SECONDS - start)) s)"
