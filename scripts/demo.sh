#!/usr/bin/env bash
# Installs what is missing (and the showcase's npm packages), builds Switchyard and runs the
# showcase app with `switchyard dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The showcase's own npm packages (React for its pages), if its package.json declares any.
bash scripts/fixtures.sh examples/showcase
cargo build --release -p switchyard_cli
exec target/release/switchyard dev examples/showcase "$@"
