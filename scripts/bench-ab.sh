#!/usr/bin/env bash
# Compare the verify and issue rows of `npm run bench` between two trees, run by run.
#
#   scripts/bench-ab.sh BASE_REF [RUNS]          BASE_REF against the working tree
#   scripts/bench-ab.sh BASE_REF OTHER_REF [RUNS]
#
# Each tree is compiled once with tsc into a temporary directory (plain JS,
# so an old tree needs nothing of this one but the driver), then the two are run in
# turn, RUNS times each (default 6), in separate processes, so that a slow
# spell of a shared machine hits both alike. Prints one Markdown table of the
# median ratio to the floor per row, with the range over the runs. About
# 40 s per run and tree on 2 vCPUs; keep the machine otherwise idle.
set -euo pipefail

repo=$(git rev-parse --show-toplevel)
cd "$repo"
base=${1:?usage: scripts/bench-ab.sh BASE_REF [OTHER_REF] [RUNS]}
other=
runs=6
if [[ $# -ge 2 ]]; then
  if [[ $2 =~ ^[0-9]+$ ]]; then runs=$2; else other=$2; runs=${3:-6}; fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vintent-ab.XXXXXX")
worktrees=()
cleanup() {
  for w in "${worktrees[@]}"; do git worktree remove --force "$w" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# compile SOURCE_DIR OUT_DIR: tsc output beside this checkout's node_modules.
compile() {
  local src=$1 out=$2
  [[ -e $src/node_modules ]] || ln -s "$repo/node_modules" "$src/node_modules"
  # Type errors of an old tree's tests do not stop the emit; only a missing suite does.
  (cd "$src" && npx tsc -p tsconfig.json --outDir "$out" --noEmit false --declaration false --sourceMap false >/dev/null 2>&1) || true
  [[ -f $out/bench/verify-suite.js ]] || { echo "bench-ab: $src did not compile to $out/bench/verify-suite.js" >&2; exit 1; }
  ln -s "$repo/node_modules" "$out/node_modules"
  cp "$src/package.json" "$out/"
}

# tree REF NAME: a detached worktree of REF compiled to $work/NAME.
tree() {
  local ref=$1 name=$2
  git worktree add --detach "$work/src-$name" "$ref" >/dev/null
  worktrees+=("$work/src-$name")
  compile "$work/src-$name" "$work/$name"
}

tree "$base" A
if [[ -n $other ]]; then tree "$other" B; else compile "$repo" "$work/B"; fi
mkdir -p "$work/runs-A" "$work/runs-B"

driver="$repo/scripts/bench-ab-driver.mjs"
for ((i = 1; i <= runs; i++)); do
  for side in A B; do
    echo "bench-ab: run $i/$runs, ${side}" >&2
    # Trees before f1f28e0 can deadlock in key generation (Node 20, GC during a JWK export):
    # such a run sits at no CPU until the timeout and is run again.
    for attempt in 1 2 3; do
      if timeout 600 node --expose-gc "$driver" run "$work/$side" >"$work/runs-$side/$i.jsonl"; then break; fi
      echo "bench-ab: run $i, ${side}: no result (attempt $attempt), again" >&2
      rm -f "$work/runs-$side/$i.jsonl"
    done
    [[ -s $work/runs-$side/$i.jsonl ]] || { echo "bench-ab: run $i, ${side}: no result in 3 attempts" >&2; exit 1; }
  done
done

echo "A = $base ($(git rev-parse --short "$base")), B = ${other:-working tree}"
node "$driver" summary "$work/runs-A" "$work/runs-B"
