#!/usr/bin/env bash
# One referlab-sim integration case, named by $SIM_CASE: the files in
# scenarios/$SIM_CASE/ say everything (adding a case is adding a folder):
#   scenario.xml  the SIPp peer (a carrier calling in, or a phone --dial'ed)
#   app.json      the application: served on the call hook by
#                 `referlab hooks` (or given with --app when APP=file)
#   case.conf     optional: TRANSPORT=udp|tcp FAMILY=4|6 MODE=inbound|dial
#                 SIM_ARGS="..." (extra referlab-sim options)
#                 SIPP_ARGS="..." (extra SIPp options, e.g. -nr)
#                 BASE=other_case (take that case's files, then ours)
#                 APP=hook|file  HOOK_ARGS="..." (extra `referlab hooks`
#                 options, e.g. --answer /action=action.json)
#                 SIGNATURE=valid, AUTH=valid (what the recorder must say of
#                 every hook's Jambonz-Signature / basic auth)
#                 HOOKS_ORDER=strict: expect.hooks is also the order in
#                 which the recorder got them (default: any order)
#   expect.trace  the SIP sequence (methods and status codes) that
#                 referlab-sim's own --trace must hold, read by tshark (an
#                 extended regex, anchored: retransmissions may vary)
#   expect.log    regexes, one a line, that referlab-sim's log must match
#   expect.absent optional: regexes that must NOT appear in its log
#   expect.hooks  every hook request the recorder got, one a line, sorted:
#                 METHOD PATH {the body's (or GET query's) direction,
#                 callStatus and sip:refer result keys}
# The sim runs with --exit-after-calls 1 and must exit 0 by itself.
source "$REFERLAB_TESTLIB"
tl_need sipp tshark ss jq
: "${SIM_CASE:?set by tests/sim/CMakeLists.txt}"
case_dir="$REFERLAB_SRC/tests/sim/scenarios/$SIM_CASE"
[ -d "$case_dir" ] || tl_fail "no case folder $case_dir"

TRANSPORT=udp FAMILY=4 MODE=inbound SIM_ARGS="" SIPP_ARGS="" BASE="" APP=hook HOOK_ARGS=""
SIGNATURE="" AUTH="" HOOKS_ORDER=any
[ -f "$case_dir/case.conf" ] && source "$case_dir/case.conf"

dir=$(tl_workdir "sim/$SIM_CASE")
cd "$dir" || exit 1
[ -n "$BASE" ] && cp "$REFERLAB_SRC/tests/sim/scenarios/$BASE"/* .
cp "$case_dir"/* .

if [ "$FAMILY" = 6 ]; then ip=::1; host="[::1]"; else ip=127.0.0.1; host=$ip; fi
sipp_transport=u1
[ "$TRANSPORT" = tcp ] && sipp_transport=t1

sipp_port=$(tl_free_port "$TRANSPORT")
sipp_args=(-sf scenario.xml -i "$ip" -p "$sipp_port" -t "$sipp_transport"
	-m 1 -nostdin -timeout 60s -timeout_error
	-trace_err -error_file sipp.err -trace_msg -message_file sipp.msg)
# shellcheck disable=SC2206
sipp_args+=($SIPP_ARGS)

# shellcheck disable=SC2086
tl_spawn hooks.log "$REFERLAB_BIN/referlab" hooks --listen 127.0.0.1:0 \
	--record hooks.jsonl --app /app=app.json $HOOK_ARGS
tl_wait_for hooks.log '^referlab hooks: listening http://' 10
hooks_url=$(sed -n 's/^referlab hooks: listening //p' hooks.log)

sim_args=(--sip "$TRANSPORT:$host:0" --trace sim.pcap --exit-after-calls 1)
if [ "$APP" = file ]; then
	sim_args+=(--app app.json --hook-base "$hooks_url")
else
	sim_args+=(--call-hook "$hooks_url/app")
fi
if [ "$MODE" = dial ]; then
	# the phone listens first; the sim calls it
	tl_spawn sipp.log sipp "${sipp_args[@]}"
	sipp_pid=$TL_LAST_PID
	tl_wait_port "$TRANSPORT" "$sipp_port" 10 sipp.log
	# no transport parameter: the sim dials over what it listens on
	sim_args+=(--dial "sip:phone@$host:$sipp_port")
fi
# shellcheck disable=SC2206
sim_args+=($SIM_ARGS)

tl_spawn sim.log "$REFERLAB_BIN/referlab-sim" "${sim_args[@]}"
sim_pid=$TL_LAST_PID
tl_wait_for sim.log "^referlab-sim: listening $TRANSPORT:" 10
sim_port=$(sed -n "s/^referlab-sim: listening $TRANSPORT:.*:\([0-9]*\)$/\1/p" sim.log | head -1)
[ -n "$sim_port" ] || tl_fail "no port in the readiness line: $(head -3 sim.log)"

if [ "$MODE" = dial ]; then
	tl_wait_pid "$sipp_pid" 60
	sipp_status=$TL_STATUS
else
	sipp "$host:$sim_port" "${sipp_args[@]}" -s service >sipp.log 2>&1
	sipp_status=$?
fi
[ "$sipp_status" = 0 ] || tl_fail "SIPp exit status $sipp_status (see $dir/sipp.err, sipp.msg)"

tl_wait_pid "$sim_pid" 60
tl_expect_eq "referlab-sim exit status" 0 "$TL_STATUS"

while IFS= read -r re; do
	[ -n "$re" ] || continue
	grep -Eq -- "$re" sim.log || tl_fail "sim.log has no line matching /$re/ (see $dir/sim.log)"
done <expect.log
if [ -f expect.absent ]; then
	while IFS= read -r re; do
		[ -n "$re" ] || continue
		! grep -Eq -- "$re" sim.log || tl_fail "sim.log matches /$re/: $(grep -E -- "$re" sim.log | head -1)"
	done <expect.absent
fi

# What the application server saw: every hook, with the keys that matter.
if [ -f expect.hooks ]; then
	got=$(jq -c -s 'sort_by(.seq)[]' hooks.jsonl | jq -r '"\(.method) \(.path) \(.body // .query // {} | {direction, callStatus,
		referStatus, refer_status, final_referred_call_status, event,
		call_status}
		| with_entries(select(.value != null)) | tojson)"')
	if [ "$HOOKS_ORDER" = strict ]; then
		tl_expect_eq "hooks received, in order" "$(cat expect.hooks)" "$got"
	else
		tl_expect_eq "hooks received (sorted)" "$(sort expect.hooks)" \
			"$(sort <<<"$got")"
	fi
fi
[ -z "$SIGNATURE" ] || tl_expect_eq "Jambonz-Signature of every hook" \
	"$SIGNATURE" "$(jq -r .signature hooks.jsonl | sort -u)"
[ -z "$AUTH" ] || tl_expect_eq "basic auth of every hook" \
	"$AUTH" "$(jq -r .auth hooks.jsonl | sort -u)"

# The sim's own trace, read by an independent dissector: every message
# of the exchange, in order, with the real ports.
dissect=(-r sim.pcap -d "udp.port==$sim_port,sip" -d "tcp.port==$sim_port,sip"
	-d "udp.port==$sipp_port,sip" -d "tcp.port==$sipp_port,sip")
seq=$(tshark "${dissect[@]}" -Y sip -T fields -e sip.Method -e sip.Status-Code 2>/dev/null |
	tr -s '\t\n' '  ' | sed 's/ *$//')
tl_expect_match "SIP sequence in --trace" "^$(cat expect.trace)\$" "$seq"
# The sim's own requests share one CSeq space per dialog: REFERs and the
# BYE after them go up (a retransmission repeats its number; ACK and
# CANCEL reuse the INVITE's).
cseqs=$(tshark "${dissect[@]}" -T fields -e sip.CSeq -Y "sip.Method &&
	!(udp.srcport == $sipp_port || tcp.srcport == $sipp_port) &&
	!(sip.Method == \"ACK\" || sip.Method == \"CANCEL\")" 2>/dev/null |
	awk '$0 != last { if ($1 <= n) bad = 1; n = $1; last = $0 } END { print bad ? "no" : "yes" }')
tl_expect_eq "the sim's CSeq numbers increase" yes "$cseqs"

# A request retransmitted (same branch and CSeq) gets the same final
# answer from the sim each time (RFC 3261 17.2.2), stateless or not.
answers=$(tshark "${dissect[@]}" -T fields -E separator='|' -e sip.Via.branch \
	-e sip.CSeq -e sip.Status-Line -e sip.to.tag -Y "sip.Status-Code >= 200 &&
	(udp.srcport == $sim_port || tcp.srcport == $sim_port)" 2>/dev/null |
	awk -F'|' '{ k = $1 "|" $2 } k in a && a[k] != $0 { bad = bad " " $2 } { a[k] = $0 }
		END { print bad ? "no:" bad : "yes" }')
tl_expect_eq "the same final answer to each retransmission" yes "$answers"

# The synthesised headers carry correct checksums (status 1: good).
sums=$(tshark -r sim.pcap -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
	-o tcp.check_checksum:TRUE -T fields -e ip.checksum.status \
	-e udp.checksum.status -e tcp.checksum.status 2>/dev/null | tr -s '\t' '\n' | grep . | sort -u | tr '\n' ' ')
tl_expect_eq "checksum states in --trace" "1 " "$sums"

# Every REFER: exactly one Refer-To and one Referred-By (spec §3).
refers=$(tshark "${dissect[@]}" -Y 'sip.Method == "REFER"' -T fields -e frame.number 2>/dev/null | wc -l)
tl_expect_eq "Refer-To headers per REFER" "$refers" \
	"$(tshark "${dissect[@]}" -Y 'sip.Method == "REFER"' -O sip 2>/dev/null | grep -c '^        Refer-To: ')"
tl_expect_eq "Referred-By headers per REFER" "$refers" \
	"$(tshark "${dissect[@]}" -Y 'sip.Method == "REFER"' -O sip 2>/dev/null | grep -c '^        Referred-By: ')"
ports=$(tshark -r sim.pcap -T fields -e udp.port -e tcp.port 2>/dev/null | tr '\t,' '\n\n' | sort -u | grep . | tr '\n' ' ')
# (a TCP call the sim places leaves from an ephemeral port, not its own)
[ "$MODE$TRANSPORT" = dialtcp ] ||
	tl_expect_match "ports in --trace" "(^| )$sim_port " "$ports"
tl_expect_match "ports in --trace" "(^| )$sipp_port " "$ports"
echo "sim case $SIM_CASE: ok"
