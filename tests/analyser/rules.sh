#!/usr/bin/env bash
# Each rule of the catalogue has a case that triggers it (cases/*.case,
# turned into a capture by tools/casepcap), and the clean cases trigger
# none. Every case capture also passes the tshark oracle.
#   expect: RULE...   these rules are found
#   absent: RULE...   these are not
#   clean: yes        no finding at all
#   outcome: NAME     the first transfer's outcome
#   exit: N           referlab analyze's exit code
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/analyser/lib.sh"
tl_need tshark jq

dir=$(tl_workdir analyser/rules)
covered=" "
field() { sed -n "s/^$1: //p" "$2" | head -1; }

for case in "$REFERLAB_SRC"/tests/analyser/cases/*.case; do
	name=$(basename "$case" .case)
	pcap="$dir/$name.pcap"
	"$AL_TOOLS/casepcap" "$case" "$pcap" || tl_fail "$name: casepcap failed"
	al_oracle "$pcap"
	found=" $(jq -r '[.transfers[].findings[], .findings[]] | map(.rule) | unique | join(" ")' <<<"$AL_JSON") "
	for rule in $(field expect "$case"); do
		[[ $found == *" $rule "* ]] || tl_fail "$name: expected $rule, found:$found"
		covered+="$rule "
	done
	for rule in $(field absent "$case"); do
		[[ $found != *" $rule "* ]] || tl_fail "$name: $rule found but must not be"
	done
	if [ "$(field clean "$case")" = yes ]; then
		tl_expect_eq "$name: findings" "  " "$found"
		tl_expect_eq "$name: exit code" 0 "$AL_RC"
	fi
	want=$(field outcome "$case")
	[ -z "$want" ] || tl_expect_eq "$name: outcome" "$want" \
		"$(jq -r '.transfers[0].outcome' <<<"$AL_JSON")"
	want=$(field exit "$case")
	[ -z "$want" ] || tl_expect_eq "$name: exit code" "$want" "$AL_RC"
done

for rule in $("$REFERLAB_BIN/referlab" rules --json | jq -r '.[].rule'); do
	[[ $covered == *" $rule "* ]] || tl_fail "rule $rule has no case that triggers it"
done
echo "rules: every rule triggered, clean cases clean"
