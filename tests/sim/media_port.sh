#!/usr/bin/env bash
# The media port referlab-sim's SDP announces, in its answer to a
# carrier's INVITE (UDP over IPv4, TCP over IPv6) and in the offer of a
# call it dials, is a UDP socket the sim itself holds on the call's
# address, not a port number made up from its SIP port; one socket
# serves every call on that address (the second call announces the same
# port), held until the sim ends. Each call's SDP has an o= session id
# of its own (RFC 4566 §5.2), not one per sim.
source "$REFERLAB_TESTLIB"
tl_need sipp ss
data=$REFERLAB_SRC/tests/sim/data
dir=$(tl_workdir sim/media_port)
cd "$dir" || exit 1
echo '[{"verb":"pause","length":2}]' >app.json

# check_held WHAT SIM_PID SIP_PORT IP: the port SIPp wrote to media.ports
# is bound by SIM_PID on IP while the call is up (the app's pause).
check_held() {
	local what=$1 pid=$2 sip_port=$3 ip=$4 port i
	for ((i = 0; i < 100; i++)); do
		[ -s media.ports ] && break
		sleep 0.05
	done
	port=$(tail -1 media.ports 2>/dev/null)
	[ -n "$port" ] || tl_fail "$what: SIPp wrote no media port"
	[ "$port" != $((sip_port + 2)) ] || tl_fail "$what: the announced port is SIP port + 2"
	held=$(ss -Hulnp "sport = :$port")
	tl_expect_match "$what: who holds the announced port $port" \
		"$ip:$port .*\"referlab-sim\",pid=$pid," "$held"
	media_port=$port
}


for v in "udp 127.0.0.1 127.0.0.1" "tcp [::1] ::1"; do
	set -- $v
	tl_spawn "sim-$1.log" "$REFERLAB_BIN/referlab-sim" --sip "$1:$2:0" --app app.json
	sim_pid=$TL_LAST_PID
	tl_wait_for "sim-$1.log" "^referlab-sim: listening $1:" 10
	sip_port=$(sed -n "s/^referlab-sim: listening $1:.*:\([0-9]*\)$/\1/p" "sim-$1.log")
	t=u1; [ "$1" = tcp ] && t=t1
	ports=()
	for call in 1 2; do
		rm -f media.ports
		tl_spawn "sipp-$1-$call.log" sipp "$2:$sip_port" -sf "$data/hold_until_bye.xml" \
			-s service -i "$3" -t "$t" -m 1 -nostdin -timeout 30s -timeout_error
		sipp_pid=$TL_LAST_PID
		check_held "answer over $1, call $call" "$sim_pid" "$sip_port" "\[?$3\]?"
		ports+=("$media_port")
		tl_wait_pid "$sipp_pid" 20
		tl_expect_eq "SIPp exit status ($1, call $call)" 0 "$TL_STATUS"
	done
	tl_expect_eq "the second call's media port ($1)" "${ports[0]}" "${ports[1]}"
	origins=$(sort -u media.origins | wc -l)
	tl_expect_eq "distinct o= session ids of two calls ($1): $(tr '\n' ' ' <media.origins)" \
		2 "$origins"
	rm -f media.origins
	kill -TERM "$sim_pid"
	tl_wait_pid "$sim_pid" 10
	tl_expect_eq "the media port once the sim ended ($1)" "" \
		"$(ss -Hulnp "sport = :$media_port" | grep referlab-sim)"
done

# The offer of a call the sim dials.
rm -f media.ports
phone=$(tl_free_port udp)
tl_spawn sipp-dial.log sipp -sf "$data/phone_hold.xml" -i 127.0.0.1 -p "$phone" \
	-m 1 -nostdin -timeout 30s -timeout_error
sipp_pid=$TL_LAST_PID
tl_wait_port udp "$phone" 10 sipp-dial.log
tl_spawn sim-dial.log "$REFERLAB_BIN/referlab-sim" --sip udp:127.0.0.1:0 --app app.json \
	--dial "sip:phone@127.0.0.1:$phone"
sim_pid=$TL_LAST_PID
tl_wait_for sim-dial.log '^referlab-sim: listening udp:' 10
sip_port=$(sed -n 's/^referlab-sim: listening udp:.*:\([0-9]*\)$/\1/p' sim-dial.log)
check_held "offer" "$sim_pid" "$sip_port" 127.0.0.1
tl_wait_pid "$sipp_pid" 20
tl_expect_eq "SIPp exit status (dial)" 0 "$TL_STATUS"
tl_wait_for sim-dial.log 'call ended' 5
kill -TERM "$sim_pid"
tl_wait_pid "$sim_pid" 10
tl_expect_eq "the media port once the sim ended (dial)" "" \
	"$(ss -Hulnp "sport = :$media_port" | grep referlab-sim)"
echo "sim media port: ok"
