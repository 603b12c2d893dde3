#!/usr/bin/env bash
# referlab synth: tshark decodes the capture the way we do (SIP messages,
# REFERs, NOTIFYs), the outcomes are the documented mix, two runs give
# the same bytes, and bad arguments are refused with the documented codes.
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/analyser/lib.sh"
tl_need jq tshark cmp
dir=$(tl_workdir perf/synth)
synth() { "$REFERLAB_BIN/referlab" synth "$@"; }

for t in udp tcp; do
	flag=; [ $t = tcp ] && flag=--tcp
	synth --transfers 200 $flag --out "$dir/$t.pcap" 2>"$dir/$t.log"
	tl_expect_eq "synth $t: exit code" 0 $?
	tl_expect_eq "synth $t: summary line" \
		"referlab synth: 200 transfers, 2680 messages written to $dir/$t.pcap" \
		"$(cat "$dir/$t.log")"
	al_oracle "$dir/$t.pcap"
	tl_expect_eq "$t: transfers" 200 "$(jq '.summary.transfers' <<<"$AL_JSON")"
	tl_expect_eq "$t: outcomes" "completed 180,rejected 20" \
		"$(jq -r '[.transfers[].outcome] | group_by(.) | map("\(.[0]) \(length)") | join(",")' <<<"$AL_JSON")"
	tl_expect_eq "$t: final statuses" "200 160,486 20" \
		"$(jq -r '[.transfers[].notifies | select(length > 0) | last.status] | group_by(.) | map("\(.[0]) \(length)") | join(",")' <<<"$AL_JSON")"
	tl_expect_eq "$t: findings: only the 200 instead of 202 (info)" "refer.accepted-not-202 20" \
		"$(jq -r '[.transfers[].findings[].rule, .findings[].rule] | group_by(.) | map("\(.[0]) \(length)") | join(",")' <<<"$AL_JSON")"
	[ $t = tcp ] && tl_expect_eq "tcp: no gaps" 0 "$(jq '.files[0].tcp_gaps' <<<"$AL_JSON")"
	tl_expect_eq "$t: tshark: no malformed packet" 0 \
		"$(tshark -r "$dir/$t.pcap" -Y _ws.malformed 2>/dev/null | wc -l)"
done

synth --transfers 200 --out - 2>/dev/null >"$dir/again.pcap"
cmp "$dir/udp.pcap" "$dir/again.pcap" || tl_fail "two runs gave different bytes"

synth --transfers 0 --out "$dir/x.pcap" 2>"$dir/err"
tl_expect_eq "--transfers 0: exit code" 2 $?
tl_expect_match "--transfers 0: message" "--transfers: '0' is not a number" "$(cat "$dir/err")"
synth --out "$dir/x.pcap" 2>/dev/null
tl_expect_eq "no --transfers: exit code" 2 $?
# a folder that is a file: unwritable even for root
: >"$dir/notadir"
synth --transfers 5 --out "$dir/notadir/x.pcap" 2>"$dir/err"
tl_expect_eq "unwritable: exit code" 3 $?
tl_expect_match "unwritable: message" "notadir/x.pcap: cannot write" "$(cat "$dir/err")"
echo "synth: tshark agrees, deterministic"
