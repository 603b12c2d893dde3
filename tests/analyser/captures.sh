#!/usr/bin/env bash
# Every sample capture in captures/ (live SIPp transfers and their
# rewrites into other link types, formats, IP fragments and TCP
# segments): our decode counts equal tshark's, and each holds the one
# blind transfer with its hooks and no finding.
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/analyser/lib.sh"
tl_need tshark jq

n=0
for f in "$REFERLAB_SRC"/captures/*.pcap "$REFERLAB_SRC"/captures/*.pcapng; do
	[ -e "$f" ] || continue
	al_oracle "$f"
	al_expect_transfer "$(basename "$f")"
	n=$((n + 1))
done
[ $n -ge 10 ] || tl_fail "only $n captures in captures/"
echo "captures: $n ok"
