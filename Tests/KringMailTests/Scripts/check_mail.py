"""Reads one message as a strict RFC 5322/MIME parser and an iCalendar parser would, and prints what the tests
assert as JSON. usage: check_mail.py FILE.eml"""

import email
import email.policy
import json
import sys

import icalendar

raw = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(raw, policy=email.policy.strict)

lines = raw.split(b"\r\n")
text_parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
calendar_parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
calendar_part = calendar_parts[0]
calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
events = [c for c in calendar.walk("VEVENT")]
attendees = []
for event in events:
    value = event.get("ATTENDEE")
    values = value if isinstance(value, list) else ([value] if value is not None else [])
    attendees += [{"address": str(a), "cn": a.params.get("CN")} for a in values]

print(json.dumps({
    "from": str(message["From"]),
    "to": [str(a) for a in message.get_all("To", [])],
    "cc": message.get_all("Cc", []),
    "bcc": message.get_all("Bcc", []),
    "subject": str(message["Subject"]),
    "messageID": str(message["Message-ID"]),
    "date": str(message["Date"]),
    "autoSubmitted": str(message["Auto-Submitted"]),
    "mimeVersion": str(message["MIME-Version"]),
    "contentType": message.get_content_type(),
    "text": text_parts[0].get_content(),
    "calendarParts": len(calendar_parts),
    "mimeMethod": calendar_part.get_param("method"),
    "mimeCharset": calendar_part.get_param("charset"),
    "icalMethod": str(calendar.get("METHOD")),
    "attendees": attendees,
    "summary": str(events[0].get("SUMMARY")),
    "location": str(events[0].get("LOCATION")),
    "defects": [str(d) for p in message.walk() for d in p.defects],
    "bareLineFeeds": raw.replace(b"\r\n", b"").count(b"\n"),
    "longestLine": max(len(line) for line in lines),
    "nonASCIIBytes": sum(1 for b in raw if b > 127),
}, ensure_ascii=False))
