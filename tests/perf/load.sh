#!/usr/bin/env bash
# referlab load: a SIPp carrier at a rate against referlab-sim (built in,
# and run by hand as an external implementation) and against the SIPp
# referrer baseline; every transfer completes, the hooks are counted, the
# latency pairs every actionHook with its final NOTIFY (with capture
# rights), and the IUT's CPU and RSS are read. Bad arguments: exit 2.
source "$REFERLAB_TESTLIB"
tl_need jq sipp
dir=$(tl_workdir perf/load)
load() { "$REFERLAB_BIN/referlab" load "$@"; }
root=0; [ "$(id -u)" = 0 ] && root=1

out=$(load --rate 20 --duration 2 --json --out "$dir/builtin" 2>"$dir/builtin.err")
tl_expect_eq "builtin: exit code" 0 $?
tl_expect_eq "builtin: attempted, completed, failed" "40 40 0" \
	"$(jq -r '"\(.attempted) \(.completed) \(.failed)"' <<<"$out")"
tl_expect_eq "builtin: actionHooks, eventHooks (100, 180, 200)" "40 120" \
	"$(jq -r '"\(.hooks_action) \(.hooks_event)"' <<<"$out")"
jq -e '.iut_cpu_s > 0 and .iut_rss_peak_kib > 1024' <<<"$out" >/dev/null ||
	tl_fail "builtin: no CPU/RSS of the sim: $out"
if [ $root = 1 ]; then
	jq -e '.latency_ms.matched == 40 and .latency_ms.p50 > 0 and
		.latency_ms.p99 >= .latency_ms.p50 and .pending_max >= 1' \
		<<<"$out" >/dev/null || tl_fail "builtin: latency: $out"
	# the capture is there to check by hand: 40 transfers, all completed
	"$REFERLAB_BIN/referlab" analyze --json "$dir/builtin/capture.pcap" >"$dir/an.json"
	tl_expect_eq "builtin: transfers in the capture" "completed 40" \
		"$(jq -r '[.transfers[].outcome] | group_by(.) | map("\(.[0]) \(length)") | join(",")' "$dir/an.json")"
else
	tl_info "no capture rights: latency not checked"
fi

out=$(load --rate 20 --duration 1 --no-hooks --no-capture --json --out "$dir/nohooks")
tl_expect_eq "no hooks: exit code" 0 $?
tl_expect_eq "no hooks: completed, hooks" "20 0 0 null" \
	"$(jq -r '"\(.completed) \(.hooks_action) \(.hooks_event) \(.latency_ms)"' <<<"$out")"

out=$(load --iut sipp --rate 20 --duration 1 --json --out "$dir/sipp")
tl_expect_eq "sipp baseline: exit code" 0 $?
tl_expect_eq "sipp baseline: completed, failed" "20 0" \
	"$(jq -r '"\(.completed) \(.failed)"' <<<"$out")"

# an implementation started by hand, reaching the hook server's call hook
hp=$(tl_free_port tcp)
tl_spawn "$dir/ext-sim.log" "$REFERLAB_BIN/referlab-sim" --sip udp:127.0.0.1:0 \
	--call-hook "http://127.0.0.1:$hp/call"
sim=$TL_LAST_PID
tl_wait_for "$dir/ext-sim.log" '^referlab-sim: listening udp:' 10
sip=$(sed -n 's/^referlab-sim: listening udp://p' "$dir/ext-sim.log")
out=$(load --iut external --iut-sip "sip:$sip" --iut-pid "$sim" --hook-port "$hp" \
	--rate 10 --duration 1 --no-capture --json --out "$dir/ext" 2>"$dir/ext.err")
tl_expect_eq "external: exit code" 0 $?
tl_expect_eq "external: completed, actionHooks, call hooks" "10 10 10" \
	"$(jq -r '"\(.completed) \(.hooks_action) \(.hooks_other)"' <<<"$out")"
jq -e '.iut_rss_peak_kib > 0' <<<"$out" >/dev/null || tl_fail "external: no RSS: $out"
tl_expect_match "external: the call hook is printed" "call hook: http://127.0.0.1:$hp/call" \
	"$(cat "$dir/ext.err")"

# the text report
out=$(load --rate 5 --duration 1 --no-capture --out "$dir/text")
tl_expect_match "text report" "transfers: attempted 5 \([0-9.]+/s\), completed 5 \([0-9.]+/s\), failed 0" "$out"
tl_expect_match "text report: IUT" "IUT: CPU [0-9.]+ s \([0-9]+% of one core\), peak RSS [0-9.]+ MiB" "$out"

for bad in "--duration 1" "--rate 0 --duration 1" "--rate 1 --duration 1 --iut nope" \
	"--rate 1 --duration 1 --iut external" "--rate 1 --duration 1 --iut-sip 1.2.3.4:5" \
	"--rate 1 --duration 1 --iut external --iut-sip nohost"; do
	load $bad >/dev/null 2>"$dir/err"
	tl_expect_eq "'$bad': exit code" 2 $?
	tl_expect_eq "'$bad': one line" 1 "$(wc -l <"$dir/err")"
done
echo "load: builtin, external, sipp baseline"
