#!/usr/bin/env bash
# The carrier scenarios catch broken referrers on their own (SIPp's exit
# status is the second, independent verdict): against a referrer that
# answers 481 to NOTIFYs after a BYE, exactly the NOTIFY-after-BYE carrier
# fails; against one that answers 405 to every NOTIFY, the NOTIFY carriers
# fail and the rejection passes. Each failure names the wrong answer.
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/scenarios/sipp_lib.sh"
tl_need sipp ss
WORK=$(tl_workdir scenarios/referrer_wrong)

# expect NAME REFERRER CARRIER pass|fail [CODE the carrier must name]
expect() {
	local name=$1 referrer="$REFERRER_DIR/$2.xml" carrier="$SCEN_DIR/carriers/$3.xml"
	SL_SERVER_ARGS=()
	[ "$3" = notify-before-202 ] && SL_SERVER_ARGS=(-nr)   # see referrer_basic.xml
	sl_pair "$name" "$referrer" "$carrier" udp 4
	if [ "$4" = pass ]; then
		[ "$SL_CLIENT_RC" = 0 ] ||
			tl_fail "$name: carrier $3 failed against $2 (exit $SL_CLIENT_RC), logs: $WORK/$name"
	else
		[ "$SL_CLIENT_RC" != 0 ] ||
			tl_fail "$name: carrier $3 passed against the broken $2"
		grep -q "SIP/2.0 $5" "$WORK/$name"/"$3"_*_errors.log ||
			tl_fail "$name: the carrier's error log does not show the $5 it got"
	fi
	echo "ok   $name ($4)"
}

expect 481-bye-then-notify referrer_wrong_481_after_bye bye-after-202-notify-after-bye fail 481
expect 481-notify-then-bye referrer_wrong_481_after_bye notify-100-180-200 pass
expect 481-reject referrer_wrong_481_after_bye reject-403 pass
expect 405-notify referrer_wrong_405_notify notify-100-200 fail 405
expect 405-notify-before-202 referrer_wrong_405_notify notify-before-202 fail 405
expect 405-reject referrer_wrong_405_notify reject-403 pass
