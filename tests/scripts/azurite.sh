#!/usr/bin/env bash
# Starts or stops the Azure Storage emulator (npm azurite, pinned by tests/azurite/package-lock.json) for the service's
# Blob model store, state store and queue fan-out tests.
#   tests/scripts/azurite.sh start   install (npm ci) if needed, start on 127.0.0.1 with free ports and a temporary
#                                    --location, write the PID to .test-output/azurite.pid and the endpoints to
#                                    .test-output/azurite.env (AZURITE_BLOB_ENDPOINT, AZURITE_QUEUE_ENDPOINT)
#   tests/scripts/azurite.sh stop    stop that process by its PID and remove its data
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/.test-output"
DIR="$ROOT/tests/azurite"
PIDFILE="$OUT/azurite.pid"
ENVFILE="$OUT/azurite.env"
LOCFILE="$OUT/azurite.location"
mkdir -p "$OUT"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

stop() {
  if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
  fi
  if [ -f "$LOCFILE" ]; then rm -rf "$(cat "$LOCFILE")"; rm -f "$LOCFILE"; fi
  rm -f "$ENVFILE"
}

start() {
  stop
  if [ ! -x "$DIR/node_modules/.bin/azurite" ]; then
    (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
  location=$(mktemp -d "${TMPDIR:-/tmp}/rtn-azurite.XXXXXX")
  echo "$location" > "$LOCFILE"
  blob=$(free_port); queue=$(free_port); table=$(free_port)
  # --disableTelemetry: otherwise Azurite tries to reach an Application Insights host.
  "$DIR/node_modules/.bin/azurite" --silent --disableTelemetry --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" --location "$location" > "$OUT/azurite.log" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $blob), 0.2).close(); socket.create_connection(('127.0.0.1', $queue), 0.2).close()" 2>/dev/null; then
      {
        echo "AZURITE_BLOB_ENDPOINT=http://127.0.0.1:$blob/devstoreaccount1"
        echo "AZURITE_QUEUE_ENDPOINT=http://127.0.0.1:$queue/devstoreaccount1"
      } > "$ENVFILE"
      echo "azurite started (pid $(cat "$PIDFILE")): blob $blob, queue $queue"
      return 0
    fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "azurite did not start; log:" >&2
  tail -20 "$OUT/azurite.log" >&2 || true
  stop
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
