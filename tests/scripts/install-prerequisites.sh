#!/usr/bin/env bash
# Installs what the test suites need on a fresh Debian machine. Idempotent and quiet when all is present.
set -euo pipefail
need=()
command -v python3 >/dev/null || need+=(python3)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v curl >/dev/null || need+=(curl)
command -v unshare >/dev/null || need+=(util-linux)
[ -e /usr/lib/x86_64-linux-gnu/libgomp.so.1 ] || ldconfig -p 2>/dev/null | grep -q libgomp.so.1 || need+=(libgomp1)
command -v chromium >/dev/null || need+=(chromium fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
command -v dotnet >/dev/null || { echo "dotnet SDK is required (see global.json)" >&2; exit 1; }
command -v node >/dev/null || { echo "node 20+ is required for the PCF control" >&2; exit 1; }
