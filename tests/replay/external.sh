#!/usr/bin/env bash
# referlab replay --iut external: the field trace's far end replayed
# against referlab-sim started by hand, as if it were a foreign
# implementation configured once with the runner's call hook URL.
source "$REFERLAB_TESTLIB"
tl_need sipp
tl_need_capture

dir=$(tl_workdir replay/external)
cd "$dir" || exit 1
sim_port=$(tl_free_port udp)
# The hook port is bound late, by the runner: keep it out of the
# ephemeral range, where any outgoing connection may take it meanwhile.
read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range
for ((i = 0; i < 50; i++)); do
	hook_port=$(tl_free_port tcp)
	[ "$hook_port" -lt "$eph_lo" ] && break
done
[ "$hook_port" -lt "$eph_lo" ] || tl_fail "no free port below $eph_lo in 50 tries"
tl_spawn sim.log "$REFERLAB_BIN/referlab-sim" --sip "udp:127.0.0.1:$sim_port" \
	--call-hook "http://127.0.0.1:$hook_port/call"
sim_pid=$TL_LAST_PID
tl_wait_for sim.log "^referlab-sim: listening udp:127.0.0.1:$sim_port" 10

"$REFERLAB_BIN/referlab" replay "$REFERLAB_SRC/captures/field/notify-after-bye.pcap" \
	--iut external --iut-sip "sip:127.0.0.1:$sim_port" --hook-port "$hook_port" \
	--timing fast --out work >replay.out 2>&1
code=$?
cat replay.out
tl_expect_eq "exit code" 0 "$code"
grep -q '^   verdict: PASS$' replay.out || tl_fail "no PASS"
grep -q "its application's call hook: http://127.0.0.1:$hook_port/call" replay.out ||
	tl_fail "the user is not told which call hook to configure"
grep -Eq '^   .{24} [<>]' replay.out && tl_fail "the sequences differ"
[ ! -e work/run/notify-after-bye-t1/sim.log ] || tl_fail "a sim of its own was started"
grep -q 'INVITE from' sim.log || tl_fail "the foreign implementation took no call"
kill -0 "$sim_pid" || tl_fail "the external implementation was stopped"
grep -q '<pause' work/cases/notify-after-bye-t1.xml && tl_fail "--timing fast left pauses"
echo "replay external: ok"
