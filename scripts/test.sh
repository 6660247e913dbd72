#!/usr/bin/env bash
# Runs every check and test: format, supply chain, lints, Rust tests, short fuzz runs, UI type
# check and unit tests, and the end-to-end test of the real app window under Xvfb. Fails on
# the first failing step.
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
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

step "cargo deny: licenses, duplicate versions, sources (advisories need github.com: docs/reliability.md)"
cargo deny --workspace check licenses bans sources

step "ui build (embedded in the app binary)"
npm --prefix ui run build

step "cargo clippy"
cargo clippy --workspace --all-targets --features custom-protocol -- -D warnings

step "cargo test (inside a throwaway keyring session: keychain tests use the real Secret Service)"
scripts/keyring-session.sh cargo test --workspace --features custom-protocol

step "fuzz: 20 s per target (cargo-fuzz on stable through RUSTC_BOOTSTRAP=1: docs/reliability.md)"
# Seeds are committed in fuzz/seeds/; what the fuzzers add goes to fuzz/corpus/ (not committed).
# A crash fails the step and leaves its input in fuzz/artifacts/<target>/.
RUSTC_BOOTSTRAP=1 cargo fuzz build
for target in ws_frame rest_bodies decimals; do
  mkdir -p "fuzz/corpus/$target"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- -max_total_time=20
done

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
