#!/usr/bin/env bash
# Builds the managed and unmanaged Retention Insights solution zips into OUTDIR and validates both.
#   solution/build.sh OUTDIR [--with-cli]
# Builds the net462 plug-in and the PCF production bundle first when their outputs are missing or older than their
# sources, then packs solution/src with datamodel.json, registrations.json and those outputs (solution/README.md).
# --with-cli also publishes the `rtn` command line (self-contained, single file) for Linux and Windows into
# OUTDIR/rtn-linux-x64/rtn and OUTDIR/rtn-win-x64/rtn.exe, so an admin can run `rtn solution validate` without .NET.
# It takes minutes (a full restore per platform), so it is not part of the default build.
set -euo pipefail
WITH_CLI=0
if [ $# -eq 2 ] && [ "$2" = "--with-cli" ]; then
  WITH_CLI=1
elif [ $# -ne 1 ]; then
  echo "usage: solution/build.sh OUTDIR [--with-cli]" >&2
  exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PP_TOOLS_TELEMETRY_OPTOUT=true
log() { echo "[solution/build.sh] $*" >&2; }

# stale OUTPUT DIR...: true when OUTPUT is missing or any source file under DIR is newer.
stale() {
  local output=$1; shift
  [ -f "$output" ] || return 0
  [ -n "$(find "$@" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.snk' -o -name '*.json' -o -name '*.ts' -o -name '*.tsx' \
        -o -name '*.xml' -o -name '*.resx' -o -name '*.css' -o -name '*.mjs' \) -not -path '*/bin/*' -not -path '*/obj/*' \
        -not -path '*/node_modules/*' -not -path '*/out/*' -not -path '*/generated/*' -newer "$output" -print -quit 2>/dev/null)" ]
}

PLUGIN_DLL="$ROOT/plugins/RetentionInsights.Plugins/bin/Release/net462/RetentionInsights.Plugins.dll"
if stale "$PLUGIN_DLL" "$ROOT/plugins/RetentionInsights.Plugins" "$ROOT/plugins/XrmSdk.StandIn" "$ROOT/Directory.Build.props"; then
  log "building the net462 plug-in"
  dotnet build "$ROOT/plugins/RetentionInsights.Plugins/RetentionInsights.Plugins.csproj" -c Release -f net462 -nologo -clp:ErrorsOnly >&2
fi

PCF_DIR="$ROOT/pcf-controls/RetentionInsightsPanel"
PCF_OUT="$PCF_DIR/out/controls/RetentionInsightsPanel"
if stale "$PCF_OUT/bundle.js" "$PCF_DIR/RetentionInsightsPanel" "$PCF_DIR/package.json" "$PCF_DIR/package-lock.json"; then
  log "building the PCF production bundle"
  if [ ! -d "$PCF_DIR/node_modules" ]; then (cd "$PCF_DIR" && npm ci --no-audit --no-fund >&2); fi
  # pcf-scripts exits 0 even when it fails: check its output and the registration stub.
  build_log=$(mktemp)
  if ! (cd "$PCF_DIR" && npm run build) >"$build_log" 2>&1 || grep -q '\[build\] Failed' "$build_log"; then
    cat "$build_log" >&2; rm -f "$build_log"; log "PCF build failed"; exit 1
  fi
  rm -f "$build_log"
fi
if ! grep -q "registerControl('RetentionInsights.RetentionInsightsPanel'" "$PCF_OUT/bundle.js" 2>/dev/null \
   && ! grep -q 'registerControl("RetentionInsights.RetentionInsightsPanel"' "$PCF_OUT/bundle.js" 2>/dev/null; then
  log "$PCF_OUT/bundle.js lacks the registerControl stub: the PCF build is broken"; exit 1
fi

TOOL="$ROOT/solution/RetentionInsights.Solution/bin/Release/net10.0/RetentionInsights.Solution.dll"
if stale "$TOOL" "$ROOT/solution/RetentionInsights.Solution" "$ROOT/functions/RetentionInsights.Data"; then
  log "building the packer"
  dotnet build "$ROOT/solution/RetentionInsights.Solution/RetentionInsights.Solution.csproj" -c Release -nologo -clp:ErrorsOnly >&2
fi

log "packing into $OUT"
packed=$(dotnet "$TOOL" pack --repo "$ROOT" --out "$OUT") || { log "packing failed"; exit 1; }
mapfile -t zips <<< "$packed"
unmanaged=${zips[0]}; managed=${zips[1]}
dotnet "$TOOL" validate "$unmanaged" --expect unmanaged --quiet >&2
dotnet "$TOOL" validate "$managed" --expect managed --quiet >&2

if [ "$WITH_CLI" = 1 ]; then
  for rid in linux-x64 win-x64; do
    log "publishing rtn for $rid"
    dotnet publish "$ROOT/functions/RetentionInsights.Cli/RetentionInsights.Cli.csproj" -c Release -r "$rid" --self-contained \
      -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o "$OUT/rtn-$rid" -nologo -clp:ErrorsOnly >&2
  done
  # The Linux build runs here: prove it works by validating the zip it was built with.
  "$OUT/rtn-linux-x64/rtn" solution validate "$managed" --expect managed >&2
  log "rtn: $OUT/rtn-linux-x64/rtn, $OUT/rtn-win-x64/rtn.exe"
fi
printf '%s\n' "$unmanaged" "$managed"
