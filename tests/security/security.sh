#!/usr/bin/env bash
# Security: listeners on loopback by default; hook credentials, webhook
# secrets and SIP passwords never in any log, report or pcap we write
# (every output file is grepped, pcaps included, also for the base64 of
# basic auth); a wrongly signed hook is refused (403); a hostile capture
# (captures/hostile/report-escaping.pcap, from hostile.case) cannot inject markup
# into HTML or escape sequences into a terminal.
source "$REFERLAB_TESTLIB"
tl_need sipp jq ss base64 curl openssl
W=$(tl_workdir security)
cd "$W" || exit 1
referlab=$REFERLAB_BIN/referlab
lib=$REFERLAB_SRC/scenarios/carriers

# Unique tokens, so that a hit can only be a leak.
SIP_PASS=SIPPASS-q7Zr9xT2
HOOK_PASS=HOOKPASS-k3Vw8mR5
WH_SECRET=WHSECRET-m2Jt6yL9
SRV_PASS=SRVPASS-c8Hn4wQ1
tokens=("$SIP_PASS" "$HOOK_PASS" "$WH_SECRET" "$SRV_PASS"
	"$(printf 'hookuser:%s' "$HOOK_PASS" | base64 -w0)"
	"$(printf 'bob:%s' "$SRV_PASS" | base64 -w0)")

# leaks DIR...: every file below, binary or not, must hold no token.
leaks() {
	local t hits
	for t in "${tokens[@]}"; do
		hits=$(grep -rlaF -- "$t" "$@")
		[ -z "$hits" ] || tl_fail "'$t' written to: $hits"
	done
}

# ---- 1. a suite run with every kind of secret ---------------------------
# A carrier that challenges the REFER (the sim answers with the case's
# iut.sip_auth, handed over in $REFERLAB_SIP_AUTH),
# hooks with basic auth, every hook signed.
mkdir -p suite
jq --arg p "referlab:$SIP_PASS" --arg hp "$HOOK_PASS" \
	'.iut.sip_auth = $p
	 | .app[0].actionHook = {url: "/action", username: "hookuser", password: $hp}
	 | .app[0].eventHook = {url: "/event", method: "GET", username: "hookuser", password: $hp}' \
	"$lib/auth-407-then-202.json" >suite/secrets.json
cp "$lib/auth-407-then-202.xml" suite/secrets.xml
"$referlab" run suite --webhook-secret "$WH_SECRET" --out out >run.log 2>&1
rc=$?
cat run.log >&2
tl_expect_eq "the run with secrets: exit" 0 "$rc"
jq -e '[.[] | select(.path != "/call") | .headers.authorization] | all(. == "Basic (redacted)")' \
	-s out/secrets/hooks.jsonl >/dev/null || tl_fail "hooks did not carry redacted basic auth"
jq -e -s 'all(.signature == "valid")' out/secrets/hooks.jsonl >/dev/null ||
	tl_fail "not every hook was validly signed"
"$referlab" report out/results.json --html report.html --md report.md \
	--junit report.xml --json report.json >report.log 2>&1
"$referlab" analyze out/secrets/*.pcap --html analyze.html >analyze.txt 2>&1
"$referlab" analyze --json out/secrets/*.pcap >analyze.json 2>&1
leaks out run.log report.* analyze.*

# ---- 2. the hook server and the sim on their own ---------------------------
tl_hooks_start hooks.log hooks.jsonl --secret "$WH_SECRET" --user "bob:$SRV_PASS"
port=${TL_HOOKS_URL##*:}
auth=$(printf 'bob:%s' "$SRV_PASS" | base64 -w0)
send() {  # REQUEST-TEXT: one request, the status line of the answer
	local ans
	exec 3<>"/dev/tcp/127.0.0.1/$port" || tl_fail "cannot connect"
	printf '%b' "$1" >&3
	ans=$(timeout 5 head -1 <&3)
	exec 3<&-
	printf '%s' "${ans%$'\r'}"
}
body='{"a":1}'
tl_expect_eq "bad signature refused" "HTTP/1.1 403 Forbidden" \
	"$(send "POST /x HTTP/1.1\r\nHost: h\r\nAuthorization: Basic $auth\r\nJambonz-Signature: t=1,v1=$(printf '%064d' 0)\r\nContent-Type: application/json\r\nContent-Length: ${#body}\r\nConnection: close\r\n\r\n$body")"
send "POST /x HTTP/1.1\r\nHost: h\r\nAuthorization: Basic $(printf 'bob:wrong' | base64 -w0)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" >/dev/null
tl_hooks_wait hooks.jsonl '.path == "/x"' 2 10
tl_expect_eq "bad signature recorded" '["invalid",403]' "$(jq -cs '[.[0].signature, .[0].status]' hooks.jsonl)"
tl_expect_eq "bad password refused" '["invalid",401]' "$(jq -cs '[.[1].auth, .[1].status]' hooks.jsonl)"
kill -TERM "$TL_HOOKS_PID"
tl_wait_pid "$TL_HOOKS_PID" 10
leaks hooks.log hooks.jsonl

# ---- 3. listeners: loopback unless told otherwise -------------------------
tl_spawn def.log "$referlab" hooks --record def.jsonl
tl_wait_for def.log '^referlab hooks: listening http://' 10
pid=$TL_LAST_PID
tl_expect_match "referlab hooks listens on loopback by default" \
	'^referlab hooks: listening http://127\.0\.0\.1:[0-9]+$' "$(head -1 def.log)"
addrs=$(ss -Hltnp | grep "pid=$pid," | awk '{print $4}')
[ -n "$addrs" ] || tl_fail "no listening socket found for referlab hooks"
grep -vqE '^(127\.0\.0\.1|\[::1\]):' <<<"$addrs" && tl_fail "referlab hooks listens beyond loopback: $addrs"
# The runner's children: the sim, SIPp and the hook server, all on loopback.
grep -E '^(.*/)?referlab-sim ' out/secrets/commands.txt | grep -q -- '--sip udp:127\.0\.0\.1:' ||
	tl_fail "the runner's sim does not listen on loopback: $(cat out/secrets/commands.txt)"
grep -E '^sipp ' out/secrets/commands.txt | grep -q -- '-i 127\.0\.0\.1 ' ||
	tl_fail "the runner's SIPp does not listen on loopback"
grep -q -- '--call-hook http://127\.0\.0\.1:' out/secrets/commands.txt ||
	tl_fail "the runner's hook server is not on loopback"

# ---- 4. a hostile capture ------------------------------------------------
hostile=$REFERLAB_SRC/captures/hostile/report-escaping.pcap
"$referlab" analyze "$hostile" >hostile.txt 2>&1
tl_expect_eq "hostile capture analysed: exit" 0 $?
grep -q $'\x1b' hostile.txt && tl_fail "analyze printed a raw ESC from the capture"
grep -q 'Call-ID hostile-</td>' hostile.txt || tl_fail "the hostile transfer is not reported"
"$referlab" analyze --json "$hostile" >hostile.json
tl_expect_eq "JSON keeps the text exactly" $'\x1b[31mred' \
	"$(jq -r '.transfers[0].refer.referred_by' hostile.json | cut -c2-9)"
"$referlab" analyze "$hostile" --html hostile.html >/dev/null
grep -q $'\x1b' hostile.html && tl_fail "HTML holds a raw ESC"
grep -qiE '<script>alert|<img src=x|<b>Accepted|<i>OK' hostile.html &&
	tl_fail "markup from the capture reached the HTML unescaped"
grep -q '&lt;script&gt;alert' hostile.html || tl_fail "the escaped text is missing from the HTML"
# ---- 5. secrets kept out of `ps`: from a file or the environment ---------
# (any user reads any command line; a file or the environment only we do)
printf '%s\n' "$WH_SECRET" >secret.txt
: >empty.txt
body='{"event":"transfer-status"}'
sign() { printf 't=%s,v1=%s' "$1" "$(printf '%s' "$1.$body" | openssl dgst -sha256 -hmac "$2" | sed 's/.*= *//')"; }
post() {  # SIGNATURE: the HTTP status of one signed POST to the hook server
	curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Jambonz-Signature: $1" \
		-H 'Content-Type: application/json' --data-raw "$body" "$TL_HOOKS_URL/s"
}
now=$(date +%s)
for how in file env; do
	if [ $how = file ]; then
		tl_hooks_start "hooks-$how.log" "hooks-$how.jsonl" --secret-file secret.txt
	else
		export REFERLAB_WEBHOOK_SECRET=$WH_SECRET
		tl_hooks_start "hooks-$how.log" "hooks-$how.jsonl"
		unset REFERLAB_WEBHOOK_SECRET
	fi
	tr '\0' ' ' <"/proc/$TL_HOOKS_PID/cmdline" | grep -qF -- "$WH_SECRET" &&
		tl_fail "the secret is on the command line ($how)"
	tl_expect_eq "secret from $how: signed with it" 200 "$(post "$(sign "$now" "$WH_SECRET")")"
	tl_expect_eq "secret from $how: signed with another" 403 "$(post "$(sign "$now" other)")"
	kill -TERM "$TL_HOOKS_PID"
	tl_wait_pid "$TL_HOOKS_PID" 10
done
# one_line CODE MESSAGE-ERE CMD...: fails with CODE and one matching line
one_line() {
	local code=$1 want=$2 err; shift 2
	err=$("$@" 2>&1 >/dev/null)
	tl_expect_eq "exit of $*" "$code" $?
	tl_expect_eq "one line from $*" 1 "$(wc -l <<<"$err")"
	tl_expect_match "message of $*" "$want" "$err"
}
one_line 4 "hooks: --secret-file missing.txt: cannot read: No such file" \
	"$referlab" hooks --secret-file missing.txt
one_line 4 "hooks: --secret-file empty.txt: empty" "$referlab" hooks --secret-file empty.txt
one_line 2 "--secret and --secret-file: give one of them" \
	"$referlab" hooks --secret x --secret-file secret.txt
one_line 4 "run: --webhook-secret-file missing.txt: cannot read: No such file" \
	"$referlab" run suite --webhook-secret-file missing.txt
one_line 2 "--webhook-secret and --webhook-secret-file: give one of them" \
	"$referlab" run suite --webhook-secret x --webhook-secret-file secret.txt
# The runner (and replay, through the runner) hands the secret on to the
# sim in its environment: a stand-in for referlab-sim runs the real one as
# its child, notes whether that got the secret, and what `ps` and
# /proc/PID/cmdline show of it and of the runner's worker above it.
real_sim=$(readlink -f "$REFERLAB_BIN/referlab-sim")
mkdir -p wrap
cat >wrap/referlab-sim <<SH
#!/usr/bin/env bash
"$real_sim" "\$@" &
pid=\$!
for ((i = 0; i < 500; i++)); do
	[ "\$(readlink /proc/\$pid/exe)" = "$real_sim" ] && break
	sleep 0.01
done
{ ps -o args= -p \$pid; tr '\\0' ' ' </proc/\$pid/cmdline; echo; } >>"$W/wrap/cmdline-\$WANT_HOW"
ps -o args= -p \$PPID >>"$W/wrap/parent-\$WANT_HOW"
[ "\$REFERLAB_WEBHOOK_SECRET" = "\$WANT_SECRET" ] && : >"$W/wrap/got-\$WANT_HOW"
wait \$pid
SH
chmod +x wrap/referlab-sim
WANT_SECRET=$WH_SECRET WANT_HOW=file REFERLAB_SIM=$W/wrap/referlab-sim \
	"$referlab" run suite --webhook-secret-file secret.txt --out out-file >run-file.log 2>&1
tl_expect_eq "run with --webhook-secret-file: exit" 0 $?
WANT_SECRET=$WH_SECRET WANT_HOW=env REFERLAB_SIM=$W/wrap/referlab-sim \
	REFERLAB_WEBHOOK_SECRET=$WH_SECRET "$referlab" run suite --out out-env >run-env.log 2>&1
tl_expect_eq "run with \$REFERLAB_WEBHOOK_SECRET: exit" 0 $?
WANT_SECRET=$WH_SECRET WANT_HOW=option REFERLAB_SIM=$W/wrap/referlab-sim \
	"$referlab" run suite --webhook-secret "$WH_SECRET" --out out-option >run-option.log 2>&1
tl_expect_eq "run with --webhook-secret: exit" 0 $?
WANT_SECRET=$WH_SECRET WANT_HOW=replay REFERLAB_SIM=$W/wrap/referlab-sim \
	"$referlab" replay "$REFERLAB_SRC/captures/transfer-udp4.pcap" --timing fast \
	--webhook-secret-file secret.txt --out out-replay >replay.log 2>&1
tl_expect_eq "replay with --webhook-secret-file: exit" 0 $?
for how in file env option replay; do
	[ -e "wrap/got-$how" ] || tl_fail "the sim did not get the secret in its environment ($how)"
	grep -q -- '--call-hook http://' "wrap/cmdline-$how" ||
		tl_fail "no command line of the sim seen ($how): $(cat "wrap/cmdline-$how")"
done
grep -q -- 'webhook-secret' out-option/*/commands.txt &&
	tl_fail "a --webhook-secret in commands.txt: $(grep -h webhook-secret out-option/*/commands.txt)"
# The SIP password as well: the case challenges the REFER and passes
# (exit 0 above), so the sim had it, from $REFERLAB_SIP_AUTH.
grep -lF -- "$WH_SECRET" wrap/cmdline-* wrap/parent-{file,env,replay} &&
	tl_fail "the webhook secret is on a command line (ps)"
grep -lF -- "$SIP_PASS" wrap/cmdline-* wrap/parent-{file,env,option} &&
	tl_fail "the SIP password is on a command line (ps)"
leaks hooks-file.* hooks-env.* out-file out-env out-option out-replay run-*.log replay.log

# referlab-sim on its own: the secret from --webhook-secret-file or the
# environment signs its hooks (the hook server checks them) and is not on
# its command line.
tl_hooks_start hooks-sim.log hooks-sim.jsonl --secret-file secret.txt
for how in file env; do
	if [ $how = file ]; then
		set -- env -u REFERLAB_WEBHOOK_SECRET "$REFERLAB_BIN/referlab-sim" --webhook-secret-file secret.txt
	else
		set -- env REFERLAB_WEBHOOK_SECRET="$WH_SECRET" "$REFERLAB_BIN/referlab-sim"
	fi
	tl_spawn "sim-$how.log" "$@" --sip udp:127.0.0.1:0 --call-hook "$TL_HOOKS_URL/call-$how" \
		--exit-after-calls 1
	pid=$TL_LAST_PID
	tl_wait_for "sim-$how.log" '^referlab-sim: listening udp:' 10
	port=$(sed -n 's/^referlab-sim: listening udp:127.0.0.1:\([0-9]*\)$/\1/p' "sim-$how.log")
	{ ps -o args= -p "$pid"; tr '\0' ' ' <"/proc/$pid/cmdline"; echo; } >"sim-$how.cmdline"
	grep -q -- '--call-hook' "sim-$how.cmdline" || tl_fail "no command line of the sim seen ($how)"
	sipp "127.0.0.1:$port" -sf "$REFERLAB_SRC/tests/sim/data/expect_480.xml" -s service \
		-i 127.0.0.1 -m 1 -nostdin -timeout 30s -timeout_error >"sipp-$how.log" 2>&1 ||
		tl_fail "sim with the secret from $how: the call was not refused as expected"
	tl_wait_pid "$pid" 30
	tl_expect_eq "sim with the secret from $how: exit" 0 "$TL_STATUS"
	tl_expect_eq "sim with the secret from $how: its call hook signed with it" valid \
		"$(jq -r "select(.path == \"/call-$how\") | .signature" hooks-sim.jsonl)"
done
kill -TERM "$TL_HOOKS_PID"
tl_wait_pid "$TL_HOOKS_PID" 10
leaks sim-*.log sim-*.cmdline hooks-sim.*

echo "security: ok"
