#!/usr/bin/env bash
# make.sh: regenerate the sample captures in this folder (needs a build
# and capture rights). The live ones are a SIPp referrer and a SIPp
# carrier doing one blind transfer (tests/analyser/sipp/*.xml) captured
# by the harness's capture API; the others are the same packets rewritten
# into other link types and file formats by tests/analyser/tools/relink.
set -eu
cd "$(dirname "$0")"
REFERLAB_SRC=$(cd .. && pwd)
REFERLAB_BIN=${REFERLAB_BIN:-$REFERLAB_SRC/build/bin}
REFERLAB_TMP=${REFERLAB_TMP:-/tmp/referlab-captures}
export REFERLAB_SRC REFERLAB_BIN REFERLAB_TMP
source ../tests/lib/testlib.sh
source ../tests/analyser/lib.sh
set +e

for v in "udp4 127.0.0.1 u1" "tcp4 127.0.0.1 t1" "udp6 ::1 u1" "tcp6 ::1 t1"; do
	set -- $v
	al_sipp_transfer "transfer-$1.pcap" "$2" "$3"
	rm -f "transfer-$1.pcap".*.log
done

relink() { "$AL_TOOLS/relink" "$@" || tl_fail "relink $*"; }
relink transfer-udp4.pcap transfer-udp4-null.pcap 0 pcap
relink transfer-udp4.pcap transfer-udp4-loop-swapped.pcap 108 pcap-swapped
relink transfer-tcp4.pcap transfer-tcp4-sll-ns.pcap 113 pcap-ns
relink transfer-udp6.pcap transfer-udp6-sll2.pcapng 276 pcapng
relink transfer-tcp6.pcap transfer-tcp6-raw-swapped.pcapng 101 pcapng-swapped
relink transfer-udp4.pcap transfer-udp4-vlan-sll.pcapng 1 pcapng-2if
relink transfer-udp6.pcap transfer-udp6-ipv6.pcap 229 pcap
relink transfer-udp4.pcap transfer-udp4-fragments.pcap 1 pcap 300
relink transfer-udp6.pcap transfer-udp6-fragments.pcapng 276 pcapng 300
relink transfer-tcp4.pcap transfer-tcp4-segments.pcap 1 pcap 150
relink transfer-tcp6.pcap transfer-tcp6-segments.pcap 113 pcap 150
echo "captures: regenerated"
