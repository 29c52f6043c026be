#!/usr/bin/env bash
# JavaScriptCore (Edge) vs V8 (Node.js) rendering the same React page in Switchyard: installs
# bench/render-app's npm packages (from its package-lock.json), builds Switchyard and the app,
# starts it, and prints first-render, median and p90 render times per runtime and their ratio.
# Options go to bench/render.py (--n, --warmup, --warmup-requests, --no-stream, --json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/fixtures.sh bench/render-app
cargo build --release -p switchyard_cli
exec python3 bench/render.py "$@"
