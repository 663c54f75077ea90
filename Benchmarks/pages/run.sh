#!/usr/bin/env bash
# Page speed and size: `kring serve` with one group of 12 enrolled people, 2 facilitators and 12 weekly sessions,
# on the evening of the first session; a facilitator and a participant sign in from their links, then every page is
# requested REQUESTS times in a row over one keep-alive connection (measure.py). Prints p50/p99 and bytes per page.
#   Benchmarks/pages/run.sh                         # builds kring in release mode into .build-bench first
#   KRING_BIN=.build/release/kring REQUESTS=1000 Benchmarks/pages/run.sh
# Needs: curl (Debian) and python3 (standard library only).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REQUESTS=${REQUESTS:-500}
PYTHON=${KRING_PYTHON:-python3}
KRING=${KRING_BIN:-$ROOT/.build-bench/release/kring}
if [ ! -x "$KRING" ]; then
    (cd "$ROOT" && swift build -c release --product kring --scratch-path .build-bench >&2)
fi

WORK=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export KRING_DB=$WORK/kring.sqlite KRING_KEY_FILE=$WORK/key KRING_NOW=2026-12-01T09:00:00Z KRING_LOG_LEVEL=error
"$KRING" init >/dev/null
"$KRING" group create --name bench --audience partners --language nl --capacity 12 \
    --venue "Gent, ontmoetingsruimte" >/dev/null
"$KRING" series add --group bench --start 2027-01-12T19:00 --duration 120 --rrule 'FREQ=WEEKLY;COUNT=12' >/dev/null
"$KRING" group open bench >/dev/null
for name in "Stille Eik" "Blauwe Reiger" "Rode Vos" "Grijze Uil" "Witte Das" "Groene Specht" "Zwarte Mees" \
    "Bruine Beer" "Gele Vink" "Paarse Heide" "Oranje Boei" "Zilveren Maan"; do
    "$KRING" participant enrol --group bench --pseudonym "$name" --relation partner >/dev/null
done
"$KRING" facilitator add --name "An Claes" --languages nl --lead >/dev/null
"$KRING" facilitator add --name "Sofie Wouters" --languages nl >/dev/null
SESSIONS=$("$KRING" session list --group bench --format json | "$PYTHON" -c 'import json,sys; print(" ".join(str(s["id"]) for s in json.load(sys.stdin)))')
for id in $SESSIONS; do
    "$KRING" assignment set "$id" --facilitator "An Claes" --lead >/dev/null
    "$KRING" assignment set "$id" --facilitator "Sofie Wouters" >/dev/null
done
"$KRING" facilitator blockout "An Claes" --from 2027-07-01 --to 2027-07-14 >/dev/null
FIRST=${SESSIONS%% *}
GROUP=$("$KRING" group list --format json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
# Half an hour into the first session: the roster can be marked, eleven sessions are ahead.
export KRING_NOW=2027-01-12T18:30:00Z

"$KRING" serve --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
for _ in $(seq 1 100); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
BASE="http://$(sed -n 's/^listening on //p' "$WORK/serve.out")"
link() { "$KRING" signin-link create "$@" --base-url "$BASE" --format json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["url"])'; }
FACILITATOR_LINK=$(link --facilitator "An Claes")
PARTICIPANT_LINK=$(link --participant "Stille Eik")
echo "kring: $KRING; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" "$(dirname "$0")/measure.py" "$BASE" "$FACILITATOR_LINK" "$PARTICIPANT_LINK" "$FIRST" "$GROUP" "$REQUESTS"
