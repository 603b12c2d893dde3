#!/usr/bin/env bash
# referlab-sim's command line and process contract: usage errors (2), bad
# applications (4, naming file and key), busy ports (3), readiness lines,
# --log json, --max-calls, and a bounded shutdown on SIGTERM that hangs up.
source "$REFERLAB_TESTLIB"
tl_need sipp jq ss
sim=$REFERLAB_BIN/referlab-sim
data=$REFERLAB_SRC/tests/sim/data
dir=$(tl_workdir sim/cli)
cd "$dir" || exit 1

# expect_fail CODE REGEX ARGS...: exits CODE with one line matching REGEX
expect_fail() {
	local code=$1 re=$2 out
	shift 2
	out=$("$sim" "$@" 2>&1 >/dev/null)
	tl_expect_eq "exit code of: $*" "$code" "$?"
	tl_expect_eq "one line from: $*" 1 "$(printf '%s\n' "$out" | wc -l)"
	tl_expect_match "message of: $*" "$re" "$out"
}

echo '[{"verb":"pause","length":1}]' >ok.json
expect_fail 2 "--sip is required" --app ok.json
expect_fail 2 "exactly one of --app and --call-hook" --sip udp:127.0.0.1:0
expect_fail 2 "exactly one of" --sip udp:127.0.0.1:0 --app ok.json --call-hook http://127.0.0.1:1/app
expect_fail 2 "--sip sctp:127.0.0.1:1: transport must be udp or tcp" --sip sctp:127.0.0.1:1 --app ok.json
expect_fail 2 "--sip udp:localhost: expected PROTO:ADDR:PORT" --sip udp:localhost --app ok.json
expect_fail 2 "unknown option '--frob'" --sip udp:127.0.0.1:0 --app ok.json --frob 1
expect_fail 2 "--max-calls 0: expected a number" --sip udp:127.0.0.1:0 --app ok.json --max-calls 0
expect_fail 2 "--log xml: expected text or json" --sip udp:127.0.0.1:0 --app ok.json --log xml
expect_fail 2 "--sip-auth: expected USER:PASSWORD" --sip udp:127.0.0.1:0 --app ok.json --sip-auth nocolon
expect_fail 2 "--exit-after-calls needs a value" --sip udp:127.0.0.1:0 --app ok.json --exit-after-calls

# The documentation's own example: not JSON, and the fix shown.
printf '{\n  "verb": "sip:refer",\n  "referTo": +15083084809,\n  "actionHook": "/action"\n}\n' >docs.json
expect_fail 4 'docs.json: offset 38 \(line 3, column 14\): "referTo": \+15083084809 is not JSON \(a number cannot start with .\+.\); write "referTo": "\+15083084809"' \
	--sip udp:127.0.0.1:0 --app docs.json
echo '[{"verb":"say","text":"hi"}]' >say.json
expect_fail 4 'say.json: verb 1 \(say\): unknown verb "say"' --sip udp:127.0.0.1:0 --app say.json
echo '[{"verb":"sip:refer","referTo":"1","headers":{"Refer-To":"<sip:x@y>"}}]' >override.json
expect_fail 4 'override.json: verb 1 \(sip:refer\): "headers" must not set "Refer-To"' --sip udp:127.0.0.1:0 --app override.json
expect_fail 4 'missing.json: No such file' --sip udp:127.0.0.1:0 --app missing.json
echo '[{"verb":"sip:refer","referTo":"1","actionHook":"/action"}]' >relative.json
expect_fail 2 'relative.json: verb 1 \(sip:refer\): "actionHook" URL ./action. is relative: give --hook-base' \
	--sip udp:127.0.0.1:0 --app relative.json

# A port someone else holds: environment (3), naming the address.
tl_spawn holder.log "$sim" --sip udp:127.0.0.1:0 --app ok.json
tl_wait_for holder.log '^referlab-sim: listening udp:' 10
busy=$(sed -n 's/^referlab-sim: listening udp:127.0.0.1:\([0-9]*\)$/\1/p' holder.log)
expect_fail 3 "--sip udp:127.0.0.1:$busy: Address already in use" --sip "udp:127.0.0.1:$busy" --app ok.json

# (below a regular file: a path like /nonexistent/ may exist on a shared box)
expect_fail 3 "--trace ok.json/t.pcap: Not a directory" \
	--sip udp:127.0.0.1:0 --app ok.json --trace ok.json/t.pcap

# Readiness per transport and family; --log json lines are JSON; a JSON
# number referTo is taken with a warning; --max-calls refuses with 503;
# SIGTERM hangs up the held call (BYE) and exits 0 within its bound.
echo '[{"verb":"pause","length":120},{"verb":"sip:refer","referTo":15083084809}]' >hold.json
tl_spawn sim.log "$sim" --sip udp:127.0.0.1:0 --sip tcp:127.0.0.1:0 --sip "udp:[::1]:0" \
	--app hold.json --log json --max-calls 1
sim_pid=$TL_LAST_PID
tl_wait_for sim.log '^referlab-sim: listening udp:\[::1\]:[0-9]+$' 10
grep -Eq '^referlab-sim: listening tcp:127\.0\.0\.1:[0-9]+$' sim.log || tl_fail "no tcp readiness line"
port=$(sed -n 's/^referlab-sim: listening udp:127.0.0.1:\([0-9]*\)$/\1/p' sim.log)
tl_wait_for sim.log '"level":"warn".*referTo\\" is a JSON number; used as \\"15083084809\\"' 10

tl_spawn hold.log sipp "127.0.0.1:$port" -sf "$data/hold_until_bye.xml" -s service \
	-i 127.0.0.1 -m 1 -nostdin -timeout 60s -timeout_error
hold_pid=$TL_LAST_PID
tl_wait_for sim.log 'verb 1: pause' 20
sipp "127.0.0.1:$port" -sf "$data/expect_503.xml" -s service -i 127.0.0.1 -m 1 \
	-nostdin -timeout 20s -timeout_error >busy.log 2>&1 || tl_fail "second call was not refused with 503"
tl_wait_for sim.log 'refused: --max-calls 1' 5

start=$(date +%s%N)
kill -TERM "$sim_pid"
tl_wait_pid "$sim_pid" 10
tl_expect_eq "referlab-sim exit status after SIGTERM" 0 "$TL_STATUS"
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed" -lt 6000 ] || tl_fail "shutdown took ${elapsed} ms (bound: 5 s)"
tl_wait_pid "$hold_pid" 20
tl_expect_eq "held call ended by the sim's BYE (SIPp status)" 0 "$TL_STATUS"
grep '^{' sim.log | jq -e . >/dev/null || tl_fail "--log json wrote a line that is not JSON"
echo "sim cli: ok"
