#!/usr/bin/env bash
# Both programs answer --help and --version, and refuse what they do not
# know with one line naming it and exit code 2.
source "$REFERLAB_TESTLIB"

for prog in referlab referlab-sim; do
	out=$("$REFERLAB_BIN/$prog" --help) || tl_fail "$prog --help exited $?"
	tl_expect_match "$prog --help" "^usage: $prog" "$out"
	out=$("$REFERLAB_BIN/$prog" --version) || tl_fail "$prog --version exited $?"
	tl_expect_match "$prog --version" "^$prog [0-9]+\.[0-9]+\.[0-9]+$" "$out"
	"$REFERLAB_BIN/$prog" >/dev/null 2>&1
	tl_expect_eq "$prog without arguments: exit code" 2 $?
done

err=$("$REFERLAB_BIN/referlab" frobnicate 2>&1)
tl_expect_eq "unknown command: exit code" 2 $?
tl_expect_eq "unknown command: message" \
	"referlab: unknown command 'frobnicate' (try 'referlab --help')" "$err"
echo "cli contract: ok"
