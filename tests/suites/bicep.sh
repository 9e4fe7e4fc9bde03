#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64, restored by
# infra/tools/BicepCli.proj; works offline once restored). Any warning is a failure: Bicep reports unknown properties
# and rule violations only as warnings. Prints "RESULT bicep <passed> <failed> 0".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/.test-output/bicep"
mkdir -p "$OUT"
passed=0; failed=0
check() { # name, command...
  local name=$1; shift
  local log="$OUT/$name.log"
  "$@" > "$log" 2>&1
  local code=$?
  if [ $code -eq 0 ] && ! grep -qiE '(^|\s)(warning|error)\b|: Warning |: Error ' "$log"; then
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name (exit $code)"; sed 's/^/     /' "$log"; failed=$((failed + 1))
  fi
}

if ! dotnet restore "$ROOT/infra/tools/BicepCli.proj" --nologo -v quiet > "$OUT/restore.log" 2>&1; then
  cat "$OUT/restore.log"; echo "RESULT bicep 0 1 0"; exit 1
fi
packages=$(dotnet nuget locals global-packages --list --force-english-output | sed 's/^global-packages: //')
BICEP="$packages/azure.bicep.commandline.linux-x64/0.49.2/tools/bicep"
[ -x "$BICEP" ] || chmod u+x "$BICEP" 2>/dev/null || true
if [ ! -x "$BICEP" ]; then echo "Bicep CLI not found at $BICEP"; echo "RESULT bicep 0 1 0"; exit 1; fi
"$BICEP" --version

check build "$BICEP" build "$ROOT/infra/main.bicep" --outdir "$OUT"
check lint "$BICEP" lint "$ROOT/infra/main.bicep"
# The parameter file must name exactly the template's parameters (no typos that ARM would silently ignore).
check parameters python3 - "$OUT/main.json" "$ROOT/infra/main.parameters.json" <<'PY'
import json, sys
template = json.load(open(sys.argv[1]))["parameters"]
values = json.load(open(sys.argv[2]))["parameters"]
unknown = sorted(set(values) - set(template))
missing = sorted(p for p, d in template.items() if "defaultValue" not in d and p not in values)
if unknown or missing:
    print(f"unknown parameters: {unknown}; required but missing: {missing}")
    sys.exit(1)
PY
# Secure by default (DESIGN.md / STYLE.md §10): checked on the compiled ARM template.
check security python3 - "$OUT/main.json" <<'PY'
import json, sys
resources = json.load(open(sys.argv[1]))["resources"]
by_type = {}
for r in (resources.values() if isinstance(resources, dict) else resources):
    by_type.setdefault(r["type"], []).append(r)
problems = []
storage = by_type["Microsoft.Storage/storageAccounts"][0]["properties"]
if storage.get("allowSharedKeyAccess") is not False: problems.append("storage: shared-key access must be off")
if storage.get("allowBlobPublicAccess") is not False: problems.append("storage: public blob access must be off")
site = by_type["Microsoft.Web/sites"][0]
if site["identity"]["type"] != "UserAssigned": problems.append("function app: user-assigned identity expected")
if "linux" not in site["kind"]: problems.append("function app: Linux expected")
settings = {s["name"]: s["value"] for s in site["properties"]["siteConfig"]["appSettings"]}
if settings.get("FUNCTIONS_WORKER_RUNTIME") != "dotnet-isolated": problems.append("function app: FUNCTIONS_WORKER_RUNTIME must be dotnet-isolated")
if not str(site["properties"]["siteConfig"].get("linuxFxVersion", "")).startswith("DOTNET-ISOLATED|"): problems.append("function app: linuxFxVersion must be DOTNET-ISOLATED|<version>")
if "KeyVault" not in settings.get("RTN_API_KEY", ""): problems.append("RTN_API_KEY must be a Key Vault reference")
if any("AccountKey=" in str(v) for v in settings.values()): problems.append("no storage keys in app settings")
if not by_type.get("Microsoft.KeyVault/vaults"): problems.append("Key Vault missing")
if not by_type.get("Microsoft.Insights/components"): problems.append("Application Insights missing")
if len(by_type.get("Microsoft.Authorization/roleAssignments", [])) < 3: problems.append("role assignments for the identity missing")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY

echo "RESULT bicep $passed $failed 0"
[ $failed -eq 0 ]
