#!/usr/bin/env bash
# Memory is bounded: a capture ten times larger (20000 vs 2000 transfers)
# is analysed with the same peak memory and the same number of dialogs
# held at once, because finished dialogs are released as the stream goes.
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/analyser/lib.sh"
tl_need jq
[ -x /usr/bin/time ] || tl_fail "/usr/bin/time is not installed: run ./dev.sh deps"

dir=$(tl_workdir analyser/memory)
case="$REFERLAB_SRC/tests/analyser/cases/clean.case"
# (under ASan, freed memory waits in a quarantine that would count)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
for n in 2000 20000; do
	"$AL_TOOLS/casepcap" "$case" "$dir/$n.pcap" $n || tl_fail "casepcap $n"
	/usr/bin/time -f %M -o "$dir/$n.rss" "$REFERLAB_BIN/referlab" analyze \
		--json "$dir/$n.pcap" >"$dir/$n.json"
	tl_expect_eq "$n transfers: exit code" 0 $?
	tl_expect_eq "$n transfers: transfers found" $n "$(jq '.summary.transfers' "$dir/$n.json")"
	jq '.files[0].dialogs_live_max' "$dir/$n.json" >"$dir/$n.live"
done
tl_expect_eq "dialogs held at once" "$(cat "$dir/2000.live")" "$(cat "$dir/20000.live")"
small=$(tail -1 "$dir/2000.rss") big=$(tail -1 "$dir/20000.rss")
tl_info "peak RSS: $small KB for 2000 transfers, $big KB for 20000"
[ "$big" -le $((small * 3 / 2 + 2048)) ] ||
	tl_fail "peak memory grew with the capture: $small KB -> $big KB"
echo "memory: bounded ($small KB / $big KB)"
