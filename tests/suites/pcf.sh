#!/usr/bin/env bash
# PCF control suite: npm ci (when node_modules is missing or older than the lockfile), ESLint with the Power Apps
# checker rules + a type check of the tests, vitest unit tests, the strict production build (pcf-scripts exits 0 on
# failure, scripts/build.mjs does not), and the Chromium browser test of the preview harness.
# Prints RESULT lines for pcf-lint, pcf-unit, pcf-build and pcf-browser; exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PROJECT="$ROOT/pcf-controls/RetentionInsightsPanel"
OUT="$ROOT/.test-output/pcf"
mkdir -p "$OUT"
export PP_TOOLS_TELEMETRY_OPTOUT=true
export PCF_TEST_OUTPUT="$OUT"
status=0
say() { echo "[pcf.sh] $*" >&2; }

fail_all() {
  say "$1"
  echo "RESULT pcf-lint 0 1 0"; echo "RESULT pcf-unit 0 1 0"; echo "RESULT pcf-build 0 1 0"; echo "RESULT pcf-browser 0 1 0"
  exit 1
}

command -v node >/dev/null || fail_all "node 20+ is required"
cd "$PROJECT" || fail_all "missing $PROJECT"

# npm ci only when needed (a cold install takes minutes here): npm writes node_modules/.package-lock.json on every
# install, so node_modules is current when that file is newer than the committed lockfile. solution/build.sh may have
# installed already; this check reuses its install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (node_modules missing or stale)"
  if ! npm ci --no-audit --no-fund --prefer-offline > "$OUT/npm-ci.log" 2>&1; then
    tail -30 "$OUT/npm-ci.log" >&2
    fail_all "npm ci failed (see $OUT/npm-ci.log)"
  fi
fi

# Unit tests (vitest, jsdom, @testing-library/react), counted from the JUnit report.
say "unit tests"
rm -f "$OUT/unit-junit.xml"
PCF_UNIT_JUNIT="$OUT/unit-junit.xml" npm test > "$OUT/unit.log" 2>&1
unit_code=$?
if [ -f "$OUT/unit-junit.xml" ]; then
  read -r u_total u_failed u_skipped < <(node -e '
    const xml = require("fs").readFileSync(process.argv[1], "utf8");
    const root = /<testsuites[^>]*>/.exec(xml)[0];
    const n = (name) => Number((new RegExp(name + "=\"(\\d+)\"").exec(root) || [0, 0])[1]);
    console.log(n("tests"), n("failures") + n("errors"), n("skipped"));' "$OUT/unit-junit.xml")
  u_passed=$((u_total - u_failed - u_skipped))
  if [ "$unit_code" -ne 0 ] && [ "$u_failed" -eq 0 ]; then u_failed=1; fi
else
  u_passed=0; u_failed=1; u_skipped=0
fi
echo "RESULT pcf-unit $u_passed $u_failed $u_skipped"
[ "$u_failed" -gt 0 ] && { grep -E "×|FAIL|Error" "$OUT/unit.log" | head -40 >&2; status=1; }

# Production build: bundle + ControlManifest.xml + resx in out/controls/RetentionInsightsPanel, harness in out/harness.
# Built without network where a network namespace can be made (root): proves the bundle builds offline.
offline=()
if command -v unshare >/dev/null && unshare -n true 2>/dev/null; then offline=(unshare -n); fi
say "production build${offline:+ (offline: no network namespace)}"
if "${offline[@]}" npm run build > "$OUT/build.log" 2>&1; then
  echo "RESULT pcf-build 1 0 0"
else
  tail -30 "$OUT/build.log" >&2
  echo "RESULT pcf-build 0 1 0"
  status=1
fi

# Lint: one check per linted file (ESLint + Power Apps checker rules, zero warnings) plus the type check of the tests
# (needs generated/ManifestTypes.d.ts from the build above).
say "lint"
npm run lint -- --format json --output-file "$OUT/eslint.json" > "$OUT/lint.log" 2>&1
lint_code=$?
if [ -f "$OUT/eslint.json" ]; then
  read -r l_clean l_dirty < <(node -e '
    const files = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const dirty = files.filter((f) => f.errorCount + f.warningCount > 0);
    for (const f of dirty) for (const m of f.messages) console.error(`${f.filePath}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
    console.log(files.length - dirty.length, dirty.length);' "$OUT/eslint.json")
  if [ "$lint_code" -ne 0 ] && [ "$l_dirty" -eq 0 ]; then l_dirty=1; cat "$OUT/lint.log" >&2; fi
else
  l_clean=0; l_dirty=1; cat "$OUT/lint.log" >&2
fi
if npm run typecheck > "$OUT/typecheck.log" 2>&1; then
  l_clean=$((l_clean + 1))
else
  head -30 "$OUT/typecheck.log" >&2
  l_dirty=$((l_dirty + 1))
fi
echo "RESULT pcf-lint $l_clean $l_dirty 0"
[ "$l_dirty" -gt 0 ] && status=1

# Browser test in Debian Chromium (installed by tests/scripts/install-prerequisites.sh).
say "browser test"
if [ ! -x /usr/bin/chromium ]; then
  say "/usr/bin/chromium is missing: install Debian's chromium package (apt-get install chromium)"
  echo "RESULT pcf-browser 0 1 0"
  status=1
elif [ ! -f out/harness/control/bundle.js ]; then
  say "no harness build to test"
  echo "RESULT pcf-browser 0 1 0"
  status=1
else
  npm run test:browser > "$OUT/browser.log" 2>&1
  browser_code=$?
  if grep -qE '^RESULT pcf-browser ' "$OUT/browser.log"; then
    grep -E '^RESULT pcf-browser ' "$OUT/browser.log"
  else
    echo "RESULT pcf-browser 0 1 0"
  fi
  grep -A3 -E "^  FAIL " "$OUT/browser.log" | head -30 >&2
  [ "$browser_code" -ne 0 ] && status=1
  [ -f "$OUT/metrics.json" ] && say "metrics: $(tr -d '\n ' < "$OUT/metrics.json")"
fi
exit $status
