#!/usr/bin/env bash
# referlab replay on bad input: every case one line on stderr naming the
# file (and what is wrong) and its documented exit code, never a crash.
source "$REFERLAB_TESTLIB"

dir=$(tl_workdir replay/bad_input)
cd "$dir" || exit 1
rl="$REFERLAB_BIN/referlab"
data="$REFERLAB_SRC/tests/replay/data"
field="$REFERLAB_SRC/captures/field"

# expect CODE STDERR-REGEX ARGS...: exit code, exactly one line on stderr
expect() {
	local code=$1 re=$2; shift 2
	"$rl" replay "$@" >out.txt 2>err.txt
	local got=$?
	tl_expect_eq "exit code of 'replay $*'" "$code" "$got"
	tl_expect_eq "stderr lines of 'replay $*'" 1 "$(wc -l <err.txt)"
	tl_expect_match "stderr of 'replay $*'" "$re" "$(cat err.txt)"
}

expect 4 "^referlab replay: $data/no-refer.pcap: no REFER in the capture: nothing to replay$" \
	"$data/no-refer.pcap"
expect 2 "^referlab replay: .*notify-after-bye.pcap: no transfer 3 \(the capture has transfers 1..1\)" \
	"$field/notify-after-bye.pcap" --transfer 3
expect 2 "--transfer: 'x' is not a transfer number" "$field/notify-after-bye.pcap" --transfer x
expect 2 "--transfer: '0' is not a transfer number" "$field/notify-after-bye.pcap" --transfer 0
expect 4 "^referlab replay: nothing.pcap: " nothing.pcap
printf 'not a capture at all\n' >text.pcap
expect 4 "^referlab replay: text.pcap: offset 0: " text.pcap
head -c 300 "$field/notify-after-bye.pcap" >truncated.pcap
expect 4 "^referlab replay: truncated.pcap: " truncated.pcap
# Cut inside its last frame: what was read before is replayed, with a warning.
size=$(stat -c %s "$field/notify-after-bye.pcap")
head -c $((size - 40)) "$field/notify-after-bye.pcap" >cut.pcap
expect 0 "^referlab replay: warning: cut.pcap: offset [0-9]+: .* \(replaying what was read before\)$" \
	cut.pcap --emit cut
[ -s cut/cut-t1.xml ] || tl_fail "no case from a capture cut short"
expect 4 "no-invite.pcap: transfer 1: the dialog's INVITE is not in the capture \(it starts at frame 1\): a replay needs the whole call$" \
	"$data/no-invite.pcap" --emit cases
[ ! -e cases/no-invite-t1.json ] || tl_fail "a case was written for an unplayable dialog"
expect 2 "--timing: 'slow': use recorded or fast" "$field/notify-after-bye.pcap" --timing slow
expect 2 "--iut external goes with --iut-sip" "$field/notify-after-bye.pcap" --iut external
expect 2 "which capture\?" --emit cases
expect 2 "unknown option '--bogus'" "$field/notify-after-bye.pcap" --bogus
expect 2 "--emit needs a value" "$field/notify-after-bye.pcap" --emit

"$rl" replay --help >help.txt 2>&1
tl_expect_eq "--help exit code" 0 $?
grep -q -- "--transfer N" help.txt || tl_fail "--help does not document --transfer"
echo "replay bad input: ok"
