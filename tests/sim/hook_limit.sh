#!/usr/bin/env bash
# A call hook whose answer is over the sim's 1 MiB limit (HOOK_ANSWER_MAX),
# with a Content-Length or chunked: the call is refused (480) and the log
# names the size and the limit; one byte less is taken. (At exactly the
# limit through `referlab hooks`: tests/bad/cases/hook-big-at-limit.case.)
source "$REFERLAB_TESTLIB"
tl_need sipp python3
data=$REFERLAB_SRC/tests/sim/data
dir=$(tl_workdir sim/hook_limit)
cd "$dir" || exit 1

tl_spawn bighook.log python3 "$REFERLAB_SRC/tests/sim/bighook.py"
tl_wait_for bighook.log '^listening [0-9]+$' 10
url=http://127.0.0.1:$(sed -n 's/^listening //p' bighook.log)

# refused PATH REGEX: one call whose hook is PATH gets 480, the sim logs
# REGEX and exits by itself.
refused() {
	local log=sim-${1//\//_}.log
	tl_spawn "$log" "$REFERLAB_BIN/referlab-sim" --sip udp:127.0.0.1:0 \
		--call-hook "$url$1" --exit-after-calls 1
	local sim_pid=$TL_LAST_PID port
	tl_wait_for "$log" '^referlab-sim: listening udp:' 10
	port=$(sed -n 's/^referlab-sim: listening udp:127.0.0.1:\([0-9]*\)$/\1/p' "$log")
	sipp "127.0.0.1:$port" -sf "$data/expect_480.xml" -s service -i 127.0.0.1 \
		-m 1 -nostdin -timeout 30s -timeout_error >>sipp.log 2>&1 ||
		tl_fail "$1: the call was not refused with 480 (see $dir/sipp.log)"
	tl_wait_pid "$sim_pid" 30
	tl_expect_eq "referlab-sim exit status ($1)" 0 "$TL_STATUS"
	grep -Eq -- "$2" "$log" || tl_fail "$1: $log has no line matching /$2/: $(grep -m1 'call hook' "$log")"
}

refused /length/1048577 'call hook failed: answer body 1048577 bytes, over the 1048576-byte limit$'
refused /chunked/1200000 'call hook failed: answer body over the 1048576-byte limit \(chunked\)$'
grep -Eq 'hook POST http://127\.0\.0\.1:[0-9]+/length/1048577 \(attempt 1/1, [0-9]+ ms\): error: answer body 1048577 bytes, over the 1048576-byte limit$' \
	sim-_length_1048577.log || tl_fail "the attempt's line does not name the size and the limit"
echo "sim hook answer limit: ok"
