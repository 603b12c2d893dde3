#!/usr/bin/env bash
# Two cases at once, their SIPp peers on adjacent ports, against one
# implementation (one SIP port: the port both captures listen on). The
# neighbour's call comes in first, inside the first case's capture: the
# first case still judges its own call (its SIPp peer's Call-ID), names
# the neighbour's in verdict.json, and each report holds its own Call-ID
# only. Judging the first INVITE of the capture, the first case would
# check the neighbour's rejected REFER and fail.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp python3
tl_need_capture

dir=$(tl_workdir runner/capture_neighbour)
cd "$dir" || exit 1
lib="$REFERLAB_SRC/scenarios"
[ -f "$lib/carriers/notify-100-200.json" ] || tl_skip "scenarios/ has no carriers/notify-100-200 yet"
mkdir -p mine/carriers neighbour/carriers
# The case: a transfer whose carrier waits 1.5 s before its INVITE, the
# time for the neighbour's whole call.
cp "$lib/carriers/notify-100-200.json" mine/carriers/
sed 's|^\(<scenario [^>]*>\)$|\1\n  <pause milliseconds="1500"/>|' \
	"$lib/carriers/notify-100-200.xml" >mine/carriers/notify-100-200.xml
grep -q '<pause milliseconds="1500"/>' mine/carriers/notify-100-200.xml ||
	tl_fail "the scenario's first element moved: no pause inserted"
# The neighbour: a transfer the carrier rejects (403).
cp "$lib/carriers/reject-403."* neighbour/carriers/

sim_port=$(tl_free_port udp)
hook_port=$(tl_free_port tcp)
peer=$(tl_free_port udp 2)   # and peer + 1
# Its one call hook is the case's hook server: the neighbour's call gets
# the same application (and its hooks are not checked: --no-hooks).
tl_spawn sim.log "$REFERLAB_BIN/referlab-sim" --sip "udp:127.0.0.1:$sim_port" \
	--call-hook "http://127.0.0.1:$hook_port/call"
tl_wait_for sim.log "^referlab-sim: listening" 10

run() {   # run NAME PEER_PORT [OPTION...]
	local name=$1 port=$2
	shift 2
	"$REFERLAB_BIN/referlab" run "$name" --iut external --no-hooks \
		--iut-sip "sip:127.0.0.1:$sim_port" --peer-port "$port" "$@" \
		--out "$dir/out-$name" >"$name.out" 2>&1
}
run mine "$peer" --hook-port "$hook_port" &
mine_pid=$!
# its capture is on once its SIPp was started (commands.txt)
tl_wait_for out-mine/carriers/notify-100-200/commands.txt "^sipp " 10
run neighbour "$((peer + 1))"
tl_expect_eq "the neighbour's exit code" 0 $?
wait "$mine_pid"
status=$?
cat mine.out neighbour.out
tl_expect_eq "the case's exit code" 0 "$status"

# The Call-IDs each SIPp peer sent in, and what each verdict says.
sent_callid() {
	awk '/ message sent \(/ { s = 1; next } /^-----/ { s = 0 }
	     s && /^Call-ID:/ { sub(/\r$/, "", $2); print $2; exit }' "$1/sipp-messages.log"
}
mine_dir=out-mine/carriers/notify-100-200
nb_dir=out-neighbour/carriers/reject-403
mine_id=$(sent_callid "$mine_dir")
nb_id=$(sent_callid "$nb_dir")
[ -n "$mine_id" ] && [ -n "$nb_id" ] && [ "$mine_id" != "$nb_id" ] ||
	tl_fail "Call-IDs: '$mine_id' and '$nb_id'"
field() {
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' \
		"$1/verdict.json" "$2"
}
# The setup did what it says: the neighbour's call is in the case's
# capture, before the case's own INVITE.
grep -aq "$nb_id" "$mine_dir/capture.pcap" ||
	tl_fail "the neighbour's call is not in the case's capture: the test proves nothing"
tl_expect_eq "the neighbour's call, named" "$nb_id" "$(field "$mine_dir" capture_foreign_call_id)"
[ "$(field "$mine_dir" capture_foreign_messages)" -ge 8 ] ||
	tl_fail "the neighbour's messages left out: $(field "$mine_dir" capture_foreign_messages)"
tl_expect_eq "the case's messages checked" 12 "$(field "$mine_dir" sip_messages)"
tl_expect_eq "the neighbour's own report has no other call" "" \
	"$(field "$nb_dir" capture_foreign_call_id)"
grep -aq "$mine_id" "$nb_dir/capture.pcap" &&
	tl_fail "the case's call is in the neighbour's capture"
echo "capture neighbour: ok"
