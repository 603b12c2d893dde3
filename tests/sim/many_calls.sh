#!/usr/bin/env bash
# 200 carrier calls, up to 100 at once, each with its own REFER and
# NOTIFYs: every call is independent state in one event loop, so every
# one gets its own complete set of hooks and the sim exits by itself.
source "$REFERLAB_TESTLIB"
tl_need sipp jq
n=200
scen=$REFERLAB_SRC/tests/sim/scenarios/refer_202_notify
dir=$(tl_workdir sim/many_calls)
cd "$dir" || exit 1

tl_spawn hooks.log "$REFERLAB_BIN/referlab" hooks --listen 127.0.0.1:0 \
	--record hooks.jsonl --app "/app=$scen/app.json"
tl_wait_for hooks.log '^referlab hooks: listening http://' 10
url=$(sed -n 's/^referlab hooks: listening //p' hooks.log)
tl_spawn sim.log "$REFERLAB_BIN/referlab-sim" --sip udp:127.0.0.1:0 \
	--call-hook "$url/app" --exit-after-calls "$n"
sim_pid=$TL_LAST_PID
tl_wait_for sim.log '^referlab-sim: listening udp:' 10
port=$(sed -n 's/^referlab-sim: listening udp:127.0.0.1:\([0-9]*\)$/\1/p' sim.log)

sipp "127.0.0.1:$port" -sf "$scen/scenario.xml" -s service -i 127.0.0.1 \
	-m "$n" -r 100 -l 100 -nostdin -timeout 90s -timeout_error \
	-trace_err -error_file sipp.err >sipp.log 2>&1
tl_expect_eq "SIPp exit status ($n calls)" 0 $?
tl_wait_pid "$sim_pid" 60
tl_expect_eq "referlab-sim exit status" 0 "$TL_STATUS"

count() { jq -r "select(.path == \"$1\") | $2" hooks.jsonl | sort | uniq -c | awk '{print $1, $2}'; }
tl_expect_eq "call hooks, one per call" "$n" "$(count /app .body.callSid | wc -l)"
tl_expect_eq "actionHooks: all 202/200" "$n 202/200" \
	"$(count /action '"\(.body.referStatus)/\(.body.final_referred_call_status)"')"
tl_expect_eq "actionHooks: one per call" "$n" "$(count /action .body.callSid | wc -l)"
tl_expect_eq "eventHooks per status" "$(printf '%s 100\n%s 180\n%s 200' $n $n $n)" \
	"$(count /event .body.call_status)"
echo "sim many calls: ok"
