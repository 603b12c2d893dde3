#!/usr/bin/env bash
# Leaving at the exit deadline with a hook still in flight: SIGTERM while
# the call hook is held by the application server longer than the 5 s the
# sim waits. The call is refused (480), the sim exits 0 on time saying
# what it left behind, and releases the call the hook held (the ASan build,
# -DREFERLAB_SANITIZE=ON, makes a leak here fail the exit status).
source "$REFERLAB_TESTLIB"
tl_need sipp jq
data=$REFERLAB_SRC/tests/sim/data
dir=$(tl_workdir sim/exit_deadline)
cd "$dir" || exit 1

echo '[{"verb": "hangup"}]' >app.json
tl_hooks_start hooks.log hooks.jsonl --app /app=app.json --delay /app=60000
tl_spawn sim.log "$REFERLAB_BIN/referlab-sim" --sip udp:127.0.0.1:0 \
	--call-hook "$TL_HOOKS_URL/app"
sim_pid=$TL_LAST_PID
tl_wait_for sim.log '^referlab-sim: listening udp:' 10
port=$(sed -n 's/^referlab-sim: listening udp:127.0.0.1:\([0-9]*\)$/\1/p' sim.log)

tl_spawn sipp.log sipp "127.0.0.1:$port" -sf "$data/expect_480.xml" -s service \
	-i 127.0.0.1 -m 1 -nostdin -timeout 40s -timeout_error
sipp_pid=$TL_LAST_PID
tl_hooks_wait hooks.jsonl '.path == "/app"' 1 20 || tl_fail "the call hook never arrived"

start=$(date +%s)
kill -TERM "$sim_pid"
tl_wait_pid "$sim_pid" 30
tl_expect_eq "referlab-sim exit status after SIGTERM" 0 "$TL_STATUS"
took=$(($(date +%s) - start))
[ "$took" -le 15 ] || tl_fail "the sim took $took s to leave (its deadline is 5 s)"
grep -q 'leaving with work in flight: 1 hook deliveries' sim.log ||
	tl_fail "sim.log does not say it left a hook in flight (see $dir/sim.log)"
! grep -q 'ERROR: LeakSanitizer' sim.log ||
	tl_fail "leaks on leaving: $(grep -A3 'ERROR: LeakSanitizer' sim.log | head -4)"
tl_wait_pid "$sipp_pid" 30
tl_expect_eq "SIPp exit status (the call refused with 480)" 0 "$TL_STATUS"
echo "sim exit deadline: ok"
