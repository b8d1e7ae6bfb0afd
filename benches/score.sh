#!/usr/bin/env bash
# Benchmark of `ddci score` end to end (SQLite, release build): a demo cycle of N responses,
# then point estimates (B=0) and the bootstrap, each timed with peak memory.
#   bash benches/score.sh            # 5,000 responses: B=0 and B=1000
#   N=50000 B=200 bash benches/score.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-5000}"; B="${B:-1000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/ddci-target}"
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/ddci"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export DATABASE_URL="$work/bench.sqlite3" RUST_LOG=warn
"$bin" demo --cycle 2025 --responses "$N" --seed 1 >/dev/null
for b in 0 "$B"; do
  for _ in 1 2 3; do
    /usr/bin/time -f "B=$b wall %e s, peak %M KB" "$bin" score --cycle 2025 --bootstrap "$b" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
    grep -E "^(run|B=)" "$work/err"
  done
done
