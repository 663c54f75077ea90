#!/usr/bin/env bash
# Mail delivery benchmark: the same COUNT prepared iMIP messages (1,000 by default) sent RUNS times (3 by default)
#  - to a sink that accepts and discards (smtp_sink.py, plain asyncio): the clients' own cost, no MTA behind it;
#    KringMail over one libcurl SMTP connection (the batch in one call, and one call per message as
#    `kring invites send` makes them) and Python's smtplib over one connection, in rotating order;
#  - to a private loopback Postfix delivering into a Maildir: the whole path, where Postfix's per-message work
#    bounds both; the same two clients plus KringMail's sendmail transport (one `sendmail` process per message).
# Per client: messages/s over the sending only, peak RSS and CPU seconds of the whole process (/usr/bin/time -v).
# Needs root, Debian's postfix and libcurl4-openssl-dev.
#
#   Benchmarks/mail/run.sh                      # COUNT=1000 RUNS=3
#   COUNT=200 RUNS=1 Benchmarks/mail/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
COUNT="${COUNT:-1000}"
RUNS="${RUNS:-3}"
OUT="$(mktemp -d /tmp/kring-mail-bench.XXXXXX)"
chmod 755 "$OUT"
PY="${PYTHON:-python3}"

echo "== building kring-mail-bench (release)" >&2
(cd "$HERE" && swift build -c release --product kring-mail-bench >"$OUT/build.log" 2>&1) || { cat "$OUT/build.log" >&2; exit 1; }
BENCH="$HERE/.build/release/kring-mail-bench"

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
SINK_PORT="$(free_port)"
mkdir -p "$OUT/postfix"
sh "$ROOT/Tests/KringMailTests/Scripts/postfix-instance.sh" start "$OUT/postfix" "$PORT" >/dev/null
"$PY" "$HERE/smtp_sink.py" "$SINK_PORT" "$OUT/sink.json" >"$OUT/sink.out" &
SINK=$!
cleanup() {
    kill "$SINK" 2>/dev/null || true
    sh "$ROOT/Tests/KringMailTests/Scripts/postfix-instance.sh" stop "$OUT/postfix"
    rm -rf "$OUT"
}
trap cleanup EXIT
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 100); do grep -q ready "$OUT/sink.out" 2>/dev/null && break; sleep 0.1; done

"$BENCH" prepare "$COUNT" "$OUT/prepared" >/dev/null
echo "date $(date -u +%FT%TZ); cores $(nproc); $(uptime)" >&2

delivered() { find "$OUT/postfix/mail/maildir/new" -type f 2>/dev/null | wc -l; }
wait_delivered() { # the Maildir must hold $1 messages: the run counts only what Postfix accepted and delivered
    for _ in $(seq 1200); do [ "$(delivered)" -ge "$1" ] && return 0; sleep 0.1; done
    echo "only $(delivered) of $1 delivered" >&2; exit 1
}
connections() { grep -c "smtpd.*: connect from" "$OUT/postfix/postfix.log" || true; }
measure() { # label, command…: the program's own JSON line, peak RSS and CPU seconds from /usr/bin/time -v
    local label=$1; shift
    /usr/bin/time -v -o "$OUT/$label.time" "$@" >"$OUT/$label.json"
    local rss cpu
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$label.time")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u + s}' "$OUT/$label.time")
    echo "$label $(cat "$OUT/$label.json") peakRSSKiB=$rss cpuSeconds=$cpu"
}
kring_to_sink() { measure "sink-kring-smtp-$1" "$BENCH" send "smtp+plain://127.0.0.1:$SINK_PORT" "$OUT/prepared"; }
kring_each_to_sink() {
    measure "sink-kring-smtp-each-$1" "$BENCH" send-each "smtp+plain://127.0.0.1:$SINK_PORT" "$OUT/prepared"
}
smtplib_to_sink() { measure "sink-python-smtplib-$1" "$PY" "$HERE/smtplib_send.py" 127.0.0.1 "$SINK_PORT" "$OUT/prepared"; }

expected=0
for run in $(seq "$RUNS"); do
    echo "== run $run: sink (accepts and discards)" >&2
    case $((run % 3)) in
        1) kring_to_sink "$run"; kring_each_to_sink "$run"; smtplib_to_sink "$run" ;;
        2) smtplib_to_sink "$run"; kring_to_sink "$run"; kring_each_to_sink "$run" ;;
        0) kring_each_to_sink "$run"; smtplib_to_sink "$run"; kring_to_sink "$run" ;;
    esac

    echo "== run $run: Postfix (delivers into a Maildir)" >&2
    before=$(connections)
    measure "postfix-kring-smtp-$run" "$BENCH" send "smtp+plain://127.0.0.1:$PORT" "$OUT/prepared"
    expected=$((expected + COUNT)); wait_delivered "$expected"
    measure "postfix-python-smtplib-$run" "$PY" "$HERE/smtplib_send.py" 127.0.0.1 "$PORT" "$OUT/prepared"
    expected=$((expected + COUNT)); wait_delivered "$expected"
    MAIL_CONFIG="$OUT/postfix/conf" measure "postfix-kring-sendmail-$run" "$BENCH" send sendmail "$OUT/prepared"
    expected=$((expected + COUNT)); wait_delivered "$expected"
    echo "postfix SMTP connections in run $run: $(($(connections) - before)) (one per SMTP client)" >&2
done

kill "$SINK"; wait "$SINK" || true
echo "sink: $(cat "$OUT/sink.json") (expected $((RUNS * 3 * COUNT)) messages over $((RUNS * 3)) connections)" >&2
echo "delivered into the Maildir: $(delivered) of $expected" >&2
