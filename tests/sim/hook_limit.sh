#!/usr/bin/env bash
# A call hook whose answer is over the sim's 1 MiB limit (HOOK_ANSWER_MAX),
# with a Content-Length or chunked: the call is refused (480) and the log
# names the size and the limit; one byte less is taken. (At exactly the
# limit through `referlab hooks`: tests/bad/cases/hook-big-at-limit.case.)
# Such an answer is an answer, not a connection failure: #rp=ct does not
# retry it, #rp=5xx does when its status is a 5xx (README "Retry policy").
source "$REFERLAB_TESTLIB"
tl_need sipp python3
data=$REFERLAB_SRC/tests/sim/data
dir=$(tl_workdir sim/hook_limit)
cd "$dir" || exit 1

tl_spawn bighook.log python3 "$REFERLAB_SRC/tests/sim/bighook.py"
tl_wait_for bighook.log '^listening [0-9]+$' 10
url=http://127.0.0.1:$(sed -n 's/^listening //p' bighook.log)

# refused PATH[#FRAGMENT] REGEX: one call whose hook is PATH gets 480,
# the sim logs REGEX (in sim-PATH.log, / as _) and exits by itself.
refused() {
	local path=${1%%#*}
	local log=sim-${path//\//_}.log
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

refused /length/1048577 'call hook failed: HTTP 200, answer body 1048577 bytes, over the 1048576-byte limit$'
refused /chunked/1200000 'call hook failed: HTTP 200, answer body over the 1048576-byte limit \(chunked\)$'
grep -Eq 'hook POST http://127\.0\.0\.1:[0-9]+/length/1048577 \(attempt 1/1, [0-9]+ ms\): error: HTTP 200, answer body 1048577 bytes, over the 1048576-byte limit$' \
	sim-_length_1048577.log || tl_fail "the attempt's line does not name the size and the limit"

# requests PATH: how many requests for PATH reached the server.
requests() {
	grep -c "\"POST $1 HTTP/1.1\"" bighook.log
}

refused '/length/1048578#rp=ct&rc=2' 'call hook failed: HTTP 200, answer body 1048578 bytes, over the 1048576-byte limit$'
tl_expect_eq "requests for an oversized 200 under rp=ct&rc=2" 1 "$(requests /length/1048578)"
grep -Eq '\(attempt 1/3, [0-9]+ ms\): error: HTTP 200, answer body 1048578 bytes' \
	sim-_length_1048578.log || tl_fail "no attempt line with the status for /length/1048578"

refused '/length/1048577/503#rp=5xx&rc=1' 'call hook failed: HTTP 503, answer body 1048577 bytes, over the 1048576-byte limit$'
tl_expect_eq "requests for an oversized 503 under rp=5xx&rc=1" 2 "$(requests /length/1048577/503)"
grep -Eq '\(attempt 2/2, [0-9]+ ms\): error: HTTP 503, answer body 1048577 bytes' \
	sim-_length_1048577_503.log || tl_fail "the oversized 503 was not retried under rp=5xx"
echo "sim hook answer limit: ok"
