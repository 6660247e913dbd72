#!/usr/bin/env bash
# Installs everything the app and its tests need on a fresh Debian/Ubuntu machine.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  # Tauri / WebKitGTK build and runtime
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev libssl-dev
  build-essential pkg-config file
  # headless window, keychain and notifications for the tests
  xvfb xauth webkit2gtk-driver dbus-x11 gnome-keyring libsecret-1-dev keyutils
  dunst libnotify-bin imagemagick x11-utils chromium
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust from https://rustup.rs first" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: install Node.js 20.19+ first" >&2
  exit 1
fi

# Python: an independent signature verifier for the signer's tests.
if ! python3 -c "import cryptography" >/dev/null 2>&1; then
  echo "==> pip: installing cryptography"
  python3 -m pip install --quiet --disable-pip-version-check cryptography
fi
# Python: Kalshi's official SDK, which the simulator's conformance test (crates/sim/tests/sdk)
# drives against the simulator. 3.34.0 declares Python >= 3.13 but runs on 3.11.
if ! python3 -c "import kalshi_python_sync" >/dev/null 2>&1; then
  echo "==> pip: installing kalshi-python-sync (Kalshi's official SDK)"
  python3 -m pip install --quiet --disable-pip-version-check --ignore-requires-python kalshi-python-sync==3.34.0
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> npm: installing ui dependencies"
  npm --prefix ui install --no-audit --no-fund
fi

# Rust tools for the supply-chain check and the fuzzers (scripts/test.sh; docs/reliability.md).
# From crates.io, only when missing: a fresh `cargo install` takes about 3 min (cargo-deny) and
# 30 s (cargo-fuzz) on 2 cores.
if ! cargo deny --version >/dev/null 2>&1; then
  echo "==> cargo install cargo-deny"
  cargo install cargo-deny --version "^0.20" --locked
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> cargo install cargo-fuzz"
  cargo install cargo-fuzz --version "^0.13" --locked
fi
