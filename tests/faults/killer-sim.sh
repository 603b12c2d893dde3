#!/usr/bin/env bash
# Stands in for referlab-sim (REFERLAB_SIM) in tests/faults/faults.sh: runs
# the real one ($FAULT_SIM), except in the case whose files go to a folder
# named $FAULT_KILL_CASE: there the sim is killed outright (SIGKILL)
# $FAULT_KILL_AFTER seconds after it started, in the middle of its call.
case "$*" in
*"/$FAULT_KILL_CASE/"*) ;;
*) exec "$FAULT_SIM" "$@" ;;
esac
"$FAULT_SIM" "$@" &
pid=$!
sleep "${FAULT_KILL_AFTER:-1}"
kill -KILL "$pid"
wait "$pid"
