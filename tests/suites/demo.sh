#!/usr/bin/env bash
# Exercises the README's ./demo.sh on a small org (without the final blocking serve), then the serve step itself:
# the service must refuse calls without the key, answer with it, and serve the contact-form preview.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=.test-output/demo; mkdir -p "$OUT"
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1" >&2; fi; }

# The suite's own folder: a demo the user is running in .demo is never touched.
RUN="$OUT/run"; rm -rf "$RUN"
demo_before=$(stat -c %Y .demo/org.db 2>/dev/null || echo none)

# A taken port is one line and a non-zero exit, before any build.
BUSY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$BUSY_PORT)); s.listen(); time.sleep(60)" & holder=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$BUSY_PORT") 2>/dev/null && break; sleep 0.1; done
RTN_DEMO_DIR="$RUN" RTN_DEMO_PORT=$BUSY_PORT ./demo.sh > "$OUT/busy.log" 2>&1
busy=$?
kill $holder 2>/dev/null; wait $holder 2>/dev/null
check "demo.sh on a taken port exits non-zero" "[ $busy -ne 0 ]"
check "demo.sh on a taken port says so in one line" "[ \$(wc -l < '$OUT/busy.log') -eq 1 ] && grep -q 'port $BUSY_PORT is in use; set RTN_DEMO_PORT' '$OUT/busy.log'"

RTN_DEMO_DIR="$RUN" RTN_DEMO_CONTACTS=3000 RTN_DEMO_NO_SERVE=1 ./demo.sh > "$OUT/demo.log" 2>&1
code=$?
check "demo.sh exits 0" "[ $code -eq 0 ]"
check "demo prints the org summary" "grep -q 'Churn rate per year' '$OUT/demo.log'"
check "demo scores as of today" "grep -q \"as of $(date -u +%F)\" '$OUT/demo.log'"
check "demo writes scores" "[ -s '$RUN/scores.csv' ] && [ \$(wc -l < '$RUN/scores.csv') -gt 1000 ]"
check "demo packs the managed solution" "ls '$RUN'/solution/RetentionInsights_*_managed.zip >/dev/null 2>&1"
check "the suite leaves .demo alone" "[ \"\$(stat -c %Y .demo/org.db 2>/dev/null || echo none)\" = '$demo_before' ]"
[ $code -ne 0 ] && tail -40 "$OUT/demo.log" >&2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
KEY="suite-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"
RTN_API_KEY="$KEY" dotnet functions/RetentionInsights.Cli/bin/Release/net10.0/rtn.dll serve --db "$RUN/org.db" --models "$RUN/models" \
  --urls "http://127.0.0.1:$PORT" --demo > "$OUT/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/health" && break; sleep 0.5; done
check "serve prints the preview address with the key once listening" "grep -q 'Preview: http://127.0.0.1:$PORT/?code=$KEY' '$OUT/serve.log'"
check "serve logs no request lines at the default level" "! grep -q 'Request starting' '$OUT/serve.log'"
RTN_API_KEY="$KEY" dotnet functions/RetentionInsights.Cli/bin/Release/net10.0/rtn.dll serve --db "$RUN/org.db" --models "$RUN/models" \
  --urls "http://127.0.0.1:$PORT" > "$OUT/serve-busy.log" 2>&1
busy=$?
check "a second serve on the same port is one line and non-zero" "[ $busy -ne 0 ] && [ \$(wc -l < '$OUT/serve-busy.log') -eq 1 ] && grep -q 'port $PORT is in use' '$OUT/serve-busy.log'"
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
check "serve refuses a call without the key (401)" "[ \"\$(status http://127.0.0.1:$PORT/api/health)\" = 401 ]"
check "serve answers health with the key" "[ \"\$(status -H 'x-functions-key: $KEY' http://127.0.0.1:$PORT/api/health)\" = 200 ]"
check "serve lists customers with ?code=" "curl -sf --max-time 10 'http://127.0.0.1:$PORT/api/customers?top=5&code=$KEY' | grep -q contactId"
check "serve --demo serves the contact-form preview" "curl -sf --max-time 10 http://127.0.0.1:$PORT/ | grep -qi '<html'"
kill $pid 2>/dev/null; wait $pid 2>/dev/null
echo "RESULT demo $passed $failed 0"
[ $failed -eq 0 ]
