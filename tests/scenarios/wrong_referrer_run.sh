#!/usr/bin/env bash
# The suite catches a broken implementation: SIPp playing a deliberately
# wrong referrer is reached with --iut external, and exactly the cases its
# fault concerns fail, each with a reason a user can act on.
source "$REFERLAB_TESTLIB"
tl_need sipp ss
tl_need_capture
source "$REFERLAB_SRC/tests/scenarios/sipp_lib.sh"

dir=$(tl_workdir scenarios/wrong_referrer_run)
cd "$dir" || exit 1
mkdir -p suite/carriers
for c in bye-after-202-notify-after-bye notify-100-180-200 reject-403 notify-100-200; do
	cp "$SCEN_DIR/carriers/$c."* suite/carriers/
done

# run_against REFERRER CALLS OUT: the referrer answers CALLS calls, one per
# case (an external implementation gets the cases one at a time).
run_against() {
	local port
	port=$(tl_free_port udp)
	mkdir -p "$3"
	(cd "$3" && exec timeout -k 5 120 sipp -sf "$REFERRER_DIR/$1.xml" \
		-i 127.0.0.1 -p "$port" -m "$2" -nostdin -trace_err) >"$3/referrer.log" 2>&1 &
	TL_PIDS+=("$!")
	tl_wait_port udp "$port" 10 "$3/referrer.log"
	"$REFERLAB_BIN/referlab" run suite --iut external --no-hooks \
		--iut-sip "sip:127.0.0.1:$port" --out "$3/report" >"$3/run.out" 2>&1
	RUN_STATUS=$?
	cat "$3/run.out"
}

# 481 to NOTIFYs after a BYE: only the case with NOTIFYs after its BYE fails
run_against referrer_wrong_481_after_bye 4 "$dir/481"
tl_expect_eq "exit code against the 481 referrer" 1 "$RUN_STATUS"
grep -q "^4 cases: 3 PASS, 1 FAIL, 0 ERROR" 481/run.out || tl_fail "481: summary"
grep -Eq "carriers/bye-after-202-notify-after-bye +FAIL" 481/run.out ||
	tl_fail "481: the NOTIFY-after-BYE case did not fail"
grep -q "sequence: expected 200 at message 9, got 481" 481/run.out ||
	tl_fail "481: no readable reason naming the 481"

# 405 to every NOTIFY: every case with NOTIFYs fails, the rejection passes
run_against referrer_wrong_405_notify 4 "$dir/405"
tl_expect_eq "exit code against the 405 referrer" 1 "$RUN_STATUS"
grep -q "^4 cases: 1 PASS, 3 FAIL, 0 ERROR" 405/run.out || tl_fail "405: summary"
grep -Eq "carriers/reject-403 +PASS" 405/run.out || tl_fail "405: the rejection failed"
grep -q "got 405" 405/run.out || tl_fail "405: no readable reason naming the 405"
echo "wrong referrer run: ok"
