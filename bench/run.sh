#!/usr/bin/env bash
# Side-by-side benchmark: Switchyard and `next start` on ../shared/bench/next-app.
# Installs wrk if missing, copies the anchor app to a temp dir, installs its npm packages there
# (never in the repo), builds it with both, and prints req/s, p99, start-up time and RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh wrk
cargo build --release -p switchyard_cli
exec python3 bench/compare.py "$@"
