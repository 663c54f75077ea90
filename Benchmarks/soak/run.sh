#!/usr/bin/env bash
# Soak: `kring serve` under mixed load (reads, feeds, enrolments) for a fixed number of requests while `kring assign`
# re-plans a national-size database from the CLI again and again (each run holds the write lock for its short write).
# Prints max/p99 latency of reads and feeds, every status, and checks that no acknowledged enrolment is lost or doubled.
#   Benchmarks/soak/run.sh                          # release build in .build/release (built if missing)
#   KRING_BIN=.build/debug/kring SOAK_GROUPS=60 REQUESTS=3000 THREADS=8 Benchmarks/soak/run.sh
# (SOAK_GROUPS, not GROUPS: bash ignores assignments to GROUPS, its list of the user's group ids.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/Benchmarks/soak"
GROUPS_COUNT=${SOAK_GROUPS:-60}
REQUESTS=${REQUESTS:-3000}
THREADS=${THREADS:-8}
PYTHON=${KRING_PYTHON:-python3}
[ "$GROUPS_COUNT" -gt 0 ] || { echo "SOAK_GROUPS must be at least 1, not '$GROUPS_COUNT'" >&2; exit 2; }
KRING=${KRING_BIN:-$ROOT/.build/release/kring}
if [ ! -x "$KRING" ]; then
    (cd "$ROOT" && swift build -c release --product kring >&2)
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export KRING_DB=$WORK/kring.sqlite KRING_KEY_FILE=$WORK/key KRING_NOW=2026-12-01T09:00:00Z KRING_LOG_LEVEL=error
"$KRING" init >/dev/null
"$PYTHON" "$HERE/scenario.py" "$GROUPS_COUNT" 1 >"$WORK/scenario.yaml"
start=$(date +%s.%N)
"$KRING" import "$WORK/scenario.yaml" >/dev/null
echo "imported $GROUPS_COUNT groups in $(echo "$(date +%s.%N) - $start" | bc) s"
sessions=$("$KRING" session list --format json | "$PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "sessions: $sessions"
start=$(date +%s.%N)
"$KRING" assign --yes >/dev/null
echo "first assign: $(echo "$(date +%s.%N) - $start" | bc) s"
COORDINATOR=$("$KRING" token issue --coordinator | head -1)
for id in $(seq 1 20); do "$KRING" token issue --participant "$id" --feed-only | head -1; done >"$WORK/feeds"
before=$("$KRING" participant list --format json | "$PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)))')

"$KRING" serve --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
ADDRESS=$(sed -n 's/^listening on //p' "$WORK/serve.out")

# `kring assign` from the CLI in a loop for as long as the load runs.
(
    runs=0
    while [ ! -e "$WORK/done" ]; do
        s=$(date +%s.%N)
        "$KRING" assign --yes >/dev/null 2>>"$WORK/assign.err" || echo "assign failed" >>"$WORK/assign.err"
        echo "$(echo "$(date +%s.%N) - $s" | bc)" >>"$WORK/assign.times"
    done
) &
PIDS+=($!)
"$PYTHON" "$HERE/load.py" "${ADDRESS%:*}" "${ADDRESS##*:}" "$COORDINATOR" "$WORK/feeds" "$GROUPS_COUNT" "$REQUESTS" \
    "$THREADS" "$WORK/acks"
touch "$WORK/done"
wait "${PIDS[1]}" 2>/dev/null || true
echo "kring assign runs during the load: $(wc -l <"$WORK/assign.times"), seconds each: $(tr '\n' ' ' <"$WORK/assign.times")"
[ -s "$WORK/assign.err" ] && { echo "assign errors:"; sort "$WORK/assign.err" | uniq -c; }

"$KRING" participant list --format json >"$WORK/after.json"
"$PYTHON" - "$WORK/after.json" "$WORK/acks" "$before" <<'PY'
import json, sys
after = {p["id"] for p in json.load(open(sys.argv[1]))}
acks = [int(l) for l in open(sys.argv[2]) if l.strip()]
before = int(sys.argv[3])
lost = [a for a in acks if a not in after]
created = len(after) - before
print(f"enrolments acknowledged: {len(acks)}, participants created: {created}, lost: {len(lost)}, "
      f"doubled or unacknowledged: {created - (len(acks) - len(lost))}")
PY
