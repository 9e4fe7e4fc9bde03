#!/usr/bin/env bash
# The product's main job on the embedded default: build, generate a 20,000-customer local org, train and score it,
# then serve the API and the contact-form preview. Everything stays on this machine (SQLite local org, folder model store).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY=PASSIVE PP_TOOLS_TELEMETRY_OPTOUT=true
DEMO=.demo
CONTACTS=${RTN_DEMO_CONTACTS:-20000}
mkdir -p "$DEMO"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Building (Release)"
dotnet build functions/RetentionInsights.Cli -c Release -nologo -clp:ErrorsOnly -v quiet
RTN=(dotnet functions/RetentionInsights.Cli/bin/Release/net10.0/rtn.dll)

step "Generating a ${CONTACTS}-customer energy supplier (local org: $DEMO/org.db)"
rm -f "$DEMO"/org.db "$DEMO"/org.db-wal "$DEMO"/org.db-shm
"${RTN[@]}" generate --contacts "$CONTACTS" --seed 42 --db "$DEMO/org.db"
