#!/usr/bin/env bash
# Which cases a run picks: discovery, --filter, --shard (and its
# environment variables), and the errors that stop a run before it starts.
# The union of N shards is exactly the suite, and no case is in two.
# shellcheck source=tests/lib/testlib.sh
source "$REFERLAB_TESTLIB"
tl_need sipp

dir=$(tl_workdir runner/run_select)
cd "$dir" || exit 1
rl="$REFERLAB_BIN/referlab"
cases="$REFERLAB_SRC/tests/runner/cases"

# A suite of 30 cases in 3 groups (copies of one case).
for g in carriers phones fallback; do
	mkdir -p "suite/$g"
	for i in $(seq 1 10); do
		cp "$cases/basic/call.xml" "suite/$g/case-$i.xml"
		cp "$cases/basic/call.json" "suite/$g/case-$i.json"
	done
done
echo notes >suite/carriers/notes.txt   # not a case

all=$("$rl" run suite --list) || tl_fail "--list exited $?"
tl_expect_eq "cases found" 30 "$(echo "$all" | wc -l)"
tl_expect_eq "first case, in name order" "carriers/case-1" "$(echo "$all" | head -1)"

for n in 1 2 3 7; do
	union=""
	for ((i = 1; i <= n; i++)); do
		part=$("$rl" run suite --list --shard "$i/$n" 2>/dev/null) ||
			tl_fail "--shard $i/$n exited $?"
		union+="$part"$'\n'
	done
	tl_expect_eq "union of $n shards" "$all" "$(echo -n "$union" | grep . | sort)"
done
# The same shard from the environment: GitHub Actions, Kubernetes.
a=$("$rl" run suite --list --shard 2/3 2>/dev/null)
b=$(REFERLAB_SHARD=2/3 "$rl" run suite --list 2>/dev/null)
c=$(JOB_COMPLETION_INDEX=1 REFERLAB_SHARD_TOTAL=3 "$rl" run suite --list 2>/dev/null)
tl_expect_eq "REFERLAB_SHARD=2/3 is --shard 2/3" "$a" "$b"
tl_expect_eq "JOB_COMPLETION_INDEX=1 of 3 is --shard 2/3" "$a" "$c"
# --shard wins: a stale or broken variable of the CI job is not read.
e=$(REFERLAB_SHARD=bogus REFERLAB_SHARD_INDEX=1 "$rl" run suite --list --shard 2/3 2>/dev/null) ||
	tl_fail "--shard 2/3 with REFERLAB_SHARD=bogus exited $?"
tl_expect_eq "--shard 2/3 with REFERLAB_SHARD=bogus" "$a" "$e"
# Stable whatever the path spelling or the machine: the hash of the name.
d=$(cd suite && "$rl" run ./ --list --shard 2/3 2>/dev/null)
tl_expect_eq "shard from another working directory" "$a" "$d"

tl_expect_eq "--filter" "phones/case-1 phones/case-10" \
	"$("$rl" run suite --list --filter 'phones/case-1*' | tr '\n' ' ' | sed 's/ $//')"

usage() { # EXPECTED-MESSAGE ARGS...
	local want=$1 err; shift
	err=$("$rl" run "$@" 2>&1 >/dev/null)
	tl_expect_eq "exit code of run $*" 2 $?
	tl_expect_match "message of run $*" "$want" "$err"
}
usage "--shard: shard 0 of 3 does not exist" suite --shard 0/3
usage "--filter 'nothing\*' matches none of the 30 cases" suite --filter 'nothing*'
usage "--iut external needs --iut-sip sip:HOST:PORT" suite --iut external
usage "--iut-sip: 'localhost' is not sip:HOST:PORT" suite --iut external --iut-sip localhost
usage "--jobs: '0' is not a number from 1 to 64" suite --jobs 0
usage "notes.txt: not a case" suite/carriers/notes.txt
# A folder that cannot be read is unreadable input (4), as for analyze.
err=$("$rl" run no-such-folder 2>&1 >/dev/null)
tl_expect_eq "exit code of run no-such-folder" 4 $?
tl_expect_eq "message of run no-such-folder" "referlab run: no-such-folder: No such file or directory" "$err"
err=$(REFERLAB_SHARD_INDEX=1 "$rl" run suite --list 2>&1 >/dev/null)
tl_expect_eq "exit code with half a shard in the environment" 2 $?
tl_expect_match "message" "REFERLAB_SHARD_INDEX is set but REFERLAB_SHARD_TOTAL is not" "$err"

# The environment: no sipp on PATH is exit 3 with the fix.
mkdir -p nosipp
err=$(PATH="$dir/nosipp" "$rl" run suite --iut external \
	--iut-sip sip:127.0.0.1:5060 --out out-nosipp 2>&1 >/dev/null)
tl_expect_eq "exit code without sipp" 3 $?
tl_expect_match "message without sipp" "sipp not found on PATH: install it with 'apt-get install sip-tester'" "$err"
# No referlab-sim for the built-in implementation: exit 3.
err=$(REFERLAB_SIM="$dir/nosim" "$rl" run suite --out out-nosim 2>&1 >/dev/null)
tl_expect_eq "exit code without referlab-sim" 3 $?
tl_expect_match "message without referlab-sim" "nosim: not found: build it with './dev.sh build'" "$err"
echo "run select: ok"
