# sipp_lib.sh: helpers for the peer-library tests (sourced after testlib.sh).

SCEN_DIR="$REFERLAB_SRC/scenarios"
SL_REFERRER_ARGS=()
REFERRER_DIR="$REFERLAB_SRC/tests/scenarios"

# sl_wait_bound udp|tcp PORT SECONDS: wait until something listens on PORT
# (SIPp prints nothing we could wait for when it has bound).
sl_wait_bound() {
	local flag=-u i
	[ "$1" = tcp ] && flag=-t
	for ((i = 0; i < $3 * 20; i++)); do
		ss -Hln "$flag" "sport = :$2" | grep -q . && return 0
		sleep 0.05
	done
	tl_fail "nothing listens on $1 port $2 after $3 s"
}

# sl_pair NAME REFERRER.xml PEER.xml [udp|tcp] [4|6] [PEER-ONLY SIPP ARGS...]
# Runs the referrer (SIPp UAS playing the implementation) and the carrier
# scenario against each other; both must exit 0. Logs stay in the workdir.
# SL_REFERRER_ARGS (array): extra arguments for the referrer, e.g. -au/-ap.
sl_pair() {
	local name=$1 referrer=$2 peer=$3 tp=${4:-udp} fam=${5:-4}
	shift 5
	local ip=127.0.0.1 target port tflag=() dir
	[ "$fam" = 6 ] && ip=::1
	[ "$tp" = tcp ] && tflag=(-t t1)
	dir="$WORK/$name"
	mkdir -p "$dir"
	port=$(tl_free_port "$tp")
	target="$ip:$port"
	[ "$fam" = 6 ] && target="[$ip]:$port"
	# SIPp's own -timeout does not end a call stuck in a recv: bound it here
	(cd "$dir" && exec timeout -k 5 60 sipp -sf "$referrer" -i "$ip" -p "$port" \
		"${tflag[@]}" -m 1 -nostdin -trace_err -trace_msg "${SL_REFERRER_ARGS[@]}") \
		>"$dir/referrer.log" 2>&1 &
	local rpid=$!
	TL_PIDS+=("$rpid")
	sl_wait_bound "$tp" "$port" 10
	(cd "$dir" && exec timeout -k 5 60 sipp -sf "$peer" "$target" -i "$ip" \
		-p "$(tl_free_port "$tp")" "${tflag[@]}" -m 1 -nostdin -trace_err \
		-trace_msg "$@") >"$dir/peer.log" 2>&1
	local prc=$?
	tl_wait_pid "$rpid" 70
	SL_PEER_RC=$prc
	SL_REFERRER_RC=$TL_STATUS
}
