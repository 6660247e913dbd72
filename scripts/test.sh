#!/usr/bin/env bash
# Runs every check and test: format, lints, Rust tests, UI type check, unit and browser tests,
# and the end-to-end test of the real app window under Xvfb. Fails on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --version "^2" --locked
fi

step() { echo; echo "==> $*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "ui build (embedded in the app binary)"
npm --prefix ui run build

step "cargo clippy"
cargo clippy --workspace --all-targets --features custom-protocol -- -D warnings

step "cargo test (inside a throwaway keyring session: keychain tests use the real Secret Service)"
scripts/keyring-session.sh cargo test --workspace --features custom-protocol

step "bindings drift"
git diff --exit-code -- ui/src/lib/bindings.ts

step "ui type check"
npm --prefix ui run check

step "ui unit tests"
mkdir -p target
npm --prefix ui test -- --reporter=default --reporter=json --outputFile="$PWD/target/vitest.json"
node -e 'const r = require(process.argv[1]); console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$PWD/target/vitest.json"

step "ui browser tests (headless Chromium, mocked IPC)"
npm --prefix ui run test:browser

step "end-to-end: the real app window under Xvfb"
cargo build --workspace --features custom-protocol
scripts/e2e.sh
