#!/usr/bin/env bash
# Installs what building and testing Switchyard needs and the machine lacks:
# Debian's JavaScriptCore (the Edge engine) and pkg-config. Safe to run again.
set -euo pipefail

packages=()
pkg-config --exists javascriptcoregtk-4.1 2>/dev/null || packages+=(libjavascriptcoregtk-4.1-dev)
command -v pkg-config >/dev/null || packages+=(pkg-config)
for extra in "$@"; do
  dpkg -s "$extra" >/dev/null 2>&1 || packages+=("$extra")
done

if ((${#packages[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${packages[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
