#!/usr/bin/env bash
# Runs every test suite of the product and prints one totals line: "N passed, N failed[, N skipped]".
# Installs what the suites need on a fresh machine (Debian packages, .NET restore, npm ci).
# Suites: every tests/*/*.Tests.csproj (xunit, counted from TRX) and every tests/suites/*.sh
# (each prints "RESULT <suite> <passed> <failed> <skipped>" lines).
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
OUT="$ROOT/.test-output"
rm -rf "$OUT"; mkdir -p "$OUT/trx"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PP_TOOLS_TELEMETRY_OPTOUT=true
# LightGBM/OpenMP spin-waits make fit times erratic on small machines.
export OMP_WAIT_POLICY=PASSIVE
# The shared data sets (tests only) live beside the repository.
export RTN_SHARED_DIR="${RTN_SHARED_DIR:-$(cd "$ROOT/../shared" 2>/dev/null && pwd || true)}"

start=$(date +%s)
log() { echo "[test.sh $(( $(date +%s) - start ))s] $*" >&2; }

bash "$ROOT/tests/scripts/install-prerequisites.sh" || { echo "0 passed, 1 failed"; exit 1; }

failed_steps=0
log "building Extension.sln (Release)"
if ! dotnet build "$ROOT/Extension.sln" -c Release -nologo -clp:ErrorsOnly > "$OUT/build.log" 2>&1; then
  tail -50 "$OUT/build.log" >&2
  log "build failed"
  failed_steps=$((failed_steps + 1))
fi

results="$OUT/results.txt"; : > "$results"

# Azure Storage emulator for the Blob model store and queue fan-out tests; stopped by PID on exit.
if [ -f "$ROOT/tests/scripts/azurite.sh" ]; then
  log "starting Azurite"
  if bash "$ROOT/tests/scripts/azurite.sh" start > "$OUT/azurite-start.log" 2>&1 && [ -f "$OUT/azurite.env" ]; then
    set -a; . "$OUT/azurite.env"; set +a
  else
    tail -20 "$OUT/azurite-start.log" >&2
    echo "RESULT azurite-start 0 1 0" >> "$results"
  fi
  trap 'bash "$ROOT/tests/scripts/azurite.sh" stop >/dev/null 2>&1 || true' EXIT
fi
for proj in "$ROOT"/tests/*/*.Tests.csproj; do
  [ -e "$proj" ] || continue
  name=$(basename "$proj" .csproj)
  log "dotnet test $name"
  dotnet test "$proj" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$OUT/trx" > "$OUT/$name.log" 2>&1
  code=$?
  if [ -f "$OUT/trx/$name.trx" ]; then
    python3 "$ROOT/tests/scripts/trx-counts.py" "$name" "$OUT/trx/$name.trx" >> "$results"
    grep -E "^\s+Failed |Error Message" -A3 "$OUT/$name.log" | head -60 >&2 || true
  else
    tail -30 "$OUT/$name.log" >&2
    echo "RESULT $name 0 1 0" >> "$results"
  fi
  [ $code -ne 0 ] && [ -f "$OUT/trx/$name.trx" ] && grep -q 'failed="0"' "$OUT/trx/$name.trx" && echo "RESULT $name-exit 0 1 0" >> "$results"
done

for suite in "$ROOT"/tests/suites/*.sh; do
  [ -e "$suite" ] || continue
  name=$(basename "$suite" .sh)
  log "suite $name"
  bash "$suite" > "$OUT/suite-$name.log" 2>&1
  code=$?
  grep -E '^RESULT ' "$OUT/suite-$name.log" >> "$results" || true
  if [ $code -ne 0 ]; then
    tail -40 "$OUT/suite-$name.log" >&2
    grep -qE "^RESULT $name[^ ]* [0-9]+ [1-9]" "$OUT/suite-$name.log" || echo "RESULT $name-exit 0 1 0" >> "$results"
  fi
done

[ $failed_steps -gt 0 ] && echo "RESULT build 0 $failed_steps 0" >> "$results"
log "per suite (passed failed skipped):"
sed 's/^RESULT /  /' "$results" >&2
read -r passed failed skipped < <(awk '{p+=$3; f+=$4; s+=$5} END {print p+0, f+0, s+0}' "$results")
log "done"
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
