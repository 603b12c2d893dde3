# lib.sh: helpers for the analyser's integration tests; sourced after
# tests/lib/testlib.sh (and by captures/make.sh).
AL_TOOLS="$REFERLAB_BIN/../tests/bin"
AL_SIPP="$REFERLAB_SRC/tests/analyser/sipp"

# al_analyze FILE... : `referlab analyze --json`, its exit code in AL_RC
al_analyze() {
	AL_JSON=$("$REFERLAB_BIN/referlab" analyze --json "$@" 2>"${AL_ERR:-/dev/null}")
	AL_RC=$?
	jq -e . >/dev/null <<<"$AL_JSON" || tl_fail "analyze $*: output is not JSON"
}

# al_oracle FILE [PORT...]: our SIP message, REFER and NOTIFY counts are
# tshark's (messages we report as malformed count: tshark shows them as
# SIP too). tshark decodes the PORTs as SIP: a random port can be another
# protocol's to it (27500 is QuakeWorld's, whose dissector then wins
# over SIP's heuristics), so give the ports of any capture that has them.
al_oracle() {
	local f=$1 ours theirs m fields p decode=()
	shift
	for p in "$@"; do
		decode+=(-d "udp.port==$p,sip" -d "tcp.port==$p,sip")
	done
	al_analyze "$f"
	[ "$AL_RC" -le 1 ] || tl_fail "analyze $f exited $AL_RC"
	# one line per frame: CSeq methods <tab> request methods, each
	# comma-separated when a frame carries several messages
	fields=$(tshark -r "$f" "${decode[@]}" -Y sip -T fields \
		-e sip.CSeq.method -e sip.Method 2>/dev/null)
	ours=$(jq '.files[0].sip_messages + .files[0].malformed' <<<"$AL_JSON")
	theirs=$(cut -f1 <<<"$fields" | tr ',' '\n' | grep -c .)
	tl_expect_eq "$(basename "$f"): SIP messages (ours vs tshark)" "$theirs" "$ours"
	for m in REFER NOTIFY; do
		ours=$(jq ".files[0].requests.$m" <<<"$AL_JSON")
		theirs=$(cut -f2 <<<"$fields" | tr ',' '\n' | grep -cx "$m")
		tl_expect_eq "$(basename "$f"): $m requests (ours vs tshark)" "$theirs" "$ours"
	done
}

# al_sipp_transfer OUT.pcap IP u1|t1 [PORT]: a SIPp referrer (on PORT, or
# a free port) and a SIPp carrier do one blind transfer (REFER, 202,
# NOTIFY 100, NOTIFY 200, BYE) while the harness's live capture records
# it; their ports in the array AL_PORTS. Skips without capture rights.
al_sipp_transfer() {
	local out=$1 ip=$2 t=$3 proto=udp host=$2 p1=${4:-} p2 rc
	[ "$t" = t1 ] && proto=tcp
	[[ $ip == *:* ]] && host="[$ip]"
	[ -n "$p1" ] || p1=$(tl_free_port "$proto")
	p2=$(tl_free_port "$proto")
	[ "$p2" != "$p1" ] || p2=$((p1 + 1))
	AL_PORTS=("$p1" "$p2")
	"$AL_TOOLS/capture_run" "$out" "$ip" "$p1,$p2" -- bash -c "
		sipp -sf '$AL_SIPP/referrer.xml' -i '$ip' -p $p1 -t $t -m 1 \
			-nostdin -timeout 20s >'$out.uas.log' 2>&1 &
		uas=\$!
		for i in \$(seq 100); do
			ss -Hln${proto:0:1} 'sport = :$p1' | grep -q . && break
			sleep 0.05
		done
		sipp -sf '$AL_SIPP/carrier.xml' '$host:$p1' -i '$ip' -p $p2 -t $t \
			-m 1 -nostdin -timeout 20s >'$out.uac.log' 2>&1 || exit 11
		wait \$uas || exit 12" >"$out.capture.log" 2>&1
	rc=$?
	[ $rc = 77 ] && tl_skip "no capture rights: $(cat "$out.capture.log")"
	[ $rc = 11 ] && tl_fail "SIPp carrier failed: $(tail -5 "$out.uac.log")"
	[ $rc = 12 ] && tl_fail "SIPp referrer failed: $(tail -5 "$out.uas.log")"
	[ $rc = 0 ] || tl_fail "capture_run exited $rc: $(cat "$out.capture.log")"
	grep -q " dropped 0 " "$out.capture.log" ||
		tl_fail "capture dropped packets: $(cat "$out.capture.log")"
	# decoded live, frame by frame, by the decoder that reads files
	AL_LIVE_SIP=$(sed -n 's/.* live-sip \([0-9]*\)$/\1/p' "$out.capture.log")
}

# al_expect_transfer WHAT: the JSON holds one completed blind transfer
# with the hooks the verb reports and no finding.
al_expect_transfer() {
	local what=$1
	tl_expect_eq "$what: exit code" 0 "$AL_RC"
	tl_expect_eq "$what: transfers" 1 "$(jq '.transfers | length' <<<"$AL_JSON")"
	tl_expect_eq "$what: outcome" completed "$(jq -r '.transfers[0].outcome' <<<"$AL_JSON")"
	tl_expect_eq "$what: hooks" \
		'eventHook {"event":"transfer-status","call_status":"100"} eventHook {"event":"transfer-status","call_status":"200"} actionHook {"referStatus":202,"final_referred_call_status":200}' \
		"$(jq -r -c '.transfers[0].hooks[] | "\(.hook) \(.payload | if .referStatus then {referStatus, final_referred_call_status} else . end | tojson)"' <<<"$AL_JSON" | paste -sd' ')"
	tl_expect_eq "$what: call info in the actionHook" \
		'inbound +15551230000 Carrier 200 in-progress' \
		"$(jq -r '.transfers[0].hooks[-1].payload | "\(.direction) \(.from) \(.callerName) \(.sipStatus) \(.callStatus)"' <<<"$AL_JSON")"
	tl_expect_eq "$what: findings" 0 "$(jq '[.transfers[].findings[], .findings[]] | length' <<<"$AL_JSON")"
}
