#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from /api/v1/openapi.json (valid and invalid
# ones) against a server on a fresh SQLite database with a demo cycle, and fails on any 5xx,
# any status the document does not list, or any response that breaks its documented schema.
# Generated submissions carry real invitation codes and the cycle's real unit and question codes
# (.ci/fuzz_hooks.py), so that their values reach the answer checks and storage, not only the
# look-ups; afterwards the responses they got stored are scored. Bounded in time (FUZZ_SECONDS,
# default 90); FUZZ_KEEP=FILE keeps the server's request log. Installs schemathesis in its own venv.
#   bash .ci/fuzz-api.sh            (after a `cargo build`; uses $CARGO_TARGET_DIR/debug/ddci)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/ddci-target}"
SECONDS_BUDGET="${FUZZ_SECONDS:-90}"
SCHEMATHESIS_VERSION=4.32.5
venv="${DDCI_VENV:-/var/cache/ddci-venv}"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  dpkg -s python3-venv >/dev/null 2>&1 || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  }
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build -q
bin="$CARGO_TARGET_DIR/debug/ddci"
work="$(mktemp -d)"
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [[ -n "${FUZZ_KEEP:-}" ]] && cp "$work/server.log" "$FUZZ_KEEP"; rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="$work/fuzz.sqlite3" RUST_LOG=warn
# The request log (method, path, status) of the server, to catch any 5xx afterwards.
server_log="warn,actix_web::middleware::logger=info"
# Rate limiting would answer 429 (documented) to most requests; fuzzing wants the real paths.
export DDCI_CODE_ATTEMPTS_PER_MINUTE=1000000
"$bin" demo --cycle 2025 --responses 100 --seed 1 >/dev/null 2>&1
"$bin" invite --cycle 2025 --count 5000 --out "$work/codes.csv" 2>/dev/null
# Generated bodies carry these real codes (.ci/fuzz_hooks.py), so they get past the look-up.
export DDCI_FUZZ_CODES="$work/codes.csv" SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH="$PWD/.ci"
RUST_LOG="$server_log" "$bin" serve --no-demo --bind "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
base="http://127.0.0.1:$port"
export DDCI_FUZZ_QUESTIONNAIRE="$base/api/v1/cycles/2025/questionnaire"
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

# Two runs: with the year of the demo cycle, so that requests reach the questionnaire and the
# body checks; then with any year, for the path itself.
cat >"$work/open-cycle.toml" <<TOML
[parameters]
year = 2025
TOML
fuzz() {
  local seconds="$1"; shift
  timeout $((seconds + 60)) "$venv/bin/schemathesis" "$@" run "$base/api/v1/openapi.json" \
    --url "$base" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-time "$seconds" --max-examples 300 --seed 20251128 \
    --workers 2 --request-timeout 10 --no-color --generation-database none
}
status=0
fuzz $((SECONDS_BUDGET * 2 / 3)) --config-file "$work/open-cycle.toml" || status=$?
fuzz $((SECONDS_BUDGET / 3)) || status=$?
# What the API accepted must be scorable: the fuzzed submissions it stored go into a scoring run.
kill "$server" && wait "$server" 2>/dev/null || true
server=""
# Closing moves the submissions still pending (sealed) into the live tables: each must open.
if ! "$bin" cycle close 2025 >"$work/close.log" 2>&1; then
  echo "closing the fuzzed cycle failed:"; cat "$work/close.log"; status=1
fi
if "$bin" score --cycle 2025 --bootstrap 50 >"$work/score.log" 2>&1; then
  echo "the responses the fuzzer got stored were scored:"; head -n 4 "$work/score.log"
else
  echo "scoring the responses the fuzzer got stored failed:"; cat "$work/score.log"; status=1
fi
if grep -q " 50[0-9] " "$work/server.log"; then
  echo "the server logged 5xx answers:"; grep " 50[0-9] " "$work/server.log" | head
  status=1
fi
exit "$status"
