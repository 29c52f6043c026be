#!/usr/bin/env bash
# Side by side: each public example app in bench/apps/ served by `next start` and by Switchyard,
# the same requests sent to both, and what differs. See bench/apps/README.md.
#
#   bash bench/apps/compare.sh                      # every app that has a urls.txt
#   bash bench/apps/compare.sh jwt-authentication   # some apps
#   SWITCHYARD_BIN=/tmp/switchyard bash bench/apps/compare.sh --keep-responses
#
# Needs node and npm (the apps' packages are installed under bench/apps/.work/, never
# committed) and a built Switchyard (SWITCHYARD_BIN, else target/release/switchyard, else
# target/debug/switchyard). Everything it starts is stopped when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")"

pids_file=$(mktemp -t switchyard-compare-pids.XXXXXX)
export COMPARE_PIDS_FILE=$pids_file
child=
cleanup() {
  # The Python script stops its servers itself; this catches what is left if it was killed.
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null || true
  while read -r pgid; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done <"$pids_file"
  sleep 0.5
  while read -r pgid; do
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done <"$pids_file"
  rm -f "$pids_file"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 compare.py "$@" &
child=$!
wait "$child"
status=$?
child=
exit $status
