# sipp_lib.sh: helpers for the peer-library tests (sourced after testlib.sh).

SCEN_DIR="$REFERLAB_SRC/scenarios"
REFERRER_DIR="$REFERLAB_SRC/tests/scenarios"
SL_SERVER_ARGS=()
SL_CLIENT_ARGS=()

# sl_pair NAME SERVER.xml CLIENT.xml [udp|tcp] [4|6]
# Runs two SIPp scenarios against each other: the server side (the one that
# is called: the referrer for carriers, the phone for phones) first, then
# the client calls it. Extra arguments: the arrays SL_SERVER_ARGS and
# SL_CLIENT_ARGS. Exit statuses land in SL_SERVER_RC and SL_CLIENT_RC;
# logs stay in $WORK/NAME.
sl_pair() {
	local name=$1 server=$2 client=$3 tp=${4:-udp} fam=${5:-4}
	local ip=127.0.0.1 target port tflag=() dir spid
	[ "$fam" = 6 ] && ip=::1
	[ "$tp" = tcp ] && tflag=(-t t1)
	dir="$WORK/$name"
	mkdir -p "$dir"
	port=$(tl_free_port "$tp")
	target="$ip:$port"
	[ "$fam" = 6 ] && target="[$ip]:$port"
	# SIPp's own -timeout does not end a call stuck in a recv: bound it here
	(cd "$dir" && exec timeout -k 5 60 sipp -sf "$server" -i "$ip" -p "$port" \
		"${tflag[@]}" -m 1 -nostdin -trace_err -trace_msg "${SL_SERVER_ARGS[@]}") \
		>"$dir/server.log" 2>&1 &
	spid=$!
	TL_PIDS+=("$spid")
	tl_wait_port "$tp" "$port" 10 "$dir/server.log"
	(cd "$dir" && exec timeout -k 5 60 sipp -sf "$client" "$target" -i "$ip" \
		-p "$(tl_free_port "$tp")" "${tflag[@]}" -m 1 -nostdin -trace_err \
		-trace_msg "${SL_CLIENT_ARGS[@]}") >"$dir/client.log" 2>&1
	SL_CLIENT_RC=$?
	tl_wait_pid "$spid" 70
	SL_SERVER_RC=$TL_STATUS
}
