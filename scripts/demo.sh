#!/usr/bin/env bash
# Installs what is missing, builds Switchyard and runs the showcase app with `switchyard dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -p switchyard_cli
exec target/release/switchyard dev examples/showcase "$@"
