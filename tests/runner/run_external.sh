#!/usr/bin/env bash
# --iut external: referlab-sim, started by hand as if it were a foreign
# implementation, configured once with the runner's call hook URL. The
# runner starts no simulator, says what to configure, runs the cases one
# at a time against it, checks the capture and the hooks, and passes.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp
tl_need_capture

dir=$(tl_workdir runner/run_external)
cd "$dir" || exit 1
lib="$REFERLAB_SRC/scenarios"
[ -f "$lib/carriers/notify-100-200.json" ] || tl_skip "scenarios/ has no carriers/notify-100-200 yet"
mkdir -p suite/carriers
cp "$lib/carriers/notify-100-200."* "$lib/carriers/reject-403."* suite/carriers/

sim_port=$(tl_free_port udp)
hook_port=$(tl_free_port tcp)
tl_spawn sim.log "$REFERLAB_BIN/referlab-sim" --sip "udp:127.0.0.1:$sim_port" \
	--call-hook "http://127.0.0.1:$hook_port/call"
sim_pid=$TL_LAST_PID
tl_wait_for sim.log "^referlab-sim: listening udp:127.0.0.1:$sim_port" 10

"$REFERLAB_BIN/referlab" run suite --iut external \
	--iut-sip "sip:127.0.0.1:$sim_port" --hook-port "$hook_port" \
	--jobs 2 --out "$dir/out" >run.out 2>run.err
status=$?
cat run.out run.err
tl_expect_eq "exit code" 0 "$status"
grep -q "^  its application's call hook: http://127.0.0.1:$hook_port/call" run.out ||
	tl_fail "the runner does not say which call hook to configure"
grep -q "one case at a time" run.err || tl_fail "--jobs 2 silently ignored"
grep -q "^2 cases: 2 PASS, 0 FAIL, 0 ERROR" run.out || tl_fail "summary"
# The runner started no simulator of its own, and the sim served both.
[ ! -e out/carriers/notify-100-200/sim.log ] || tl_fail "a sim was started"
tl_expect_eq "calls the foreign implementation took" 2 \
	"$(grep -c 'INVITE from' sim.log)"
grep -q '"sip_messages":' out/carriers/notify-100-200/verdict.json ||
	tl_fail "the capture was not checked"
kill -0 "$sim_pid" || tl_fail "the external implementation was stopped"

# With a webhook secret, hooks must be signed: this implementation was not
# given one, so every hook fails its signature check, in words.
"$REFERLAB_BIN/referlab" run suite --iut external --filter '*reject-403' \
	--iut-sip "sip:127.0.0.1:$sim_port" --hook-port "$hook_port" \
	--webhook-secret s3cret --out "$dir/out-sig" >sig.out 2>&1
tl_expect_eq "exit code with unsigned hooks" 1 $?
grep -q "hook request 1 (/call): Jambonz-Signature is absent, with the webhook secret set" sig.out ||
	tl_fail "no word of the missing signature: $(cat sig.out)"
# The hook server refused it (403), and recorded it all the same.
tl_expect_eq "unsigned call hook refused and recorded" '["/call","absent",403]' \
	"$(python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(json.dumps([r["path"],r["signature"],r["status"]],separators=(",",":")))' \
		out-sig/carriers/reject-403/hooks.jsonl)"

# A foreign implementation with its own application, whose hooks go
# elsewhere: the hook checks fail; with --no-hooks only SIP is judged.
sim2_port=$(tl_free_port udp)
dead=$(tl_free_port tcp)
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["app"]))' \
	suite/carriers/reject-403.json >app.json
tl_spawn sim2.log "$REFERLAB_BIN/referlab-sim" --sip "udp:127.0.0.1:$sim2_port" \
	--app app.json --hook-base "http://127.0.0.1:$dead"
tl_wait_for sim2.log "^referlab-sim: listening" 10
"$REFERLAB_BIN/referlab" run suite --iut external --filter '*reject-403' \
	--iut-sip "sip:127.0.0.1:$sim2_port" --out "$dir/out-own" >own.out 2>&1
tl_expect_eq "exit code, hooks elsewhere" 1 $?
grep -q "the call hook was never requested" own.out || tl_fail "no word of the missing hooks: $(cat own.out)"
"$REFERLAB_BIN/referlab" run suite --iut external --filter '*reject-403' --no-hooks \
	--iut-sip "sip:127.0.0.1:$sim2_port" --out "$dir/out-nohooks" >nohooks.out 2>&1
tl_expect_eq "exit code with --no-hooks" 0 $?
grep -q '"unchecked_hooks":' out-nohooks/carriers/reject-403/verdict.json ||
	tl_fail "verdict.json does not say the hooks were not checked"
echo "run external: ok"
