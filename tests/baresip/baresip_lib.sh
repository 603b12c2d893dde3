# shellcheck shell=bash
# baresip_lib.sh: the set-up the baresip tests share (sourced first).
# Needs SIPp, baresip, jq and capture rights (else skips); makes a fresh
# folder named after the test and goes there ($dir), and suite/ with the
# phone case every test runs, phones/reject-603, and an empty carriers/
# for the test's own cases from the scenario library ($lib).
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp
tl_need baresip
tl_need jq
tl_need_capture

dir=$(tl_workdir "baresip/$(basename "$0" .sh)")
cd "$dir" || exit 1
lib="$REFERLAB_SRC/scenarios"
mkdir -p suite/phones suite/carriers
cp "$lib/phones/reject-603."* suite/phones/
