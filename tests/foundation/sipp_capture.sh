#!/usr/bin/env bash
# The machinery every later test stands on: a SIPp UAC calls a SIPp UAS on
# 127.0.0.1 while libpcap (dumpcap) captures the loopback; the capture must
# hold the whole call, message for message.
source "$REFERLAB_TESTLIB"
tl_need sipp tshark ss jq
tl_need_capture

dir=$(tl_workdir foundation/sipp_capture)
cd "$dir" || exit 1
uas_port=$(tl_free_port udp)
uac_port=$(tl_free_port udp)

tl_spawn dumpcap.log dumpcap -i lo -f "udp port $uas_port" -P -w capture.pcap
capture_pid=$TL_LAST_PID
tl_wait_for dumpcap.log "^Capturing on" 10

tl_spawn uas.log sipp -sn uas -i 127.0.0.1 -p "$uas_port" -m 1 -nostdin -timeout 20s
uas_pid=$TL_LAST_PID
sleep 0.2   # SIPp binds before it prints anything we could wait for
sipp -sn uac "127.0.0.1:$uas_port" -i 127.0.0.1 -p "$uac_port" -m 1 \
	-nostdin -timeout 20s >uac.log 2>&1
tl_expect_eq "SIPp uac exit status" 0 $?
tl_wait_pid "$uas_pid" 20
tl_expect_eq "SIPp uas exit status" 0 "$TL_STATUS"

kill -INT "$capture_pid"
tl_wait_pid "$capture_pid" 10
grep -q "dropped on interface 'Loopback: lo': [0-9]*/0 " dumpcap.log ||
	tl_fail "capture dropped packets: $(grep dropped dumpcap.log)"

# uac: INVITE, ACK, BYE; uas: 180, 200 (INVITE), 200 (BYE)
seq=$(tshark -r capture.pcap -Y sip -T fields -e sip.Method -e sip.Status-Code 2>/dev/null | tr -s '\t\n' ' ')
tl_expect_eq "decoded SIP sequence" "INVITE 180 200 ACK BYE 200 " "$seq"

# referlab's own decoder (referlab analyze) reads the same six messages
json=$("$REFERLAB_BIN/referlab" analyze --json capture.pcap)
tl_expect_eq "referlab analyze exit status" 0 $?
tl_expect_eq "referlab decoded SIP messages" 6 "$(jq '.files[0].sip_messages' <<<"$json")"
tl_expect_eq "referlab decoded requests" "1 1 1" \
	"$(jq -r '.files[0].requests | "\(.INVITE) \(.ACK) \(.BYE)"' <<<"$json")"
tl_expect_eq "referlab malformed messages" 0 "$(jq '.files[0].malformed' <<<"$json")"
echo "sipp capture: ok"
