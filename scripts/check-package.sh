#!/usr/bin/env bash
# Packs the package as `npm publish` would and checks the tarball itself:
# publint (package.json fields, files, exports) and arethetypeswrong (the
# types each entry point resolves to under node16/bundler resolution).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npm run build --silent
tarball="$out/$(npm pack --silent --ignore-scripts --pack-destination "$out" | tail -1)"
npx publint run --strict "$tarball"
# ESM only ("type": "module", no require condition): CommonJS resolution is out of scope.
npx attw --profile esm-only "$tarball"
