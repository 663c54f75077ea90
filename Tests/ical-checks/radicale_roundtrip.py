"""Stores Kring's exports on a real CalDAV server (Radicale) and reads them back.

Usage: radicale_roundtrip.py BASE_URL FILE...
  BASE_URL: a Radicale the caller started (auth none), e.g. http://127.0.0.1:5232/; waited for up to 30 s.

A CalDAV collection holds one calendar object per UID and no iTIP METHOD (RFC 4791 4.1), so each export is split:
every UID becomes one object with the VTIMEZONEs it uses, METHOD removed, PUT to /user/calendar.ics/<uid>.ics.
Prints JSON: per file, per UID, the PUT and GET status and what the stored object says (UID, SEQUENCE, DTSTART,
RRULE, EXDATEs, RECURRENCE-IDs); under "originals", the same summary of each file as given, to compare with.
"""

import base64
import http.client
import json
import sys
import time
import urllib.parse
import uuid

import icalendar

AUTH = "Basic " + base64.b64encode(b"user:unused").decode()


def request(base, method, path, body=None, headers=None):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        all_headers = {"Authorization": AUTH}
        all_headers.update(headers or {})
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_answering(base, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            request(base, "OPTIONS", "/")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def objects_by_uid(data):
    calendar = icalendar.Calendar.from_ical(data)
    timezones = list(calendar.walk("VTIMEZONE"))
    grouped = {}
    for event in calendar.walk("VEVENT"):
        grouped.setdefault(str(event["UID"]), []).append(event)
    for uid, events in grouped.items():
        obj = icalendar.Calendar()
        for key, value in calendar.property_items(recursive=False):
            if key not in ("BEGIN", "END", "METHOD"):
                obj.add(key, value) if key not in obj else None
        for tz in timezones:
            obj.add_component(tz)
        for event in events:
            obj.add_component(event)
        yield uid, obj.to_ical()


def summary(data):
    calendar = icalendar.Calendar.from_ical(data)
    out = []
    for event in calendar.walk("VEVENT"):
        exdates = event.get("EXDATE")
        exdates = [] if exdates is None else (exdates if isinstance(exdates, list) else [exdates])
        out.append({
            "uid": str(event["UID"]),
            "sequence": int(event.get("SEQUENCE", -1)),
            "dtstart": event["DTSTART"].to_ical().decode(),
            "dtstart_tzid": event["DTSTART"].params.get("TZID"),
            "rrule": event["RRULE"].to_ical().decode() if "RRULE" in event else None,
            "exdates": [d.dt.strftime("%Y%m%dT%H%M%S") for e in exdates for d in e.dts],
            "recurrence_id": event["RECURRENCE-ID"].to_ical().decode() if "RECURRENCE-ID" in event else None,
            "method_in_object": "METHOD" in calendar,
        })
    return out


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    base = argv[1].rstrip("/")
    wait_until_answering(base)
    result = {"mkcalendar": [], "files": {}, "originals": {}}
    for path in argv[2:]:
        # One collection per file: an invite and a feed of the same series share UIDs.
        collection = "/user/calendar-%s.ics/" % uuid.uuid4().hex[:8]
        status, _ = request(base, "MKCALENDAR", collection)
        result["mkcalendar"].append(status)
        with open(path, "rb") as handle:
            data = handle.read()
        stored = {}
        for uid, body in objects_by_uid(data):
            href = collection + urllib.parse.quote(uid, safe="") + ".ics"
            put_status, put_body = request(base, "PUT", href, body, {"Content-Type": "text/calendar; charset=utf-8"})
            get_status, get_body = request(base, "GET", href)
            stored[uid] = {
                "put": put_status,
                "put_error": put_body.decode(errors="replace")[:300] if put_status >= 300 else None,
                "get": get_status,
                "events": summary(get_body) if get_status == 200 else [],
            }
        result["files"][path] = stored
        result["originals"][path] = summary(data)
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
