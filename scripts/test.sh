#!/usr/bin/env bash
# Installs what is missing, then runs every test: formatting, lints, unit and end-to-end tests,
# and the Node worker's own tests (Node's built-in test runner). Chromium (Debian's) is for the
# real-browser test (tests/pages_browser.rs); fixtures.sh installs the test apps' npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh chromium
bash scripts/fixtures.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
node --test js/node/test/ js/next/test/ js/build/test/
