#!/usr/bin/env bash
# The sim's hook client (tests/bin/hookdrive) against `referlab hooks` on
# loopback: POST and GET, keep-alive, signature checked by the server
# (refused with 403 unless valid), basic auth, retries on 5xx, request
# timeout, connection refused.
source "$REFERLAB_TESTLIB"
tl_need jq

dir=$(tl_workdir hooks/client_server)
drivebin=$REFERLAB_BIN/../tests/bin/hookdrive
secret='s3cr3t-hook-key'
cd "$dir" || tl_fail "cannot enter $dir"

echo '[{"verb":"sip:refer","referTo":"+15083084809","actionHook":"/action"}]' >app.json
echo '[{"verb":"hangup"}]' >action.json

tl_hooks_start server.log rec.jsonl --app app.json --answer /action=action.json \
	--status /flaky=503 --status /flaky=500 --status /flaky=200 \
	--status /down=503 --delay /slow=3000 --secret "$secret" \
	--user 'bob:pa55word'
url=$TL_HOOKS_URL
tl_expect_match "readiness line" '^http://127\.0\.0\.1:[0-9]+$' "$url"

# drive ARGS...: run the client, its stdout in $out; returns its exit
# status. Anything on its stderr (a sanitizer report) fails the test.
drive() {
	local rc
	out=$("$drivebin" "$@" 2>drive.err)
	rc=$?
	[ -s drive.err ] && tl_fail "hookdrive $*: stderr: $(head -c 600 drive.err)"
	return $rc
}

# rec N FILTER: jq FILTER applied to record number N (seq).
rec() { jq -c "select(.seq == $1) | $2" rec.jsonl; }

# 1. POST twice with the app answer: same TCP connection, signature valid,
#    JSON body parsed, basic auth valid.
drive --secret "$secret" --user bob:pa55word --repeat 2 \
	--payload '{"callSid":"c1","sipStatus":200}' "$url/app" || tl_fail "hookdrive failed"
tl_expect_match "POST answer" 'done: err=0 status=200 pending=0 body=\[\{"verb":"sip:refer"' "$out"
tl_expect_eq "POST attempts logged" 2 "$(grep -c '^log: hook POST http://127.0.0.1:[0-9]*/app (attempt 1/1, [0-9]* ms): 200 OK$' <<<"$out")"
tl_expect_eq "record 1" '["POST","/app","valid","valid",200,"c1",200]' \
	"$(rec 1 '[.method,.path,.signature,.auth,.status,.body.callSid,.body.sipStatus]')"
tl_expect_eq "content type" '"application/json"' "$(rec 1 '.headers."content-type"')"
tl_expect_eq "keep-alive: one connection" "$(rec 1 .conn)" "$(rec 2 .conn)"

# 2. GET: payload as query parameters, nested values as JSON; signed
#    over the empty body; a wrong secret is refused with 403 and the
#    reason, and still recorded. The client takes 403 as a failed,
#    final attempt (no 4xx in its retry policy).
drive --secret wrong --user bob:pa55word --method GET \
	--payload '{"event":"transfer-status","call_status":"180","n":{"a":[1,"x y"]}}' \
	"$url/action?from=sim#rp=5xx&rc=2" || tl_fail "hookdrive failed"
tl_expect_match "GET refused" 'done: err=0 status=403 pending=0 body=Jambonz-Signature does not match the body under the webhook secret' "$out"
tl_expect_eq "one 403 attempt" 1 "$(grep -c '^log: hook GET .*(attempt 1/3, [0-9]* ms): 403 Forbidden$' <<<"$out")"
tl_expect_eq "GET query" '{"from":"sim","event":"transfer-status","call_status":"180","n":"{\"a\":[1,\"x y\"]}"}' \
	"$(rec 3 .query)"
tl_expect_eq "GET record" '["GET",null,"invalid",403,"Jambonz-Signature does not match the body under the webhook secret"]' \
	"$(rec 3 '[.method,.body,.signature,.status,.refused]')"

# 3. Wrong credentials: 401, final (no retry without 4xx in the policy).
drive --secret "$secret" --user bob:nope "$url/app#rp=ct,5xx&rc=2" || tl_fail "hookdrive failed"
tl_expect_match "401 reported" 'done: err=0 status=401' "$out"
tl_expect_eq "one 401 attempt" 1 "$(grep -c '^log: .*401 Unauthorized$' <<<"$out")"
tl_expect_eq "auth invalid" '["invalid",401]' "$(rec 4 '[.auth,.status]')"

# 4. 503, 500, then 200 with rp=5xx&rc=3: three attempts, back-off
#    500 ms then 1 s (checked on the server's clock).
drive --secret "$secret" --user bob:pa55word "$url/flaky#rp=5xx&rc=3" || tl_fail "hookdrive failed"
tl_expect_match "retried to success" 'done: err=0 status=200' "$out"
tl_expect_match "attempt 3 of 4" 'attempt 3/4, [0-9]+ ms\): 200 OK' "$out"
ms() { rec "$1" .time | sed -E 's/.*T([0-9]+):([0-9]+):([0-9.]+)Z"/\1 \2 \3/' |
	awk '{printf "%d", ($1*3600+$2*60+$3)*1000}'; }
gap1=$(( $(ms 6) - $(ms 5) )); gap2=$(( $(ms 7) - $(ms 6) ))
if ((gap1 < 450 || gap1 >= 2500)); then tl_fail "first back-off ${gap1} ms, want ~500"; fi
if ((gap2 < 950 || gap2 >= 3500)); then tl_fail "second back-off ${gap2} ms, want ~1000"; fi
tl_expect_eq "fragment never on the wire" '"/flaky"' "$(rec 5 .path)"

# 5. Default policy (rp=ct, rc=0): a 503 is final after one try.
drive --secret "$secret" --user bob:pa55word "$url/down" || tl_fail "hookdrive failed"
tl_expect_match "503 final" 'done: err=0 status=503' "$out"
tl_expect_eq "one try" 1 "$(grep -c '^log: ' <<<"$out")"

# 6. Request timeout (server delays 3 s, client waits 400 ms), rp=rt&rc=1.
drive --secret "$secret" --user bob:pa55word --timeout 400 "$url/slow#rp=rt&rc=1" || tl_fail "hookdrive failed"
tl_expect_match "timeout reported" 'done: err=ETIMEDOUT status=0' "$out"
tl_expect_eq "two timed-out attempts" 2 "$(grep -c 'error: no answer within 400 ms' <<<"$out")"
tl_hooks_wait rec.jsonl '.path == "/slow"' 2 5


# 6b. A delivery cancelled in flight never reports, and is not pending.
drive --secret "$secret" --user bob:pa55word --cancel 300 "$url/slow" || tl_fail "hookdrive failed"
tl_expect_eq "cancelled" "cancelled: 1 pending=0" "$(grep -v '^pending at exit' <<<"$out")"

# 7. Connection refused with rp=ct&rc=2: three attempts, then the error.
closed=$(tl_free_port tcp)
drive "http://127.0.0.1:$closed/x#rp=ct&rc=2" || tl_fail "hookdrive failed"
tl_expect_match "refused reported" 'done: err=ECONNREFUSED status=0' "$out"
tl_expect_eq "three refused attempts" 3 "$(grep -c 'error: Connection refused' <<<"$out")"
tl_expect_match "attempt 3/3" 'attempt 3/3' "$out"

# 8. Relative URL against a base; unresolvable one refused at once.
drive --secret "$secret" --user bob:pa55word --base "$url/app" action || tl_fail "hookdrive failed"
tl_expect_match "relative URL" "log: hook POST $url/action " "$out"
drive /action && tl_fail "relative URL without base accepted"
tl_expect_match "refused without base" 'refused: Invalid argument' "$out"
drive "http://[::1]:$closed/x" && tl_fail "IPv6 literal accepted"
tl_expect_match "IPv6 literal named" 'IPv6 address literals are not supported' "$out"

# 9. Each signature verdict with its HTTP status, over plain curl: only
#    a valid one reaches the application; the others get 403, their
#    reason as text, and a record. The spec's scheme has no timestamp
#    tolerance, so an old t with a matching v1 is valid.
body='{"event":"transfer-status","call_status":"200"}'
sign() { printf '%s' "$1.$body" | openssl dgst -sha256 -hmac "$2" | sed 's/.*= *//'; }
# post PATH [SIGNATURE]: prints "STATUS BODY"
post() {
	local sig=()
	[ $# -gt 1 ] && sig=(-H "Jambonz-Signature: $2")
	code=$(curl -s -m 10 -u bob:pa55word -H 'Content-Type: application/json' \
		"${sig[@]}" --data-raw "$body" -o answer.txt -w '%{http_code}' "$url$1")
	echo "$code $(cat answer.txt)"
}
now=$(date +%s)
tl_expect_eq "valid: 200" "200 " "$(post /sig-valid "t=$now,v1=$(sign "$now" "$secret")")"
tl_expect_eq "valid, old t: 200" "200 " "$(post /sig-old "t=1,v1=$(sign 1 "$secret")")"
tl_expect_eq "invalid: 403" "403 Jambonz-Signature does not match the body under the webhook secret" \
	"$(post /sig-invalid "t=$now,v1=$(sign "$now" other)")"
tl_expect_eq "absent: 403" "403 Jambonz-Signature is absent, with a webhook secret set" \
	"$(post /sig-absent)"
tl_expect_eq "malformed: 403" "403 Jambonz-Signature is malformed: want t=<unix seconds>,v1=<64 hex digits>" \
	"$(post /sig-malformed "t=$now,v1=abc")"
tl_hooks_wait rec.jsonl '.path == "/sig-malformed"' 1 5
tl_expect_eq "verdicts recorded" '[["/sig-valid","valid",200,null],["/sig-old","valid",200,null],["/sig-invalid","invalid",403,true],["/sig-absent","absent",403,true],["/sig-malformed","malformed",403,true]]' \
	"$(jq -sc '[.[] | select(.path | startswith("/sig-")) | [.path,.signature,.status,(.refused | if . then true else null end)]]' rec.jsonl)"
tl_expect_match "refusal logged" '^referlab hooks: #[0-9]+ POST /sig-absent -> 403 \(signature absent\), refused: Jambonz-Signature is absent' \
	"$(grep 'sig-absent' server.log)"

# Secrets never reach the record or the logs.
for s in "$secret" pa55word nope; do
	! grep -q -- "$s" rec.jsonl server.log || tl_fail "'$s' leaked into record or log"
done
tl_expect_eq "authorization redacted" '"Basic (redacted)"' "$(rec 1 '.headers.authorization')"

kill -TERM "$TL_HOOKS_PID"
tl_wait_pid "$TL_HOOKS_PID" 10
tl_expect_eq "server exit on SIGTERM" 0 "$TL_STATUS"
echo "hooks client/server: ok"
