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
probe_port=$(tl_free_port udp)

tl_spawn dumpcap.log dumpcap -i lo -f "udp port $uas_port or udp port $probe_port" \
	-P -w all.pcap
capture_pid=$TL_LAST_PID
tl_wait_for dumpcap.log "^Capturing on" 10
# "Capturing on" comes before the capture sees packets (a loaded box lost
# a whole call in that window): probe a port of our own until one probe
# is in the file, then the capture is live.
for ((i = 0; i < 100; i++)); do
	printf probe >"/dev/udp/127.0.0.1/$probe_port" 2>/dev/null
	[ "$(stat -c %s all.pcap 2>/dev/null || echo 0)" -gt 24 ] && break
	sleep 0.1
done
[ "$i" -lt 100 ] || tl_fail "the capture saw none of 100 probes in 10 s"

tl_spawn uas.log sipp -sn uas -i 127.0.0.1 -p "$uas_port" -m 1 -nostdin -timeout 20s
uas_pid=$TL_LAST_PID
tl_wait_port udp "$uas_port" 10 uas.log
sipp -sn uac "127.0.0.1:$uas_port" -i 127.0.0.1 -p "$uac_port" -m 1 \
	-nostdin -timeout 20s >uac.log 2>&1
tl_expect_eq "SIPp uac exit status" 0 $?
tl_wait_pid "$uas_pid" 20
tl_expect_eq "SIPp uas exit status" 0 "$TL_STATUS"

kill -INT "$capture_pid"
tl_wait_pid "$capture_pid" 10
grep -q "dropped on interface 'Loopback: lo': [0-9]*/0 " dumpcap.log ||
	tl_fail "capture dropped packets: $(grep dropped dumpcap.log)"

# the call alone, without the probes
tshark -r all.pcap -Y "udp.port == $uas_port" -w capture.pcap 2>tshark.err ||
	tl_fail "tshark cannot split the capture: $(head -2 tshark.err)"

# uac: INVITE, ACK, BYE; uas: 180, 200 (INVITE), 200 (BYE). Decoded as
# SIP by port: a random port can be another protocol's to tshark (27500
# is QuakeWorld's, whose dissector then wins over SIP's heuristics).
seq=$(tshark -r capture.pcap -d "udp.port==$uas_port,sip" -Y sip -T fields \
	-e sip.Method -e sip.Status-Code 2>/dev/null | tr -s '\t\n' ' ')
tl_expect_eq "decoded SIP sequence" "INVITE 180 200 ACK BYE 200 " "$seq"

# referlab's own decoder (referlab analyze) reads the same six messages
json=$("$REFERLAB_BIN/referlab" analyze --json capture.pcap)
tl_expect_eq "referlab analyze exit status" 0 $?
tl_expect_eq "referlab decoded SIP messages" 6 "$(jq '.files[0].sip_messages' <<<"$json")"
tl_expect_eq "referlab decoded requests" "1 1 1" \
	"$(jq -r '.files[0].requests | "\(.INVITE) \(.ACK) \(.BYE)"' <<<"$json")"
tl_expect_eq "referlab malformed messages" 0 "$(jq '.files[0].malformed' <<<"$json")"
echo "sipp capture: ok"
