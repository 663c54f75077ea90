#!/usr/bin/env bash
# Feed throughput: wrk at 64 connections on loopback against `kring serve` and against Radicale serving the same
# calendar, in one run on one machine. Prints requests/s and p99 for kring (default 5 s reuse of a rendered feed),
# kring-0 (`--feed-cache 0`: every request renders through libical) and Radicale.
#   Benchmarks/feeds/run.sh                 # builds kring in release mode into .build-bench first
#   KRING_BIN=path/to/kring DURATION=20s Benchmarks/feeds/run.sh
# Needs: wrk and curl (Debian), Radicale in the Makefile's venv (.venv, `make venv`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PYTHON=${KRING_PYTHON:-$ROOT/.venv/bin/python}
KRING=${KRING_BIN:-$ROOT/.build-bench/release/kring}
if [ ! -x "$KRING" ]; then
    (cd "$ROOT" && swift build -c release --product kring --scratch-path .build-bench >&2)
fi
for tool in wrk curl; do command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install $tool)" >&2; exit 1; }; done

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${KEEP_LOG:-}" ] && cat "$WORK/radicale.log" >&2
    rm -rf "$WORK"
}
trap cleanup EXIT
KEEP_LOG=${KEEP_LOG:-}

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }

# One group with a year of fortnightly sessions and a participant with a feed token.
export KRING_DB=$WORK/kring.sqlite KRING_KEY_FILE=$WORK/key KRING_NOW=2026-12-01T09:00:00Z KRING_LOG_LEVEL=error
"$KRING" init >/dev/null
"$KRING" group create --name bench --audience partners --language nl --capacity 10 --venue Gent >/dev/null
"$KRING" series add --group bench --start 2027-01-12T19:00 --duration 120 \
    --rrule 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=26' >/dev/null
"$KRING" group open bench >/dev/null
"$KRING" participant enrol --group bench --pseudonym "Stille Eik" --relation partner >/dev/null
TOKEN=$("$KRING" token issue --participant "Stille Eik" | head -1)

"$KRING" serve --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
KRING_URL="http://$(sed -n 's/^listening on //p' "$WORK/serve.out")/feeds/$TOKEN.ics"
wait_for "$KRING_URL"
# The same database served again with no reuse of rendered feeds: every request renders through libical.
"$KRING" serve --port 0 --feed-cache 0 >"$WORK/serve-uncached.out" 2>"$WORK/serve-uncached.err" &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q listening "$WORK/serve-uncached.out" 2>/dev/null && break; sleep 0.1; done
UNCACHED_URL="http://$(sed -n 's/^listening on //p' "$WORK/serve-uncached.out")/feeds/$TOKEN.ics"
wait_for "$UNCACHED_URL"
curl -fsS "$KRING_URL" >"$WORK/feed.ics"

# Radicale serving the very same calendar text as one collection.
RADICALE_PORT=$(free_port)
# Anyone may read and write: the benchmark measures serving, not Radicale's access checks.
printf '[all]\nuser: .*\ncollection: .*\npermissions: RrWw\n' >"$WORK/rights"
cat >"$WORK/radicale.conf" <<CONF
[server]
hosts = 127.0.0.1:$RADICALE_PORT
[auth]
type = none
[rights]
type = from_file
file = $WORK/rights
[storage]
filesystem_folder = $WORK/radicale
[logging]
level = warning
mask_passwords = True
CONF
"$PYTHON" -m radicale --config "$WORK/radicale.conf" >"$WORK/radicale.log" 2>&1 &
PIDS+=($!)
RADICALE_URL="http://127.0.0.1:$RADICALE_PORT/bench/feed.ics/"
wait_for "http://127.0.0.1:$RADICALE_PORT/.web/"
curl -fsS -X MKCOL "http://127.0.0.1:$RADICALE_PORT/bench/" >/dev/null
curl -fsS -X PUT -H 'Content-Type: text/calendar' --data-binary @"$WORK/feed.ics" "$RADICALE_URL" >/dev/null
wait_for "$RADICALE_URL"

measure() {
    local name=$1 url=$2 out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
    local rps p99 errors
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
    printf '%-9s %12s req/s   p99 %10s   %s\n' "$name" "$rps" "$p99" "${errors:-no errors}"
}

echo "feed: $(wc -c <"$WORK/feed.ics") bytes, $(grep -c BEGIN:VEVENT "$WORK/feed.ics") events; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
measure kring "$KRING_URL"
measure kring-0 "$UNCACHED_URL"
measure radicale "$RADICALE_URL"
