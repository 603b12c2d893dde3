#!/usr/bin/env bash
# `referlab analyze` and `referlab rules` as a user meets them: the text
# report, --json, --transfer, --rules, and the exit codes (0 clean,
# 1 error findings, 2 usage, 4 unreadable input, named by file and offset).
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/analyser/lib.sh"
tl_need jq

dir=$(tl_workdir analyser/cli)
bin="$REFERLAB_BIN/referlab"
cases="$REFERLAB_SRC/tests/analyser/cases"
for c in clean notify-event-missing refer-accepted-200 sip-retransmission \
	bye-before-final-notify; do
	"$AL_TOOLS/casepcap" "$cases/$c.case" "$dir/$c.pcap" || tl_fail "casepcap $c"
done

# the text report: ladder, outcome, hooks, findings, summary
out=$("$bin" analyze "$dir/clean.pcap")
tl_expect_eq "clean: exit code" 0 $?
tl_expect_match "clean: header" "== transfer 1 .*clean.pcap  Call-ID c1@case  udp" "$out"
tl_expect_match "clean: ladder" "4 +1.000  A -> B  REFER sip:carrier@127.0.0.2:5080" "$out"
tl_expect_match "clean: outcome" "outcome: completed \(REFER answered 202, final NOTIFY status 200\)" "$out"
tl_expect_match "clean: actionHook" 'frame 8 +actionHook \{"callId":"c1@case","direction":"inbound","from":"\+15551230000","to":"\+15550001111","callerName":"Carrier","sipStatus":200,"sipReason":"OK","callStatus":"in-progress","fsSipAddress":"127.0.0.1:5070","referStatus":202,"final_referred_call_status":200\}' "$out"
tl_expect_match "clean: eventHook" 'frame 6 +eventHook +\{"event":"transfer-status","call_status":"100"\}' "$out"
tl_expect_match "clean: summary" "1 transfer: 0 errors, 0 warnings, 0 info; 11 SIP messages \(1 REFER, 2 NOTIFY, 0 malformed\) in 11 frames" "$out"

out=$("$bin" analyze "$dir/notify-event-missing.pcap")
tl_expect_eq "error finding: exit code" 1 $?
tl_expect_match "error finding: line" "error +notify.event.missing +RFC 3515 §2.4.4  frame 6: NOTIFY without Event" "$out"
"$bin" analyze --rules refer.refer-to.count,refer.contact "$dir/notify-event-missing.pcap" >/dev/null
tl_expect_eq "--rules leaves the finding out: exit code" 0 $?
"$bin" analyze "$dir/refer-accepted-200.pcap" >/dev/null
tl_expect_eq "info finding only: exit code" 0 $?

# a retransmitted NOTIFY is counted on it and fires no second eventHook
al_analyze "$dir/sip-retransmission.pcap"
tl_expect_eq "retransmitted NOTIFY: counts" "1 0" \
	"$(jq -r '[.transfers[0].notifies[].retransmissions] | join(" ")' <<<"$AL_JSON")"
tl_expect_eq "retransmitted NOTIFY: eventHooks" 2 \
	"$(jq '[.transfers[0].hooks[] | select(.hook == "eventHook")] | length' <<<"$AL_JSON")"
tl_expect_eq "retransmitted NOTIFY: ladder" "7 true" \
	"$(jq -r '.transfers[0].ladder[] | select(.retransmission) | "\(.frame) \(.retransmission)"' <<<"$AL_JSON")"

# a BYE before the final NOTIFY ends the verb: the call is completed
al_analyze "$dir/bye-before-final-notify.pcap"
tl_expect_eq "BYE first: actionHook" '8 {"callStatus":"completed","referStatus":202}' \
	"$(jq -r -c '.transfers[0].hooks[-1] | "\(.frame) \(.payload | {callStatus, referStatus, final_referred_call_status} | with_entries(select(.value != null)) | tojson)"' <<<"$AL_JSON")"

# the jambonz dialect: snake_case keys, eventHook call_status a number
out=$("$bin" analyze --json --dialect jambonz "$dir/clean.pcap")
tl_expect_eq "jambonz dialect" 'jambonz 100 202 200 inbound' \
	"$(jq -r '"\(.dialect) \(.transfers[0].hooks[0].payload.call_status) \(.transfers[0].hooks[-1].payload | "\(.refer_status) \(.final_referred_call_status) \(.direction)")"' <<<"$out")"
tl_expect_eq "jambonz dialect: call_status is a number" number \
	"$(jq -r '.transfers[0].hooks[0].payload.call_status | type' <<<"$out")"

# several files: transfers are numbered across them; --transfer picks one
al_analyze "$dir/clean.pcap" "$dir/refer-accepted-200.pcap"
tl_expect_eq "two files: transfers" "1 2" "$(jq -r '[.transfers[].index] | join(" ")' <<<"$AL_JSON")"
out=$("$bin" analyze --json --transfer 2 "$dir/clean.pcap" "$dir/refer-accepted-200.pcap")
tl_expect_eq "--transfer 2: exit code" 0 $?
tl_expect_eq "--transfer 2: the second file's" "refer-accepted-200.pcap 200" \
	"$(jq -r '.transfers[] | "\(.file | split("/") | last) \(.response.status)"' <<<"$out")"
tl_expect_eq "--transfer 2: schema" "referlab-analysis/1" "$(jq -r .schema <<<"$out")"

# usage errors: exit 2, one line naming the argument
usage() {
	local what=$1 regex=$2; shift 2
	err=$("$bin" analyze "$@" 2>&1 >/dev/null)
	tl_expect_eq "$what: exit code" 2 $?
	tl_expect_match "$what: message" "$regex" "$err"
}
usage "no file" "no capture file given"
usage "unknown option" "unknown option '--frob'" --frob "$dir/clean.pcap"
usage "bad --transfer" "--transfer '0' is not a number" --transfer 0 "$dir/clean.pcap"
usage "unknown rule" "unknown rule 'nope'" --rules nope "$dir/clean.pcap"
usage "unknown dialect" "--dialect is 'spec' or 'jambonz'" --dialect x "$dir/clean.pcap"
usage "missing transfer" "no transfer 5: the input holds 1" --transfer 5 "$dir/clean.pcap"

# unreadable input: exit 4, one line with the file and the offset
err=$("$bin" analyze "$dir/none.pcap" 2>&1 >/dev/null)
tl_expect_eq "missing file: exit code" 4 $?
tl_expect_match "missing file: message" "none.pcap: cannot open: No such file" "$err"
printf 'not a capture' >"$dir/text.pcap"
err=$("$bin" analyze "$dir/text.pcap" 2>&1 >/dev/null)
tl_expect_eq "not a capture: exit code" 4 $?
tl_expect_match "not a capture: message" "text.pcap: offset 0: not a pcap or pcapng file" "$err"
size=$(stat -c %s "$dir/clean.pcap")
head -c $((size - 100)) "$dir/clean.pcap" >"$dir/cut.pcap"
out=$("$bin" analyze --json "$dir/cut.pcap" 2>"$dir/cut.err")
tl_expect_eq "truncated capture: exit code" 4 $?
tl_expect_match "truncated capture: message" "cut.pcap: offset [0-9]+: frame 11: record truncated" "$(cat "$dir/cut.err")"
tl_expect_eq "truncated capture: what was read is reported" 10 "$(jq '.files[0].sip_messages' <<<"$out")"

# the catalogue
out=$("$bin" rules)
tl_expect_eq "rules: exit code" 0 $?
[ "$(wc -l <<<"$out")" -ge 25 ] || tl_fail "rules: fewer than 25 rules"
while read -r line; do
	tl_expect_match "rules: a line" "^[a-z0-9.-]+ +(error|warning|info) +RFC [0-9]+ +§[0-9.]+ +[A-Za-z]" "$line"
done <<<"$out"
tl_expect_eq "rules --json: count" "$(wc -l <<<"$out")" "$("$bin" rules --json | jq length)"
echo "analyze cli: ok"
