#!/usr/bin/env bash
# Communication early warning through the CLI, as an operator would run it: the labelled-corpus evaluation, a scan of a
# small generated org (twice: no duplicate alerts), agent feedback and KPIs, and the precision/recall evaluation against
# later churn. Checks exit codes (bad input = 2) and the --json output. Prints "RESULT early-warning <passed> <failed> 0".
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=.test-output/early-warning; rm -rf "$OUT"; mkdir -p "$OUT"
RTN="dotnet functions/RetentionInsights.Cli/bin/Release/net10.0/rtn.dll"
DB="$OUT/org.db"
DATA=tests/RetentionInsights.Scoring.Tests/Sentiment/Data
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1" >&2; fi; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }

$RTN sentiment evaluate --messages "$DATA/messages-heldout.csv" --json > "$OUT/sentiment.json" 2> "$OUT/sentiment.err"
check "sentiment evaluate exits 0" "[ $? -eq 0 ]"
check "held-out macro-F1 >= 0.75" "python3 -c \"import json; assert json.load(open('$OUT/sentiment.json'))['report']['macroF1'] >= 0.75\""
$RTN sentiment evaluate --messages "$DATA/messages-frozen-heldout.csv" --json > "$OUT/frozen.json" 2> /dev/null
check "frozen held-out: macro-F1 >= 0.85 and negative recall >= 0.80 per language" \
  "python3 -c \"import json; r=json.load(open('$OUT/frozen.json'))['report']; assert all(l['macroF1'] >= 0.85 and [c for c in l['classes'] if c['label']=='negative'][0]['recall'] >= 0.80 for l in r['languages'].values()), r['languages']\""
printf 'text,language,label\n"Goed geholpen",nl,great\n' > "$OUT/bad.csv"
$RTN sentiment evaluate --messages "$OUT/bad.csv" > /dev/null 2> "$OUT/bad.err"
check "a bad label exits 2" "[ $? -eq 2 ]"
check "the error names file, row and field" "grep -q 'bad.csv: row 2: field .label.' '$OUT/bad.err'"

$RTN generate --contacts 2000 --seed 7 --db "$DB" --json > "$OUT/generate.json" 2> /dev/null
check "generate a small org" "[ -s '$DB' ]"

$RTN warnings scan --db "$DB" --as-of 2026-08-01 --json > "$OUT/scan1.json" 2> /dev/null
check "scan exits 0" "[ $? -eq 0 ]"
check "scan raises alerts" "[ \$(json '$OUT/scan1.json' \"d['report']['created']['total']\") -gt 0 ]"
$RTN warnings scan --db "$DB" --as-of 2026-08-01 --json > "$OUT/scan2.json" 2> /dev/null
check "a repeated scan creates no duplicates" "[ \$(json '$OUT/scan2.json' \"d['report']['created']['total']\") -eq 0 ]"
check "a repeated scan finds every alert open" \
  "[ \$(json '$OUT/scan2.json' \"d['report']['alreadyOpen']['total']\") -eq \$(json '$OUT/scan1.json' \"d['report']['levels']['total']\") ]"

ALERT=$(python3 -c "import sqlite3; print(sqlite3.connect('$DB').execute('select rtn_retentionalertid from rtn_retentionalert limit 1').fetchone()[0])")
$RTN warnings feedback --db "$DB" --alert "$ALERT" --verdict valid --at 2026-08-01T03:00:00Z 2> /dev/null
check "feedback exits 0" "[ $? -eq 0 ]"
$RTN warnings feedback --db "$DB" --alert "$ALERT" --verdict maybe > /dev/null 2>&1
check "an unknown verdict exits 2" "[ $? -eq 2 ]"
$RTN warnings kpi --db "$DB" --json > "$OUT/kpi.json"
check "KPIs count the feedback" "[ \$(json '$OUT/kpi.json' \"d['withFeedback'] == 1 and d['shareValid'] == 1\") = True ]"
check "KPIs report time to resolution" "[ \$(json '$OUT/kpi.json' \"d['meanHoursToResolution'] == 3\") = True ]"

$RTN warnings evaluate --db "$DB" --as-of 2026-05-01 2026-08-01 --horizon-days 60 --json > "$OUT/evaluate.json" 2> /dev/null
check "evaluate exits 0" "[ $? -eq 0 ]"
check "Orange+ alerts beat the base rate" \
  "python3 -c \"import json; r=json.load(open('$OUT/evaluate.json'))['report']['overall']; o=[l for l in r['levels'] if l['minimumLevel']=='Orange+'][0]; assert o['lift'] > 1.5, o\""
$RTN warnings evaluate --db "$DB" --as-of 2026-10-01 --horizon-days 60 > /dev/null 2> "$OUT/evaluate-late.err"
check "a horizon past the history exits 2" "[ $? -eq 2 ] && grep -q 'not observed' '$OUT/evaluate-late.err'"

$RTN warnings precision --db "$DB" --as-of 2026-04-01 2026-05-01 2026-06-01 2026-07-01 2026-08-01 --horizon-days 60 --json > "$OUT/precision.json" 2> /dev/null
check "precision exits 0" "[ $? -eq 0 ]"
check "Orange+ alerts are followed by a real problem more often than chance" \
  "python3 -c \"import json; r=json.load(open('$OUT/precision.json'))['report']['before']; o=[l for l in r['levels'] if l['level']=='Orange+'][0]; assert o['precision'] > 2 * r['baseRate'], (o, r['baseRate'])\""
$RTN warnings precision --db "$DB" --as-of 2026-08-01 > /dev/null 2> "$OUT/precision-one.err"
check "precision with one date exits 2" "[ $? -eq 2 ] && grep -q 'at least two' '$OUT/precision-one.err'"

echo "RESULT early-warning $passed $failed 0"
[ "$failed" -eq 0 ]
