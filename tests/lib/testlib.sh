# testlib.sh: helpers for referlab's integration tests (bash).
# Sourced by every script under tests/*/; ctest sets REFERLAB_BIN,
# REFERLAB_SRC and REFERLAB_TMP (see tests/lib/referlab_tests.cmake).
# Exit codes: 0 pass, 1 fail, 77 skipped (the script says why).

set -u
REFERLAB_BIN=${REFERLAB_BIN:?run through ctest or set REFERLAB_BIN}
REFERLAB_SRC=${REFERLAB_SRC:?run through ctest or set REFERLAB_SRC}
REFERLAB_TMP=${REFERLAB_TMP:-/tmp/referlab-tests}
TL_PIDS=()

tl_fail() { echo "FAIL: $*" >&2; exit 1; }
tl_skip() { echo "SKIP: $*" >&2; exit 77; }
tl_info() { echo "-- $*" >&2; }

# tl_workdir NAME: a fresh folder for this test's files, kept after the
# run so a failure can be inspected.
tl_workdir() {
	local dir="$REFERLAB_TMP/$1"
	rm -rf "$dir" && mkdir -p "$dir" && echo "$dir"
}

# Kill everything this test started, whatever way the script ends.
tl_cleanup() {
	local pid
	for pid in "${TL_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${TL_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	tl_ports_free
}
trap tl_cleanup EXIT

# tl_spawn LOGFILE CMD...: start CMD in the background, remember its pid
# in TL_LAST_PID, and make sure tl_cleanup ends it.
tl_spawn() {
	local log=$1; shift
	"$@" >"$log" 2>&1 &
	TL_LAST_PID=$!
	TL_PIDS+=("$TL_LAST_PID")
}

# tl_free_port udp|tcp [SPAN]: SPAN (default 1) consecutive ports nobody
# listens on, the first echoed, reserved for this test until it ends: a
# file per port in $REFERLAB_TMP/.ports, created only if absent (atomic),
# holding this shell's pid. A file survives $(...), where an fd or a
# variable would not, so a second call never returns the first's port and
# parallel tests never share one between their check and their bind.
# Picked at random from 10000-19999: below the kernel's ephemeral range
# (32768-60999), where outgoing connections and port-0 binds could take
# ours, and below the runner's own range (harness/ports.h, 20000-32767),
# which a `referlab run` in a parallel test hands out without seeing our
# files. A file left by a killed test only makes its port unavailable.
# Bounded: 200 tries.
TL_PORTS_DIR=$REFERLAB_TMP/.ports
tl_free_port() {
	local proto=${1:-udp} span=${2:-1} flag port i k
	[ "$proto" = tcp ] && flag=-t || flag=-u
	mkdir -p "$TL_PORTS_DIR" || tl_fail "cannot create $TL_PORTS_DIR"
	for ((i = 0; i < 200; i++)); do
		port=$((10000 + RANDOM % (10000 - span)))
		for ((k = 0; k < span; k++)); do
			tl_port_reserve "$flag" $((port + k)) || break
		done
		if [ "$k" = "$span" ]; then
			echo "$port"
			return 0
		fi
		while ((k-- > 0)); do rm -f "$TL_PORTS_DIR/$((port + k))"; done
	done
	tl_fail "no free $proto port (span $span) found in 200 tries"
}

# tl_port_reserve -u|-t PORT: take PORT's file if nobody listens on it.
tl_port_reserve() {
	ss -Hln "$1" "sport = :$2" | grep -q . && return 1
	(set -o noclobber; echo "$$" >"$TL_PORTS_DIR/$2") 2>/dev/null
}

# tl_ports_free: remove the files of the ports this test reserved.
tl_ports_free() {
	local f
	for f in "$TL_PORTS_DIR"/*; do
		[ -f "$f" ] && [ "$(cat "$f" 2>/dev/null)" = "$$" ] && rm -f "$f"
	done
	return 0
}

# tl_wait_for FILE REGEX SECONDS: wait until FILE has a line matching REGEX.
tl_wait_for() {
	local file=$1 regex=$2 secs=$3 i
	for ((i = 0; i < secs * 20; i++)); do
		grep -Eq -- "$regex" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	tl_fail "waited ${secs}s for /$regex/ in $file"
}

# tl_wait_pid PID SECONDS: wait for a spawned process to exit and put its
# exit status in TL_STATUS (not echoed: only this shell can reap it).
# Fails the test if it is still running after SECONDS.
tl_wait_pid() {
	local pid=$1 secs=$2 i
	for ((i = 0; i < secs * 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			TL_STATUS=$?
			return 0
		fi
		sleep 0.05
	done
	tl_fail "process $pid still running after ${secs}s"
}

# Live capture needs root or CAP_NET_RAW; say so and skip otherwise.
tl_need_capture() {
	command -v dumpcap >/dev/null || tl_skip "dumpcap not installed (tshark package)"
	if [ "$(id -u)" != 0 ] && ! dumpcap -D >/dev/null 2>&1; then
		tl_skip "no capture rights: run as root or grant CAP_NET_RAW to dumpcap"
	fi
}

tl_need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || tl_fail "$tool is not installed: run ./dev.sh deps"
	done
}

# tl_expect_eq WHAT EXPECTED GOT
tl_expect_eq() {
	[ "$2" = "$3" ] || tl_fail "$1: expected '$2', got '$3'"
}

# tl_expect_match WHAT REGEX TEXT
tl_expect_match() {
	[[ "$3" =~ $2 ]] || tl_fail "$1: expected to match /$2/, got '$3'"
}

# tl_hooks_start LOG RECORD [ARGS...]: start `referlab hooks` on a free
# loopback port, recording to RECORD (JSON lines; README "Hooks"), with
# ARGS such as --app app.json --status /action=503. Waits for readiness;
# sets TL_HOOKS_URL (http://127.0.0.1:PORT) and TL_HOOKS_PID.
tl_hooks_start() {
	local log=$1 rec=$2; shift 2
	tl_spawn "$log" "$REFERLAB_BIN/referlab" hooks --listen 127.0.0.1:0 \
		--record "$rec" "$@"
	TL_HOOKS_PID=$TL_LAST_PID
	tl_wait_for "$log" '^referlab hooks: listening http://' 10
	TL_HOOKS_URL=$(sed -n 's/^referlab hooks: listening //p' "$log")
}

# tl_hooks_wait RECORD JQ-CONDITION COUNT SECONDS: wait until COUNT records
# satisfy the condition, e.g. '.path == "/event"'. Needs jq.
tl_hooks_wait() {
	local rec=$1 cond=$2 count=$3 secs=$4 i n=0
	for ((i = 0; i < secs * 10; i++)); do
		n=$(jq -c "select($cond)" "$rec" 2>/dev/null | wc -l)
		[ "$n" -ge "$count" ] && return 0
		sleep 0.1
	done
	tl_fail "waited ${secs}s for $count hook records with $cond in $rec (got $n)"
}

# tl_wait_port udp|tcp PORT SECONDS [LOG]: wait until something listens on
# the port (for programs such as SIPp that print nothing when they are
# ready). On failure, the end of LOG (the program's output) says why.
tl_wait_port() {
	local flag=-u i
	[ "$1" = tcp ] && flag=-t
	for ((i = 0; i < $3 * 20; i++)); do
		ss -Hln "$flag" "sport = :$2" | grep -q . && return 0
		sleep 0.05
	done
	[ -n "${4:-}" ] && tail -n 5 "$4" >&2
	tl_fail "nothing listens on $1 port $2 after $3 s"
}
