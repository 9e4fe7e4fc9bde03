#!/usr/bin/env bash
# The product's main job on the embedded default: build, generate a 20,000-customer local org, train the models, score
# every customer, raise early warnings, pack the managed solution, then serve the API and the contact-form preview.
# Everything stays on the local computer (SQLite local org, folder model store).
#   RTN_DEMO_CONTACTS=N   size of the generated org (default 20000)
#   RTN_DEMO_PORT=P       port of the local service (default 7071)
#   RTN_DEMO_NO_SERVE=1   stop after scoring (used by the test suite)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY=PASSIVE PP_TOOLS_TELEMETRY_OPTOUT=true
DEMO=.demo
CONTACTS=${RTN_DEMO_CONTACTS:-20000}
PORT=${RTN_DEMO_PORT:-7071}
AS_OF=2026-11-01
mkdir -p "$DEMO"
started=$(date +%s)

step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "Building (Release)"
dotnet build functions/RetentionInsights.Cli -c Release -nologo -clp:ErrorsOnly -v quiet
RTN=(dotnet functions/RetentionInsights.Cli/bin/Release/net10.0/rtn.dll)

step "Generating a ${CONTACTS}-customer energy supplier (local org: $DEMO/org.db)"
rm -rf "$DEMO/org.db" "$DEMO/org.db-wal" "$DEMO/org.db-shm" "$DEMO/models"
"${RTN[@]}" generate --contacts "$CONTACTS" --seed 42 --db "$DEMO/org.db" --until "$AS_OF"

step "Training churn, CLV and offer models (time-based holdout)"
"${RTN[@]}" train --db "$DEMO/org.db" --models "$DEMO/models" --as-of "$AS_OF"

step "Scoring every active customer"
"${RTN[@]}" score --db "$DEMO/org.db" --models "$DEMO/models" --as-of "$AS_OF" --out "$DEMO/scores.csv"

step "Scanning communication for early warnings"
"${RTN[@]}" warnings scan --db "$DEMO/org.db" --as-of "$AS_OF"

step "Packing the managed solution"
bash solution/build.sh "$DEMO/solution"

if [ "${RTN_DEMO_NO_SERVE:-}" = "1" ]; then
  step "Done"
  exit 0
fi

KEY=${RTN_API_KEY:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=' )}
step "Serving the scoring service and the contact-form preview"
echo "API key (send as x-functions-key or ?code=): $KEY"
echo "Contact-form preview: http://127.0.0.1:$PORT/?code=$KEY"
echo "Try: curl -H 'x-functions-key: $KEY' http://127.0.0.1:$PORT/api/health"
echo "Stop with Ctrl+C."
RTN_API_KEY="$KEY" exec "${RTN[@]}" serve --db "$DEMO/org.db" --models "$DEMO/models" --urls "http://127.0.0.1:$PORT" --demo
