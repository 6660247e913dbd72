#!/usr/bin/env bash
# Installs what is needed, builds the desktop app and starts it (paper trading by default).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
npm --prefix ui run build
cargo build --release --features custom-protocol --bin kmm-desktop
exec target/release/kmm-desktop "$@"
