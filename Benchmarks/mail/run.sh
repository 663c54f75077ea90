#!/usr/bin/env bash
# Mail delivery benchmark: 1,000 prepared iMIP messages into a private loopback Postfix (Maildir delivery), sent by
# KringMail over one libcurl SMTP connection, by Python's smtplib over one connection, and by KringMail's sendmail
# transport (one `sendmail` process per message), in one run. Needs root, Debian's postfix and libcurl4-openssl-dev.
#
#   Benchmarks/mail/run.sh              # COUNT=1000 by default
#   COUNT=200 Benchmarks/mail/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
COUNT="${COUNT:-1000}"
OUT="$(mktemp -d /tmp/kring-mail-bench.XXXXXX)"
chmod 755 "$OUT"
PY="${PYTHON:-python3}"

echo "== building kring-mail-bench (release)" >&2
(cd "$HERE" && swift build -c release --product kring-mail-bench >"$OUT/build.log" 2>&1) || { cat "$OUT/build.log" >&2; exit 1; }
BENCH="$HERE/.build/release/kring-mail-bench"

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$OUT/postfix"
sh "$ROOT/Tests/KringMailTests/Scripts/postfix-instance.sh" start "$OUT/postfix" "$PORT" >/dev/null
trap 'sh "$ROOT/Tests/KringMailTests/Scripts/postfix-instance.sh" stop "$OUT/postfix"; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

"$BENCH" prepare "$COUNT" "$OUT/prepared" >/dev/null
echo "date $(date -u +%FT%TZ); cores $(nproc); $(uptime)" >&2

delivered() { find "$OUT/postfix/mail/maildir/new" -type f 2>/dev/null | wc -l; }
wait_delivered() { # the Maildir must hold $1 messages: the run counts only what Postfix accepted and delivered
    for _ in $(seq 1200); do [ "$(delivered)" -ge "$1" ] && return 0; sleep 0.1; done
    echo "only $(delivered) of $1 delivered" >&2; exit 1
}
connections() { grep -c "smtpd.*: connect from" "$OUT/postfix/postfix.log" || true; }
measure() { # label, command…: the program's own JSON line, peak RSS from /usr/bin/time -v, SMTP connections used
    local label=$1; shift
    local before; before=$(connections)
    /usr/bin/time -v -o "$OUT/$label.time" "$@" >"$OUT/$label.json"
    local rss; rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$label.time")
    echo "$(cat "$OUT/$label.json") peakRSSKiB=$rss smtpConnections=$(($(connections) - before))"
}

measure kring-smtp "$BENCH" send "smtp+plain://127.0.0.1:$PORT" "$OUT/prepared"
wait_delivered "$COUNT"
measure python-smtplib "$PY" "$HERE/smtplib_send.py" 127.0.0.1 "$PORT" "$OUT/prepared"
wait_delivered $((COUNT * 2))
MAIL_CONFIG="$OUT/postfix/conf" measure kring-sendmail "$BENCH" send sendmail "$OUT/prepared"
wait_delivered $((COUNT * 3))
echo "delivered into the Maildir: $(delivered) of $((COUNT * 3))" >&2
