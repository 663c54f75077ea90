#!/usr/bin/env bash
# Facilitator assignment benchmark: Kring against the OR-Tools CP-SAT reference model, one command from a fresh clone.
#
#   Benchmarks/assignment/run.sh            # full run, about 10 minutes on 2 cores
#   QUICK=1 Benchmarks/assignment/run.sh    # one seed per size, no CP-SAT on national, about 2 minutes
#   OUT=/tmp/results Benchmarks/assignment/run.sh
#
# Builds the benchmark in release mode, creates .venv with ortools, runs every case, and prints the tables that
# report.py makes from the JSON lines left in $OUT (one folder per instance: instance.json, plans, *.jsonl).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
OUT="${OUT:-$HERE/.build/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
PROVE_SECONDS="${PROVE_SECONDS:-120}"

echo "== building kring-assign-bench (release)" >&2
swift build -c release --product kring-assign-bench >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
BENCH="$HERE/.build/release/kring-assign-bench"

echo "== preparing .venv (ortools)" >&2
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
if ! .venv/bin/python -c "import ortools" 2>/dev/null; then
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
fi
PY="$HERE/.venv/bin/python"

{ echo "date $(date -u +%FT%TZ)"; echo "cores $(nproc)"; echo "start $(uptime)"; } >"$OUT/machine.txt"

# size ratio seed cpsat(yes|no)
if [ "${QUICK:-0}" = "1" ]; then
    CASES=("small 1.0 1 yes" "regional 1.0 1 yes" "national 1.0 1 no")
else
    CASES=("small 1.0 1 yes" "small 1.0 2 yes" "small 1.0 3 yes" "small 1.3 1 yes"
        "regional 1.0 1 yes" "regional 1.0 2 yes" "national 1.0 1 yes" "national 1.0 2 yes")
fi

times() { # factor: CP-SAT limit = factor × Kring's wall time of the base case
    "$PY" -c "import json,sys; l=json.loads(open(sys.argv[1]).readline()); print(f'{l[\"wallSeconds\"]*float(sys.argv[2]):.4f}')" \
        "$1" "$2"
}

check() { # dir name instance: judge a CP-SAT plan with Kring's PlanChecker
    local plan="$1/cpsat-$2.json"
    [ -f "$plan" ] && "$BENCH" check --instance "$3" --plan "$plan" --label "$2" >>"$1/check.jsonl"
    return 0
}

for c in "${CASES[@]}"; do
    read -r size ratio seed cpsat <<<"$c"
    dir="$OUT/$size-r$ratio-s$seed"
    mkdir -p "$dir"
    echo "== $size ratio $ratio seed $seed: Kring" >&2
    "$BENCH" run --size "$size" --ratio "$ratio" --seed "$seed" --out "$dir" >"$dir/kring.jsonl"
    [ "$cpsat" = "yes" ] || continue

    one=$(times "$dir/kring.jsonl" 1)
    ten=$(times "$dir/kring.jsonl" 10)
    runs=(--run "1x:$one" --run "10x:$ten")
    if [ "$size" = "small" ]; then
        runs+=(--run "10x-hint:$ten:hint" --run "prove:$PROVE_SECONDS")
    elif [ "$size" = "regional" ]; then
        # Presolve alone outlasts ten times Kring's time here, so the hinted run searches from the hint without it.
        runs+=(--run "10x-hint:$ten:hint:nopresolve")
    else
        # Without presolve 8 workers need about 14 GB on the national model; 4 keep it near half that.
        runs+=(--run "10x-hint:$ten:hint:nopresolve:workers=4")
    fi
    echo "== $size ratio $ratio seed $seed: CP-SAT ${runs[*]}" >&2
    "$PY" cpsat_model.py --instance "$dir/instance.json" --kring-plan "$dir/kring-plan.json" "${runs[@]}" \
        --plan-dir "$dir" --label "$size-r$ratio-s$seed" >"$dir/cpsat.jsonl"
    for name in 1x 10x 10x-hint prove; do check "$dir" "$name" "$dir/instance.json"; done

    if [ "$size" = "small" ]; then
        echo "== $size ratio $ratio seed $seed: CP-SAT on the disruption" >&2
        mkdir -p "$dir/disrupted"
        "$PY" cpsat_model.py --instance "$dir/disrupted-instance.json" --kring-plan "$dir/disrupted-plan.json" \
            --run "prove:$PROVE_SECONDS" --plan-dir "$dir/disrupted" --label "$size-r$ratio-s$seed-disrupted" \
            >"$dir/disrupted/cpsat.jsonl"
        check "$dir/disrupted" prove "$dir/disrupted-instance.json"
    fi
done

echo "end $(uptime)" >>"$OUT/machine.txt"
"$PY" report.py "$OUT" | tee "$OUT/report.md"
echo "results in $OUT" >&2
