#!/usr/bin/env bash
# Ask and tell from the shell (any language can do the same): each command loads the
# study from the store, does one thing, and exits. Run from the repository root:
#   bash examples/study-shell.sh [STORE]
set -euo pipefail
store=${1:-$(mktemp -d)}
mlsweep() { node --import tsx src/cli/main.ts "$@"; }

mlsweep study create --name shell-demo --search-space examples/spaces/study-space.yml \
  --direction minimize --metric loss --seed 1 --store "$store" >&2
mlsweep study enqueue shell-demo --params '{"x": 2}' --store "$store" >&2
for i in 1 2 3; do
  asked=$(mlsweep study ask shell-demo --json --store "$store")
  id=$(node -e 'console.log(JSON.parse(process.argv[1]).trialId)' -- "$asked")
  x=$(node -e 'console.log(JSON.parse(process.argv[1]).params.x)' -- "$asked")
  loss=$(node -e 'console.log((Number(process.argv[1]) - 2) ** 2)' -- "$x")
  mlsweep study tell shell-demo "$id" "$loss" --store "$store" >&2
done
mlsweep study best shell-demo --json --store "$store"
