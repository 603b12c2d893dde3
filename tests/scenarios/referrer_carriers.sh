#!/usr/bin/env bash
# The carrier scenarios hold up against a real referrer before the sim
# exists: SIPp playing the implementation (referrer_basic.xml) runs a
# representative set of carriers, and both SIPp instances must exit 0 (each
# checks what it receives, e.g. Refer-To on the carrier side).
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/scenarios/sipp_lib.sh"
tl_need sipp ss
WORK=$(tl_workdir scenarios/referrer_carriers)
referrer="$REFERRER_DIR/referrer_basic.xml"

# case  scenario  transport  family  [carrier-only SIPp args]
cases=(
	"notify-100-180-200 notify-100-180-200 udp 4"
	"reject-403 reject-403 udp 4"
	"accept-200-then-notify accept-200-then-notify udp 4"
	"notify-before-202 notify-before-202 udp 4"
	"bye-after-202-notify-after-bye bye-after-202-notify-after-bye udp 4"
	"tcp notify-100-200 tcp 4"
	"ipv6 notify-100-200 udp 6"
	"udp-loss-10 notify-100-200 udp 4 -lost 10"
	"final-486 final-486 udp 4"
	"record-route-proxy record-route-proxy udp 4"
	"referto-number-custom-headers referto-number-custom-headers udp 4"
	"trying-before-202 trying-before-202 udp 4"
	"auth-407-then-202 auth-407-then-202 udp 4"
	"auth-401-bad-credentials-403 auth-401-bad-credentials-403 udp 4"
)
failed=0
for c in "${cases[@]}"; do
	read -r name scen tp fam extra <<<"$c"
	# the credentials the implementation would be configured with
	case $name in
	auth-407-*) SL_REFERRER_ARGS=(-au referlab -ap secret) ;;
	auth-401-*) SL_REFERRER_ARGS=(-au referlab -ap wrong) ;;
	*) SL_REFERRER_ARGS=() ;;
	esac
	# shellcheck disable=SC2086 # extra is a word list on purpose
	sl_pair "$name" "$referrer" "$SCEN_DIR/carriers/$scen.xml" "$tp" "$fam" $extra
	if [ "$SL_PEER_RC" != 0 ] || [ "$SL_REFERRER_RC" != 0 ]; then
		echo "FAIL $name: carrier exit $SL_PEER_RC, referrer exit $SL_REFERRER_RC (logs: $WORK/$name)" >&2
		cat "$WORK/$name"/*errors.log >&2 2>/dev/null
		failed=1
	else
		echo "ok   $name"
	fi
done
[ "$failed" = 0 ] || tl_fail "some carrier scenarios failed against the SIPp referrer"
