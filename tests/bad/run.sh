#!/usr/bin/env bash
# tests/bad/run.sh [CASE...]: the bad-input catalogue (tests/bad/README.md).
# Every tests/bad/cases/*.case is one bad input and what must come of it:
# one clear error line, the documented exit code (or SIP answer), no
# crash, no hang, and what was gathered before the bad input still
# written. Run by ctest as integration/bad/catalogue; one case by hand:
#   REFERLAB_BIN=build/bin REFERLAB_SRC=$PWD tests/bad/run.sh cases/pcap-truncated-record.case
source "$REFERLAB_TESTLIB"
tl_need jq timeout

CASES=$REFERLAB_SRC/tests/bad/cases
ROOT=$(tl_workdir bad)
referlab=$REFERLAB_BIN/referlab
sim=$REFERLAB_BIN/referlab-sim
SRC=$REFERLAB_SRC
export referlab sim SRC
failed=() ran=0

# case_get FILE KEY: the value of "KEY: value" in the header (before ---).
case_get() {
	sed -n "/^---/q; s/^$2: //p" "$1" | head -1
}

# write_input CASE DEST: the literal input after "--- input", LF turned
# into CRLF for SIP ("--- input crlf"), $PORT/$CASE substituted; then
# input-cmd (a bash snippet) may build or change it.
write_input() {
	local c=$1 dest=$2 mode cmd
	mode=$(sed -n 's/^--- input *//p' "$c")
	sed '1,/^--- input/d' "$c" >"$dest"
	if [ "$mode" = crlf ]; then
		sed -i -e "s/\$PORT/${PORT:-0}/g; s/\$CASE/$name/g" -e 's/$/\r/' "$dest"
		fix_clen "$dest"
	fi
	cmd=$(case_get "$c" input-cmd)
	[ -z "$cmd" ] || INPUT=$dest W=$(dirname "$dest") bash -c "$cmd" ||
		tl_fail "$name: input-cmd failed"
}

# Content-Length: auto becomes the body's length in bytes.
fix_clen() {
	local body
	grep -q '^Content-Length: auto' "$1" || return 0
	body=$(sed '1,/^\r$/d' "$1" | wc -c)
	sed -i "s/^Content-Length: auto/Content-Length: $body/" "$1"
}

bad() { failed+=("$name: $*"); echo "  FAIL $name: $*" >&2; }

# check_output CASE STDOUT STDERR RC: exit code, the one error line, and
# any "stdout:" / "after:" conditions.
check_output() {
	local c=$1 out=$2 err=$3 rc=$4 want re where lines
	want=$(case_get "$c" exit)
	[ "$rc" = "$want" ] || bad "exit $rc, expected $want ($(head -c 300 "$err"))"
	[ "$rc" -lt 128 ] || bad "killed by signal $((rc - 128))"
	grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$err" &&
		bad "sanitizer report: $(grep -Em1 'Sanitizer|runtime error' "$err")"
	re=$(case_get "$c" error)
	where=$(case_get "$c" error-in)
	if [ "$where" = stdout ]; then
		grep -Eq -- "$re" "$out" || bad "no line of stdout matches /$re/"
	else
		lines=$(grep -cv '^$' "$err")
		[ "$lines" = 1 ] || bad "stderr has $lines lines, expected one: $(head -c 300 "$err")"
		grep -Eq -- "$re" "$err" || bad "stderr '$(head -1 "$err")' does not match /$re/"
	fi
	re=$(case_get "$c" stdout)
	[ -z "$re" ] || grep -Eq -- "$re" "$out" || bad "stdout lacks /$re/"
	re=$(case_get "$c" after)
	[ -z "$re" ] || (cd "$W" && W=$W bash -c "$re") >/dev/null 2>&1 || bad "after: '$re' is false"
}

# A command line, with $INPUT the case's input file and $W its folder.
run_cmd() {
	local c=$1 cmd rc
	cmd=$(case_get "$c" run)
	INPUT=$W/input W=$W timeout 60 bash -c "cd '$W' && $cmd" \
		>"$W/stdout" 2>"$W/stderr"
	rc=$?
	[ $rc = 124 ] && bad "still running after 60 s"
	check_output "$c" "$W/stdout" "$W/stderr" $rc
}

source "$REFERLAB_SRC/tests/bad/wire.sh"

[ $# -gt 0 ] || set -- "$CASES"/*.case
for c in "$@"; do
	[ -f "$c" ] || c=$REFERLAB_SRC/tests/bad/$c
	name=$(basename "$c" .case)
	W=$ROOT/$name
	mkdir -p "$W"
	ran=$((ran + 1))
	if [ -n "$(case_get "$c" run)" ]; then
		write_input "$c" "$W/input"
		run_cmd "$c"
	elif [ -n "$(case_get "$c" sip)" ]; then
		wire_sip_case "$c"
	elif [ -n "$(case_get "$c" call-hook)" ]; then
		wire_hook_case "$c"
	else
		bad "neither run:, sip: nor call-hook:"
	fi
done
wire_sim_stop

echo "bad-input catalogue: $ran cases, ${#failed[@]} failed"
[ ${#failed[@]} = 0 ] || { printf '  %s\n' "${failed[@]}" >&2; exit 1; }
