#!/bin/bash
# Old vs new of bench/floor.ts, alternating in the same load (docs/performance.md, "Round 3: the floor").
#   bench/floor-ab.sh ROUNDS RUNS OLD_CHECKOUT OLD_STORE NEW_STORE META.json
# OLD_CHECKOUT is e.g. `git worktree add /tmp/old-floor main` with node_modules linked and
# bench/floor.ts copied in; each side reads its own copy of one store (DuckDB locks a file it opens).
set -e
rounds=$1 runs=$2 old=$3 oldStore=$4 newStore=$5 meta=$6
new=$(cd "$(dirname "$0")/.." && pwd)
for r in $(seq 1 "$rounds"); do
  for side in old new; do
    if [ $side = old ]; then dir=$old store=$oldStore; else dir=$new store=$newStore; fi
    echo "== $side round $r load $(cut -d' ' -f1 /proc/loadavg)"
    (cd "$dir" && node --import tsx bench/floor.ts "$store" "$meta" "$runs")
  done
done
