#!/usr/bin/env bash
# Every SIPp XML of the library (and of these tests) loads in stock SIPp:
# SIPp checks the XML, keywords and variables when it starts, and only a
# scenario it accepts runs on until the global timeout.
source "$REFERLAB_TESTLIB"
tl_need sipp
WORK=$(tl_workdir scenarios/sipp_parse)
cd "$WORK" || exit 1

mapfile -t files < <(find "$REFERLAB_SRC/scenarios" "$REFERLAB_SRC/tests/scenarios" \
	-name '*.xml' | sort)
[ "${#files[@]}" -ge 32 ] || tl_fail "only ${#files[@]} SIPp scenarios found"

check() {
	local xml=$1 log rc
	log="$WORK/$(basename "$(dirname "$xml")")-$(basename "$xml" .xml).log"
	# 127.0.0.1:9 (discard) as the far end; SIPp needs one for UAC scenarios.
	# A scenario SIPp loads either runs until the global timeout ("timed
	# out after", from -timeout_error) or, on a busy box where its call
	# fails fast (ICMP from the discard port), ends early after showing
	# its statistics screen. A refused one (bad XML, keyword, variable)
	# exits with one error line and never reaches either; its exit status
	# (1) alone would not tell it from a failed call.
	timeout 20 sipp -sf "$xml" 127.0.0.1:9 -i 127.0.0.1 -p 0 -m 1 -nostdin \
		-timeout 1s -timeout_error >"$log" 2>&1
	rc=$?
	grep -Eq "timed out after|Scenario Screen" "$log" && return 0
	echo "SIPp refuses $xml (exit status $rc):" >&2
	grep -v '^ *$' "$log" | head -5 >&2
	return 1
}
export -f check
export WORK
printf '%s\n' "${files[@]}" | xargs -P 2 -I{} bash -c 'check "$1"' _ {} ||
	tl_fail "SIPp refused at least one scenario (see above)"
echo "sipp parse: ${#files[@]} scenarios load"
