#!/usr/bin/env bash
# `referlab hooks` against raw HTTP (bash /dev/tcp): malformed requests
# get an answer and a record line, never a crash; bad command lines get
# one line and exit 2; bad files exit 4 naming the file.
source "$REFERLAB_TESTLIB"
tl_need jq

dir=$(tl_workdir hooks/server_robust)
cd "$dir" || tl_fail "cannot enter $dir"
hooks=$REFERLAB_BIN/referlab

# ---- command line -----------------------------------------------------
usage_case() {  # EXPECTED-REGEX ARGS...
	local want=$1; shift
	local err
	err=$("$hooks" hooks "$@" 2>&1 >/dev/null)
	tl_expect_eq "exit code for '$*'" 2 $?
	tl_expect_eq "one line for '$*'" 1 "$(wc -l <<<"$err")"
	tl_expect_match "message for '$*'" "$want" "$err"
}
usage_case "unknown option '--port'" --port 1
usage_case "--record needs a value" --record
usage_case "--status: '700' is not a number 100..599" --status /a=700
usage_case "--delay: 'x' is not a number" --delay /a=x
usage_case "--answer: expected PATH=VALUE" --answer action.json
usage_case "--listen: expected ADDR:PORT" --listen nowhere
usage_case "--user: expected USER:PASSWORD" --user bob

echo '{"verb":"hangup"}' >object.json
echo '[{"verb":"hangup"},]' >broken.json
err=$("$hooks" hooks --app object.json 2>&1); tl_expect_eq "app not array: exit" 4 $?
tl_expect_match "app not array" "--app object.json: must be a JSON array of verbs" "$err"
err=$("$hooks" hooks --answer /a=broken.json 2>&1); tl_expect_eq "broken JSON: exit" 4 $?
tl_expect_match "broken JSON" "--answer broken.json: not valid JSON at offset 19" "$err"
err=$("$hooks" hooks --app missing.json 2>&1); tl_expect_eq "missing file: exit" 4 $?
tl_expect_match "missing file" "--app missing.json: cannot read: No such file" "$err"
"$hooks" hooks --help | grep -q -- '--record FILE' || tl_fail "--help lacks --record"

# ---- raw HTTP -----------------------------------------------------------
echo '[{"verb":"pause","length":1}]' >app.json
tl_spawn server.log "$hooks" hooks --listen 127.0.0.1:0 --record rec.jsonl \
	--app /call=app.json
tl_wait_for server.log 'listening http://127\.0\.0\.1:[0-9]+$' 10
port=$(sed -n 's/.*listening http:\/\/127\.0\.0\.1://p' server.log)

# send TEXT: one connection, send TEXT, print the answer's status line and
# body (bounded: the server closes or answers within 5 s).
send() {
	local ans
	exec 3<>"/dev/tcp/127.0.0.1/$port" || tl_fail "cannot connect"
	printf '%b' "$1" >&3
	ans=$(timeout 5 cat <&3)
	exec 3<&-
	printf '%s' "$ans" | tr -d '\r'
}

ans=$(send 'this is not HTTP\r\n\r\n')
tl_expect_match "garbage gets 400" '^HTTP/1.1 400 Bad Request' "$ans"
tl_expect_match "400 says why" 'malformed HTTP request' "$ans"
ans=$(send 'POST /call HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n')
tl_expect_match "chunked gets 411" '^HTTP/1.1 411 Length Required' "$ans"
ans=$(send 'POST /call HTTP/1.1\r\nContent-Length: 12x\r\n\r\n')
tl_expect_match "bad length gets 400" '^HTTP/1.1 400 .*bad Content-Length' "$(tr '\n' ' ' <<<"$ans")"
ans=$(send 'POST /call HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n')
tl_expect_match "huge body gets 413" '^HTTP/1.1 413' "$ans"
ans=$(send 'PUT /call HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
tl_expect_match "PUT gets 405" '^HTTP/1.1 405 Method Not Allowed' "$ans"

# HTTP/1.0 without keep-alive: answered, then closed (cat returns).
ans=$(send 'POST /call?x=%41%2 HTTP/1.0\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello')
tl_expect_match "HTTP/1.0 answered with the app" 'HTTP/1.1 200 OK.*\[\{"verb":"pause","length":1\}\]' "$(tr '\n' ' ' <<<"$ans")"
tl_expect_match "closes for HTTP/1.0" 'Connection: close' "$ans"

# A body split over two TCP segments, the first ending mid-headers.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /call HTTP/1.1\r\nContent-Le' >&3
sleep 0.3
printf 'ngth: 9\r\nConnection: close\r\n\r\n{"a":' >&3
sleep 0.3
printf '"b"}' >&3
ans=$(timeout 5 cat <&3 | tr -d '\r'); exec 3<&-
tl_expect_match "split request answered" '^HTTP/1.1 200 OK' "$ans"

# Expect: 100-continue (curl with a large body): the body follows the 100.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /call HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n' >&3
read -r -t 5 line <&3 || tl_fail "no 100 Continue"
tl_expect_eq "100 Continue" "HTTP/1.1 100 Continue" "${line%$'\r'}"
printf '{}' >&3
ans=$(timeout 5 cat <&3 | tr -d '\r'); exec 3<&-
tl_expect_match "then the answer" 'HTTP/1.1 200 OK' "$ans"

# Headers that never end: 431 once past 64 KiB.
ans=$(send "POST /call HTTP/1.1\r\nX-Long: $(head -c 70000 /dev/zero | tr '\0' a)")
tl_expect_match "endless headers get 431" '^HTTP/1.1 431' "$ans"

# A request that stops halfway: 408 after 10 s of silence.
exec 4<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /call HTTP/1.1\r\nContent-Length: 10\r\n\r\n{"a"' >&4
ans=$(timeout 20 cat <&4 | tr -d '\r'); exec 4<&-
tl_expect_match "incomplete request gets 408" '^HTTP/1.1 408 Request Timeout' "$ans"

# JSON with more after it is not JSON: the record keeps the text (cJSON
# stops after the first value, and the record said {"a":1}).
ans=$(send 'POST /call HTTP/1.1\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"a":1} extra')
tl_expect_match "JSON and more answered" '^HTTP/1.1 200 OK' "$ans"
# %00 would cut the recorded path and query value short: kept as sent.
ans=$(send 'GET /call%00x?k=a%00b HTTP/1.1\r\nConnection: close\r\n\r\n')
tl_expect_match "%00 answered" '^HTTP/1.1 200 OK' "$ans"
# Credentials after a tab, not a space: still not in the record.
ans=$(send 'GET /call HTTP/1.1\r\nAuthorization: Basic\tdXNlcjpwYXNz\r\nConnection: close\r\n\r\n')
tl_expect_match "tab credentials answered" '^HTTP/1.1 200 OK' "$ans"
# A NUL in the header's name cut the record's key to "authorization".
ans=$(send 'GET /call HTTP/1.1\r\nAuthorization\0x: Basic dXNlcjpwYXNz\r\nConnection: close\r\n\r\n')
tl_expect_match "NUL in a name answered" '^HTTP/1.1 200 OK' "$ans"

# Every one of those has a record line; errors say so.
tl_expect_eq "records" 14 "$(wc -l <rec.jsonl)"
jq -e . rec.jsonl >/dev/null || tl_fail "a record line is not JSON"
tl_expect_eq "error records" '[400,411,400,413]' \
	"$(jq -sc '[.[] | select(.error and .seq <= 7) | .status]' rec.jsonl)"
tl_expect_eq "late error records" '[431,408]' \
	"$(jq -sc '[.[] | select(.error and .seq > 8) | .status]' rec.jsonl)"
tl_expect_eq "readable request line kept" '["POST","/call",411]' \
	"$(jq -c 'select(.seq == 2) | [.method,.path,.status]' rec.jsonl)"
tl_expect_eq "PUT recorded" '["PUT",405]' "$(jq -c 'select(.seq == 5) | [.method,.status]' rec.jsonl)"
tl_expect_eq "text body kept as a string" '"hello"' "$(jq -c 'select(.seq == 6) | .body' rec.jsonl)"
tl_expect_eq "bad escape kept as it came" '"%41%2"' "$(jq -c 'select(.seq == 6) | .query.x' rec.jsonl)"
tl_expect_eq "split body parsed" '{"a":"b"}' "$(jq -c 'select(.seq == 7) | .body' rec.jsonl)"
tl_expect_eq "JSON and more kept as text" '"{\"a\":1} extra"' \
	"$(jq -c 'select(.seq == 11) | .body' rec.jsonl)"
tl_expect_eq "%00 kept as sent" '["/call%00x","a%00b"]' \
	"$(jq -c 'select(.seq == 12) | [.path,.query.k]' rec.jsonl)"
tl_expect_eq "tab credentials redacted" '"Basic (redacted)"' \
	"$(jq -c 'select(.seq == 13) | .headers.authorization' rec.jsonl)"
tl_expect_eq "no header of a name with a NUL" '{"connection":"close"}' \
	"$(jq -c 'select(.seq == 14) | .headers' rec.jsonl)"
grep -q dXNlcjpwYXNz rec.jsonl && tl_fail "credentials in a record"

kill -INT "$TL_LAST_PID"
tl_wait_pid "$TL_LAST_PID" 10
tl_expect_eq "exit on SIGINT" 0 "$TL_STATUS"
tl_expect_match "summary line" 'stopped, 14 requests recorded' "$(tail -1 server.log)"
echo "hooks server robustness: ok"
