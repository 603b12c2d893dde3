#!/usr/bin/env bash
# A real blind transfer between two SIPp peers (referrer and carrier) over
# UDP and TCP, IPv4 and IPv6, captured live by the harness's capture API;
# referlab analyze must find the transfer, its hooks, no finding, and
# decode exactly the SIP messages tshark does.
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/analyser/lib.sh"
tl_need sipp tshark jq ss

dir=$(tl_workdir analyser/sipp_transfer)
for v in "udp4 127.0.0.1 u1" "tcp4 127.0.0.1 t1" "udp6 ::1 u1" "tcp6 ::1 t1"; do
	set -- $v
	al_sipp_transfer "$dir/$1.pcap" "$2" "$3"
	al_oracle "$dir/$1.pcap" "${AL_PORTS[@]}"
	tl_expect_eq "$1: SIP messages" 12 "$(jq '.files[0].sip_messages' <<<"$AL_JSON")"
	tl_expect_eq "$1: SIP messages decoded live" 12 "$AL_LIVE_SIP"
	al_expect_transfer "$1"
	tl_expect_eq "$1: transport" "${1:0:3}" "$(jq -r '.transfers[0].transport' <<<"$AL_JSON")"
done
# The ports are random, and one can be another protocol's to tshark:
# 27500, QuakeWorld's, once, when it is free (the oracle must decode the
# call as SIP all the same). Reserved as referlab's runs reserve theirs
# (harness/ports.c), so that none of them picks it meanwhile: the lock
# counts only on the file the folder still names (its last holder removes
# it on release), and it is removed before it is let go.
quake=${TMPDIR:-/tmp}/referlab-ports/27500
[ -e "$quake" ] || : 2>/dev/null >"$quake"
if { exec 9<"$quake"; } 2>/dev/null && flock -n 9 &&
	[ "$(stat -L -c %d:%i /dev/fd/9)" = "$(stat -c %d:%i "$quake" 2>/dev/null)" ] &&
	! ss -Hlnu 'sport = :27500' | grep -q .; then
	al_sipp_transfer "$dir/quake.pcap" 127.0.0.1 u1 27500
	al_oracle "$dir/quake.pcap" "${AL_PORTS[@]}"
	tl_expect_eq "on port 27500: SIP messages" 12 \
		"$(jq '.files[0].sip_messages' <<<"$AL_JSON")"
	rm -f "$quake"
	exec 9<&-
else
	echo "port 27500 is taken or reserved: its case is not run"
fi
echo "sipp transfer: ok"
