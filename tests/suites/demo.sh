#!/usr/bin/env bash
# Exercises the README's ./demo.sh on a small org (without the final blocking serve), then the serve step itself:
# the service must refuse calls without the key, answer with it, and serve the contact-form preview.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=.test-output/demo; mkdir -p "$OUT"
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1" >&2; fi; }

RTN_DEMO_CONTACTS=3000 RTN_DEMO_NO_SERVE=1 ./demo.sh > "$OUT/demo.log" 2>&1
code=$?
check "demo.sh exits 0" "[ $code -eq 0 ]"
check "demo prints the org summary" "grep -q 'Churn rate per year' '$OUT/demo.log'"
check "demo writes scores" "[ -s .demo/scores.csv ] && [ \$(wc -l < .demo/scores.csv) -gt 1000 ]"
check "demo packs the managed solution" "ls .demo/solution/RetentionInsights_*_managed.zip >/dev/null 2>&1"
[ $code -ne 0 ] && tail -40 "$OUT/demo.log" >&2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
KEY="suite-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"
RTN_API_KEY="$KEY" dotnet functions/RetentionInsights.Cli/bin/Release/net10.0/rtn.dll serve --db .demo/org.db --models .demo/models \
  --urls "http://127.0.0.1:$PORT" --demo > "$OUT/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/health" && break; sleep 0.5; done
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
check "serve refuses a call without the key (401)" "[ \"\$(status http://127.0.0.1:$PORT/api/health)\" = 401 ]"
check "serve answers health with the key" "[ \"\$(status -H 'x-functions-key: $KEY' http://127.0.0.1:$PORT/api/health)\" = 200 ]"
check "serve lists customers with ?code=" "curl -sf --max-time 10 'http://127.0.0.1:$PORT/api/customers?top=5&code=$KEY' | grep -q contactId"
check "serve --demo serves the contact-form preview" "curl -sf --max-time 10 http://127.0.0.1:$PORT/ | grep -qi '<html'"
kill $pid 2>/dev/null; wait $pid 2>/dev/null
echo "RESULT demo $passed $failed 0"
[ $failed -eq 0 ]
