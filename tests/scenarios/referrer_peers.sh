#!/usr/bin/env bash
# The peer scenarios hold up against a real referrer before the sim
# exists: SIPp playing the implementation (referrer_basic.xml answering
# carriers, referrer_dial.xml calling phones) runs a representative set,
# and both SIPp instances must exit 0 (each checks what it receives, e.g.
# Refer-To and custom headers on the peer side).
source "$REFERLAB_TESTLIB"
source "$REFERLAB_SRC/tests/scenarios/sipp_lib.sh"
tl_need sipp ss
WORK=$(tl_workdir scenarios/referrer_peers)
failed=0

# run NAME SERVER CLIENT TRANSPORT FAMILY
run() {
	sl_pair "$@"
	if [ "$SL_CLIENT_RC" != 0 ] || [ "$SL_SERVER_RC" != 0 ]; then
		echo "FAIL $1: client exit $SL_CLIENT_RC, server exit $SL_SERVER_RC (logs: $WORK/$1)" >&2
		cat "$WORK/$1"/*errors.log >&2 2>/dev/null
		failed=1
	else
		echo "ok   $1"
	fi
}

# case  scenario  transport  family  [carrier-only SIPp args]
carriers=(
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
for c in "${carriers[@]}"; do
	read -r name scen tp fam extra <<<"$c"
	# shellcheck disable=SC2206 # extra is a word list on purpose
	SL_CLIENT_ARGS=($extra)
	# the credentials the implementation would be configured with
	case $name in
	auth-407-*) SL_SERVER_ARGS=(-au referlab -ap secret) ;;
	auth-401-*) SL_SERVER_ARGS=(-au referlab -ap wrong) ;;
	notify-before-202) SL_SERVER_ARGS=(-nr) ;;   # see referrer_basic.xml
	*) SL_SERVER_ARGS=() ;;
	esac
	run "carriers/$name" "$REFERRER_DIR/referrer_basic.xml" \
		"$SCEN_DIR/carriers/$scen.xml" "$tp" "$fam"
done

SL_SERVER_ARGS=() SL_CLIENT_ARGS=()
for phone in accept-notify-100-200 reject-603 busy-target-486; do
	run "phones/$phone" "$SCEN_DIR/phones/$phone.xml" \
		"$REFERRER_DIR/referrer_dial.xml" udp 4
done
[ "$failed" = 0 ] || tl_fail "some peer scenarios failed against the SIPp referrer"
