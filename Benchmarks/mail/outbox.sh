#!/usr/bin/env bash
# The whole `kring invites send` path, beside the transport-only figures of run.sh: 40 participants in 25 series
# queue 1,000 REQUESTs; one `kring invites send` claims them, renders each calendar from the database, composes,
# sends it to the accept-and-discard sink (smtp_sink.py) and records each result in its own write before the next.
#
#   KRING=.build/debug/kring Benchmarks/mail/outbox.sh      # the kring binary to measure (default: debug build)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
KRING="${KRING:-$ROOT/.build/debug/kring}"
PY="${PYTHON:-python3}"
OUT="$(mktemp -d /tmp/kring-outbox-bench.XXXXXX)"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$PY" "$HERE/smtp_sink.py" "$PORT" "$OUT/sink.json" >"$OUT/sink.out" &
SINK=$!
trap 'kill "$SINK" 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do grep -q ready "$OUT/sink.out" 2>/dev/null && break; sleep 0.1; done

export KRING_DB="$OUT/kring.sqlite" KRING_KEY_FILE="$OUT/kring.key" KRING_NOW=2026-12-01T09:00:00Z
k() { "$KRING" "$@" >/dev/null; }
k init
k group create --name bench --audience partners --language nl --capacity 40 --minimum 2 --venue Gent --title Groep
add_series() { k series add --group bench --start "$(date -u -d "2027-01-04 + $(($1 - 1)) days" +%F)T19:00" \
    --duration 60 --rrule "FREQ=WEEKLY;COUNT=4"; }
add_series 1
k group open bench
for index in $(seq 40); do
    k participant enrol --group bench --pseudonym "Deelnemer $index" --relation partner --contact "p$index@example.org"
done
for series in $(seq 2 25); do add_series "$series"; done
k config set organizer groepen@example.org
k config set mail.transport "smtp+plain://127.0.0.1:$PORT"
queued=$("$KRING" invites list --format json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "date $(date -u +%FT%TZ); $(uptime); $queued invites queued; binary $KRING" >&2

start=$(date +%s.%N)
# PROFILE="perf record -g -o /tmp/send.perf" profiles the send instead of only timing it.
/usr/bin/time -v -o "$OUT/time" ${PROFILE:-} "$KRING" invites send --format json >"$OUT/send.json"
end=$(date +%s.%N)
sent=$("$PY" -c 'import json,sys; print(sum(m["outcome"] == "sent" for m in json.load(open(sys.argv[1]))["messages"]))' "$OUT/send.json")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time")
cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u + s}' "$OUT/time")
awk -v s="$start" -v e="$end" -v n="$sent" -v r="$rss" -v c="$cpu" \
    'BEGIN {printf "kring invites send: %d sent in %.2f s = %.0f messages/s; peak RSS %d KiB; CPU %.2f s\n", n, e - s, n / (e - s), r, c}'
kill "$SINK"; wait "$SINK" || true
echo "sink: $(cat "$OUT/sink.json")" >&2
