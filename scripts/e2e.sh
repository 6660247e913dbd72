#!/usr/bin/env bash
# Drives the real app window with tauri-driver + WebKitWebDriver under Xvfb, inside a private
# D-Bus session with an unlocked throwaway keyring. Expects target/debug/kmm-desktop built.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_BIN="$PWD/target/debug/kmm-desktop"
[ -x "$APP_BIN" ] || { echo "missing $APP_BIN: build it first" >&2; exit 1; }

export APP_BIN
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$PWD/target/e2e}"
mkdir -p "$SCREENSHOT_DIR"
export E2E_HOME; E2E_HOME="$(mktemp -d)"
trap 'rm -rf "$E2E_HOME"' EXIT

keyctl session - dbus-run-session -- bash -euo pipefail -c '
  export HOME="$E2E_HOME" XDG_DATA_HOME="$E2E_HOME/.local/share" XDG_CONFIG_HOME="$E2E_HOME/.config"
  export $(echo -n e2e-password | gnome-keyring-daemon --unlock --components=secrets)
  Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  export DISPLAY=:97
  tauri-driver --native-driver /usr/bin/WebKitWebDriver >"$SCREENSHOT_DIR/tauri-driver.log" 2>&1 &
  driver=$!
  trap "kill $driver $xvfb 2>/dev/null || true" EXIT
  for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
  timeout 300 node --test --test-concurrency=1 ui/e2e/*.e2e.mjs
'
