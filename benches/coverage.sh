#!/usr/bin/env bash
# The coverage study of METHODOLOGY §6 "Calibration" (issue 15): how often the published 90%
# intervals of totals and ranks contain the truth, by fifth of the true ranking, before
# (`percentile`) and after (`calibrated`) the calibration, at the sizes of real cycles.
# Deterministic (fixed seed). Usage: bash benches/coverage.sh [SIMULATIONS] (default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
sims=${1:-100}
cargo build --release --quiet --bin ddci
ddci=${CARGO_TARGET_DIR:-target}/release/ddci
run() {
    local label=$1; shift
    for method in percentile calibrated; do
        echo "## $label — $method"
        "$ddci" study --simulations "$sims" --bootstrap 200 --intervals "$method" "$@" |
            sed -n '/coverage by fifth/,/^smallest/p' | grep -v '^smallest'
    done
}
run "25 departments, 3,000 evaluations (direct, minimum 30)" --units 25 --evaluations 3000 --estimator direct --minimums 30
run "25 departments, 8,000 evaluations (direct, minimum 30)" --units 25 --evaluations 8000 --estimator direct --minimums 30
run "11 districts, 1,500 evaluations (direct, minimum 30)" --units 11 --evaluations 1500 --estimator direct --minimums 30
run "11 districts, 4,000 evaluations (direct, minimum 30)" --units 11 --evaluations 4000 --estimator direct --minimums 30
run "65 communes, 3,000 evaluations (shrunk, minimum 10)" --units 65 --evaluations 3000 --estimator shrunk --minimums 10
