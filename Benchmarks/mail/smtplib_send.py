"""Sends the prepared messages of DIR (see kring-mail-bench prepare) over one smtplib connection, as the
reference client. usage: smtplib_send.py HOST PORT DIR; prints one JSON line like kring-mail-bench send."""

import json
import os
import smtplib
import sys
import time

host, port, directory = sys.argv[1], int(sys.argv[2]), sys.argv[3]
mails = []
with open(os.path.join(directory, "envelopes")) as f:
    for line in f:
        name, sender, recipient, _ = line.rstrip("\n").split("\t")
        with open(os.path.join(directory, name), "rb") as m:
            mails.append((sender, recipient, m.read()))

start = time.perf_counter()
sent = 0
with smtplib.SMTP(host, port) as client:
    for sender, recipient, data in mails:
        client.sendmail(sender, [recipient], data)
        sent += 1
seconds = time.perf_counter() - start
print(json.dumps({"client": "python smtplib", "messages": len(mails), "sent": sent,
                  "seconds": round(seconds, 3), "perSecond": round(sent / seconds, 1)}))
