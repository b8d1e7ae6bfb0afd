#!/usr/bin/env bash
# Load benchmark of the submission path and of the public ranking page (release build): a
# fresh database with a demo cycle, a published earlier cycle, invitation codes from
# `ddci invite`, then `ddci loadtest` at 64 clients against a server started here; the
# server's peak memory (VmHWM) is read from /proc when it stops.
#   bash benches/load.sh                                  # SQLite (synchronous=FULL)
#   PG_URL=postgres://postgres@127.0.0.1:5432 bash benches/load.sh   # PostgreSQL (a new database)
#   C=64 D=20 bash benches/load.sh                        # clients, seconds per measurement
set -euo pipefail
cd "$(dirname "$0")/.."
C="${C:-64}"; D="${D:-20}"; CODES="${CODES:-40000}"; PORT="${PORT:-18080}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/ddci-target}"
features=(); [[ -n "${PG_URL:-}" ]] && features=(--features postgres)
cargo build --release -q "${features[@]}"
bin="$CARGO_TARGET_DIR/release/ddci"
work="$(mktemp -d)"
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
  [[ -n "${db:-}" ]] && psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT
if [[ -n "${PG_URL:-}" ]]; then
  db="ddci_bench_$$"
  psql -q "$PG_URL/postgres" -c "CREATE DATABASE $db"
  export DATABASE_URL="$PG_URL/$db"
else
  export DATABASE_URL="$work/bench.sqlite3"
fi
export RUST_LOG=warn DDCI_CODE_ATTEMPTS_PER_MINUTE=100000000 DDCI_DEMO=false
year=$(date -u +%Y); last=$((year - 1))
# An earlier cycle, scored and published, for the ranking page; this year's open for answers.
"$bin" demo --cycle "$last" --responses 1200 --seed 1 >/dev/null 2>&1
"$bin" score --cycle "$last" --bootstrap 200 >/dev/null 2>&1
"$bin" publish --cycle "$last" >/dev/null 2>&1
"$bin" demo --cycle "$year" --responses 1200 --seed 2 >/dev/null 2>&1
"$bin" invite --cycle "$year" --count "$CODES" --out "$work/codes.csv" 2>/dev/null
"$bin" serve --no-demo --bind "127.0.0.1:$PORT" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
backend=sqlite; [[ -n "${PG_URL:-}" ]] && backend=postgres
echo "== backend: $backend, group commit: ${DDCI_GROUP_COMMIT:-default}, $(nproc) cores"
echo "== submissions: $C clients, $D s"
/usr/bin/time -f "load generator: %P CPU" "$bin" loadtest --url "http://127.0.0.1:$PORT" --codes "$work/codes.csv" --cycle "$year" \
  --concurrency "$C" --duration "$D" 2>&1 | tee "$work/load.txt"
acked=$(grep -oE '[0-9]+ succeeded' "$work/load.txt" | head -n1 | cut -d' ' -f1)
# Submissions reach the live tables through the mixing step (batches of at least 10, issue 12):
# wait until it has caught up (every code's response live, to within the last partial batch)
# before measuring the page, and report how long that took.
want=$((1200 + acked - 9)); waited=0
while (( $("$bin" cycle list 2>/dev/null | awk -F, -v y="$year" '$1 == y {print $3}') < want )); do
  (( waited >= 300 )) && break
  sleep 1; waited=$((waited + 1))
done
echo "== mixing: live responses of $year $waited s after the load: $("$bin" cycle list 2>/dev/null | grep "^$year," | cut -d, -f3) (1,200 demo + $acked acknowledged)"
echo "== ranking page /results/$last: $C clients, $D s"
/usr/bin/time -f "load generator: %P CPU" "$bin" loadtest --url "http://127.0.0.1:$PORT" --get "/results/$last" --concurrency "$C" --duration "$D"
echo "== server peak memory: $(grep VmHWM "/proc/$server/status" | awk '{printf "%.0f MB", $2/1024}')"
kill "$server"; wait "$server" 2>/dev/null || true; server=""
