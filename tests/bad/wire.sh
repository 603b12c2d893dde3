# wire.sh: bad-input cases that go over the wire to referlab-sim (sourced
# by tests/bad/run.sh). SIP travels as raw UDP datagrams from bash
# (/dev/udp: one connected socket, so the sim's answers come back on it);
# HTTP hook answers come from `referlab hooks`.

WIRE_SIM_PID= WIRE_SIM_DIR=

# wire_start_sim DIR ARGS...: start referlab-sim on a free loopback UDP
# port with its trace in DIR; sets PORT and WIRE_PID.
wire_start_sim() {
	local dir=$1; shift
	"$sim" --sip udp:127.0.0.1:0 --trace "$dir/trace.pcap" "$@" \
		>"$dir/sim.out" 2>"$dir/sim.log" &
	WIRE_PID=$!
	TL_PIDS+=("$WIRE_PID")
	tl_wait_for "$dir/sim.out" '^referlab-sim: listening udp:' 10
	PORT=$(sed -n 's/^referlab-sim: listening udp:127\.0\.0\.1://p' "$dir/sim.out")
}

# wire_send FILE OUT: send FILE as one datagram (cat writes it in one
# write) and put the first final answer's text in OUT (empty when none
# comes within WIRE_WAIT s, default 3; provisional answers are skipped,
# at most 5).
wire_send() {
	local fd i
	: >"$2"
	exec {fd}<>"/dev/udp/127.0.0.1/$PORT" || { bad "cannot open UDP"; return; }
	cat "$1" >&$fd
	for ((i = 0; i < 5; i++)); do
		timeout "${WIRE_WAIT:-3}" dd bs=65535 count=1 status=none <&$fd >"$2.part" || break
		mv "$2.part" "$2"
		grep -aq '^SIP/2.0 1[0-9][0-9] ' "$2" || break
	done
	exec {fd}>&-
}

# wire_options NAME: the sim still answers an OPTIONS with 200.
wire_alive() {
	local f=$W/options.sip
	printf 'OPTIONS sip:iut@127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-alive-%s\r\nFrom: <sip:bad@127.0.0.1>;tag=alive\r\nTo: <sip:iut@127.0.0.1>\r\nCall-ID: alive-%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
		"$PORT" "$name" "$name" >"$f"
	wire_send "$f" "$W/options.answer"
	grep -aq '^SIP/2.0 200 ' "$W/options.answer" ||
		bad "the sim no longer answers OPTIONS after this input"
}

# wire_check CASE ANSWER LOG FROM-LINE: "response:" against the answer's
# status line (or "none" when no answer came), "answer-line:" against its
# other lines, "log:" against the sim's log since FROM-LINE.
wire_check() {
	local c=$1 want re got
	want=$(case_get "$c" response)
	got=$(head -1 "$2" | tr -d '\r')
	grep -Eq -- "$want" <<<"${got:-none}" ||
		bad "answer '${got:-none}' does not match /$want/"
	re=$(case_get "$c" answer-line)
	[ -z "$re" ] || tr -d '\r' <"$2" | grep -Eq -- "$re" ||
		bad "no line of the answer matches /$re/"
	re=$(case_get "$c" log)
	[ -z "$re" ] || tail -n +"$4" "$3" | grep -Eq -- "$re" ||
		bad "the sim's log lacks /$re/: $(tail -n +"$4" "$3" | head -3)"
	grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$3" &&
		bad "sanitizer report in the sim's log"
}

# A SIP message to the one sim all sip: cases share (so that each bad
# message meets a sim that has already seen the ones before).
wire_sip_case() {
	local c=$1 from
	if [ -z "$WIRE_SIM_PID" ]; then
		WIRE_SIM_DIR=$ROOT/wire-sim
		mkdir -p "$WIRE_SIM_DIR"
		echo '[{"verb":"pause","length":1},{"verb":"hangup"}]' >"$WIRE_SIM_DIR/app.json"
		wire_start_sim "$WIRE_SIM_DIR" --app "$WIRE_SIM_DIR/app.json"
		WIRE_SIM_PID=$WIRE_PID WIRE_SIM_PORT=$PORT
	fi
	PORT=$WIRE_SIM_PORT
	write_input "$c" "$W/input"
	from=$(($(wc -l <"$WIRE_SIM_DIR/sim.log") + 1))
	wire_send "$W/input" "$W/answer"
	wire_alive
	wire_check "$c" "$W/answer" "$WIRE_SIM_DIR/sim.log" "$from"
}

# The shared sim ends cleanly on SIGTERM, and its trace holds what it
# saw before and between the bad inputs (readable, with SIP in it).
wire_sim_stop() {
	local n
	[ -n "$WIRE_SIM_PID" ] || return 0
	name=wire-sim-stop
	kill -TERM "$WIRE_SIM_PID"
	tl_wait_pid "$WIRE_SIM_PID" 10
	[ "$TL_STATUS" = 0 ] || bad "the shared sim exited $TL_STATUS on SIGTERM"
	n=$("$referlab" analyze --json "$WIRE_SIM_DIR/trace.pcap" 2>/dev/null |
		jq '[.files[].sip_messages] | add')
	[ "${n:-0}" -gt 0 ] || bad "the sim's trace has no SIP messages after the bad inputs"
}

# The call hook answers with the case's input (hooks-args, $INPUT): the
# INVITE must get the expected answer, the sim log one line saying why,
# the hook server a record of every attempt ("records:" jq condition on
# the JSON lines, slurped), and the sim still stop cleanly.
wire_hook_case() {
	local c=$1 args re url
	write_input "$c" "$W/input"
	args=$(case_get "$c" hooks-args)
	eval "set -- ${args//\$INPUT/$W/input}"
	tl_hooks_start "$W/hooks.log" "$W/hooks.jsonl" "$@"
	url=$(case_get "$c" call-hook)
	[[ $url == http* ]] || url=$TL_HOOKS_URL$url
	wire_start_sim "$W" --call-hook "$url"
	cat >"$W/invite.sip" <<-SIP
	INVITE sip:+15550001111@127.0.0.1:$PORT SIP/2.0
	Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-$name
	From: "Bad" <sip:+15551230000@127.0.0.1>;tag=$name
	To: <sip:+15550001111@127.0.0.1>
	Call-ID: $name@bad
	CSeq: 1 INVITE
	Contact: <sip:bad@127.0.0.1:9>
	Max-Forwards: 70
	Content-Length: 0

	SIP
	sed -i 's/$/\r/' "$W/invite.sip"
	WIRE_WAIT=$(case_get "$c" wait) wire_send "$W/invite.sip" "$W/answer"
	wire_check "$c" "$W/answer" "$W/sim.log" 1
	re=$(case_get "$c" records)
	[ -z "$re" ] || jq -se "$re" "$W/hooks.jsonl" >/dev/null ||
		bad "hook records: '$re' is false ($(jq -c .path "$W/hooks.jsonl" | tr '\n' ' '))"
	kill -TERM "$WIRE_PID"
	tl_wait_pid "$WIRE_PID" 10
	[ "$TL_STATUS" = 0 ] || bad "the sim exited $TL_STATUS on SIGTERM"
	kill -TERM "$TL_HOOKS_PID"
}
