#!/usr/bin/env bash
# The same cases against referlab-sim and baresip, merged by `referlab
# report`: the interop matrix has one column per implementation, and
# every baresip cell links to its case folder with its capture.
# shellcheck source=tests/baresip/baresip_lib.sh
source "$REFERLAB_SRC/tests/baresip/baresip_lib.sh"
cp "$lib/carriers/notify-100-200."* suite/carriers/

"$REFERLAB_BIN/referlab" run suite --jobs 2 --out "$dir/out/sim" >sim.out 2>&1
"$REFERLAB_BIN/referlab" run suite --iut baresip --jobs 2 \
	--out "$dir/out/baresip" >bs.out 2>&1
cat sim.out bs.out
"$REFERLAB_BIN/referlab" report out/sim/results.json out/baresip/results.json \
	--html out/report.html --json out/merged.json --md out/report.md
status=$?
tl_expect_eq "report exit (baresip fails a case)" 1 "$status"

grep -q 'Hooks derived from the wire' out/report.html ||
	tl_fail "the report does not say baresip's hooks are derived"
tl_expect_eq "runs (columns)" 2 "$(jq '.runs | length' out/merged.json)"
jq -r '.runs[].label' out/merged.json | grep -q '^referlab-sim' ||
	tl_fail "no referlab-sim column"
jq -r '.runs[].label' out/merged.json | grep -q '^baresip 1\.' ||
	tl_fail "no baresip column"
grep -q 'baresip' out/report.md || tl_fail "the Markdown matrix has no baresip column"
grep -q 'href="baresip/phones/reject-603/capture.pcap"' out/report.html ||
	tl_fail "the baresip cell does not link to its case folder"
echo "$(basename "$0"): ok"
