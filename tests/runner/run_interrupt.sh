#!/usr/bin/env bash
# Ctrl-C during a run: the runner stops its workers, they stop SIPp, and no
# child of the run survives; what finished is still reported, exit 130.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp
tl_need_capture

dir=$(tl_workdir runner/run_interrupt)
cd "$dir" || exit 1
iut_port=$(tl_free_port udp)
tl_spawn uas.log sipp -sn uas -i 127.0.0.1 -p "$iut_port" -nostdin \
	-cp "$(tl_free_port udp)" -mp "$(tl_free_port udp 4)"
tl_wait_port udp "$iut_port" 10 uas.log

# Two cases that hold their call for a minute (an external implementation
# takes one case at a time).
mkdir -p suite/hang
for n in 1 2; do
	cp "$REFERLAB_SRC/tests/runner/cases/hang/hang.xml" "suite/hang/h$n.xml"
	cp "$REFERLAB_SRC/tests/runner/cases/hang/hang.json" "suite/hang/h$n.json"
done
out="$dir/out"
tl_spawn run.out "$REFERLAB_BIN/referlab" run suite --iut external \
	--iut-sip "sip:127.0.0.1:$iut_port" --out "$out"
run_pid=$TL_LAST_PID

# The SIPp peer is in its call (its message log has the INVITE's answer).
tl_wait_for "$out/hang/h1/sipp-messages.log" "SIP/2.0 200" 20
before=$(pgrep -f -- "$out" | wc -l)
[ "$before" -ge 2 ] || tl_fail "expected the runner, a worker and SIPp, found $before"

kill -INT "$run_pid"
tl_wait_pid "$run_pid" 20
tl_expect_eq "exit code after Ctrl-C" 130 "$TL_STATUS"

left=$(pgrep -af -- "$out")
[ -z "$left" ] || tl_fail "children survived Ctrl-C: $left"
grep -q "2 not run (interrupted)\|interrupted" run.out || tl_fail "no word of the interruption: $(cat run.out)"
[ -s "$out/results.json" ] || tl_fail "no results.json after Ctrl-C"
grep -q '"interrupted":	true' "$out/results.json" || tl_fail "results.json does not say interrupted"

# The same with the built-in implementation, two cases at a time: two
# workers, two referlab-sim, two SIPp, all gone after Ctrl-C.
out2="$dir/out2"
tl_spawn run2.out "$REFERLAB_BIN/referlab" run suite --out "$out2" --jobs 2
run_pid=$TL_LAST_PID
tl_wait_for "$out2/hang/h1/sipp-messages.log" "SIP/2.0 200" 20
tl_wait_for "$out2/hang/h2/sipp-messages.log" "SIP/2.0 200" 20
sims=$(pgrep -f -- "referlab-sim .*$out2" | wc -l)
tl_expect_eq "referlab-sim processes while the calls are up" 2 "$sims"
kill -INT "$run_pid"
tl_wait_pid "$run_pid" 20
tl_expect_eq "exit code after Ctrl-C (built-in)" 130 "$TL_STATUS"
left=$(pgrep -af -- "$out2")
[ -z "$left" ] || tl_fail "children survived Ctrl-C: $left"

# Even SIGKILL, which the runner cannot catch: its children die with it.
out3="$dir/out3"
tl_spawn run3.out "$REFERLAB_BIN/referlab" run suite --out "$out3" --jobs 2
run_pid=$TL_LAST_PID
tl_wait_for "$out3/hang/h1/sipp-messages.log" "SIP/2.0 200" 20
tl_wait_for "$out3/hang/h2/sipp-messages.log" "SIP/2.0 200" 20
kill -KILL "$run_pid"
for ((i = 0; i < 100; i++)); do
	pgrep -f -- "$out3" >/dev/null || break
	sleep 0.05
done
left=$(pgrep -af -- "$out3")
[ -z "$left" ] || tl_fail "children survived the runner's SIGKILL: $left"
echo "run interrupt: ok"
