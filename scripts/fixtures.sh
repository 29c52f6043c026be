#!/usr/bin/env bash
# Installs the npm packages of the test apps: every tests/fixtures/*/ and tests/browser/ whose
# package.json declares dependencies (or only the directories given as arguments, e.g.
# `bash scripts/fixtures.sh examples/showcase`). Uses `npm ci` where a package-lock.json is
# committed, `npm install` (which writes one) where none is. A directory whose node_modules
# was installed from the same package.json and package-lock.json is skipped, so running this
# again costs nothing. node_modules are never committed (see .gitignore).
set -euo pipefail
cd "$(dirname "$0")/.."

if (($#)); then
  dirs=("$@")
else
  dirs=(tests/fixtures/*/ tests/browser/)
fi

command -v npm >/dev/null || {
  echo "fixtures: npm is missing (it comes with Node.js, which the tests need too)" >&2
  exit 1
}

stamp_of() {
  # What node_modules was installed from; the stamp also changes with npm's major version.
  {
    echo "npm $(npm --version | cut -d. -f1)"
    cat "$1/package.json" "$1/package-lock.json" 2>/dev/null
  } | sha256sum | cut -d' ' -f1
}

has_dependencies() {
  node -e '
    const p = require(require("path").resolve(process.argv[1], "package.json"));
    const all = { ...p.dependencies, ...p.devDependencies, ...p.optionalDependencies };
    process.exit(Object.keys(all).length ? 0 : 1);
  ' "$1"
}

for dir in "${dirs[@]}"; do
  dir="${dir%/}"
  [ -f "$dir/package.json" ] || continue
  # Nothing to install: leave the directory as it is (no lock file, no node_modules).
  has_dependencies "$dir" || continue
  stamp_file="$dir/node_modules/.switchyard-fixtures-stamp"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$(stamp_of "$dir")" ]; then
    continue
  fi
  if [ -f "$dir/package-lock.json" ]; then
    how=(ci)
  else
    how=(install)
  fi
  echo "fixtures: npm ${how[*]} in $dir" >&2
  (cd "$dir" && npm "${how[@]}" --no-audit --no-fund --loglevel=error >/dev/null)
  # `npm install` may have written the lock file: stamp what is there now.
  stamp_of "$dir" >"$stamp_file"
done
