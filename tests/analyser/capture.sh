#!/usr/bin/env bash
# The live capture API (harness/capture): on the interface carrying the
# address, only the given ports, every packet in a pcap that tshark and
# referlab read, drops reported; without rights a clear message.
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/analyser/lib.sh"
tl_need tshark jq

dir=$(tl_workdir analyser/capture)
p1=$(tl_free_port udp)
p2=$(tl_free_port udp)
[ "$p2" != "$p1" ] || p2=$((p1 + 1))
send() { for i in 1 2 3; do printf 'ping %s' "$i" >"/dev/udp/127.0.0.1/$1"; done; }

out=$("$AL_TOOLS/capture_run" "$dir/lo.pcap" 127.0.0.1 "$p1" -- \
	bash -c "$(declare -f send); send $p1; send $p2")
rc=$?
[ $rc = 77 ] && tl_skip "no capture rights: $out"
tl_expect_eq "capture_run exit code" 0 $rc
tl_expect_eq "capture summary" "capture: lo packets 3 dropped 0 live-sip 0" "$out"
tl_expect_eq "tshark reads the 3 packets of the filtered port" 3 \
	"$(tshark -r "$dir/lo.pcap" -Y "udp.dstport == $p1" 2>/dev/null | wc -l)"
al_analyze "$dir/lo.pcap"
tl_expect_eq "referlab reads it" "0 3 0" \
	"$(jq -r '"\(.summary.transfers) \(.files[0].frames) \(.files[0].sip_messages)"' <<<"$AL_JSON")"

: >"$dir/afile"   # below a regular file: unwritable whatever exists in /
err=$("$AL_TOOLS/capture_run" "$dir/afile/x.pcap" 127.0.0.1 "$p1" -- true 2>&1)
tl_expect_eq "unwritable file: exit code" 3 $?
tl_expect_match "unwritable file: message" "$dir/afile/x.pcap" "$err"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$AL_TOOLS/capture_run" /tmp/unused.pcap 127.0.0.1 "$p1" -- true 2>&1)
	tl_expect_eq "no rights: exit code (skip)" 77 $?
	tl_expect_match "no rights: message" "no capture rights on 'lo': run as root or grant CAP_NET_RAW.*--trace" "$err"
fi
echo "capture: ok"
