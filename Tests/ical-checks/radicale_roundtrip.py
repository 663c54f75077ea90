"""Stores Kring's exports on a real CalDAV server (Radicale), byte for byte, and reads them back.

Usage: radicale_roundtrip.py BASE_URL [--probe START/END]... FILE...
  BASE_URL: a Radicale the caller started (auth none), e.g. http://127.0.0.1:5232/; waited for up to 30 s.
  --probe:  a UTC time range (20270330T170000Z/20270330T170100Z) asked of each file's collection with a CalDAV
            time-range REPORT (RFC 4791 9.9) after all PUTs: Radicale answers from its own reading of the objects,
            VTIMEZONEs included.

A CalDAV collection holds one calendar object per UID (RFC 4791 4.1), so each export is split textually, keeping
Kring's own physical lines (folding and escaping as Kring wrote them): one object per UID made of the file's
VCALENDAR lines, its calendar properties, every VTIMEZONE block and that UID's VEVENT blocks, in the file's order.
Only METHOD is left out: RFC 4791 4.1 forbids it in a stored calendar object (the iTIP method belongs to the message,
not to the event). A file with no VEVENT (an empty feed) becomes one object of its properties and VTIMEZONEs.
Each object is PUT into a collection of its own file (an invite and a feed share UIDs) and read back with GET.

Prints JSON:
  mkcalendar             status of each MKCALENDAR
  files[FILE][KEY]       per object (KEY: its UID, or "" for an object without VEVENT):
    put, put_error, get  HTTP statuses, and the server's answer to a refused PUT
    method_in_object     METHOD was in what was sent or what came back (must be false)
    verbatim             every physical line of the object is a line of FILE (no re-serialisation on our side)
    events               the VEVENTs Radicale returned, summarised (see `summary`)
    sent                 the same summary of FILE's own VEVENTs for that UID, parsed from FILE itself
    components_returned  every component Radicale returned, all properties with parameters and values
    components_sent      the same for FILE's calendar properties (without METHOD), VTIMEZONEs and that UID's VEVENTs
  covered[FILE]          every physical line of FILE except METHOD went into some object
  originals[FILE]        `summary` of all of FILE's VEVENTs
  probes[FILE][RANGE]    UIDs of the objects the time-range REPORT found, sorted
"""

import base64
import http.client
import json
import sys
import time
import urllib.parse
import uuid
from xml.etree import ElementTree

import icalendar

AUTH = "Basic " + base64.b64encode(b"user:unused").decode()
# Compared per VEVENT, besides the complete property lists in components_*.
TEXT_PROPERTIES = ("SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "CLASS", "TRANSP", "URL")


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


def logical_lines(data):
    """The file's content lines, each as the list of its physical lines (a fold continues with space or tab)."""
    physical = data.split(b"\r\n")
    if physical and physical[-1] == b"":
        physical.pop()
    lines = []
    for line in physical:
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1].append(line)
        else:
            lines.append([line])
    return lines


def name_of(line):
    """The property name of a logical line (the text before the first ';' or ':'), upper-cased."""
    text = b"".join(part[1:] if i else part for i, part in enumerate(line))
    end = min([i for i in (text.find(b";"), text.find(b":")) if i >= 0] or [len(text)])
    return text[:end].upper(), text


def split_by_uid(data):
    """[(uid or "", object bytes)] built from the file's own physical lines, METHOD left out."""
    lines = logical_lines(data)
    if not lines or lines[0] != [b"BEGIN:VCALENDAR"] or lines[-1] != [b"END:VCALENDAR"]:
        raise ValueError("not one VCALENDAR with CRLF lines")
    properties, timezones, events = [], [], []  # events: [(uid, [logical lines])]
    block, depth = None, 0
    for line in lines[1:-1]:
        name, text = name_of(line)
        if depth == 0 and name == b"BEGIN":
            block, depth = [line], 1
            continue
        if depth == 0:
            if name != b"METHOD":
                properties.append(line)
            continue
        block.append(line)
        if name == b"BEGIN":
            depth += 1
        elif name == b"END":
            depth -= 1
            if depth == 0:
                if text == b"END:VTIMEZONE":
                    timezones.append(block)
                elif text == b"END:VEVENT":
                    uids = [t.split(b":", 1)[1] for n, t in (name_of(l) for l in block) if n == b"UID"]
                    events.append((uids[0].decode() if uids else "", block))
                else:
                    raise ValueError("unexpected component %r" % text)
    order = []
    for uid, _ in events:
        if uid not in order:
            order.append(uid)
    if not order:
        order = [""]

    def flatten(logical):
        return b"".join(b"".join(part + b"\r\n" for part in line) for line in logical)

    objects = []
    for uid in order:
        body = flatten([lines[0]] + properties) + b"".join(flatten(t) for t in timezones)
        body += b"".join(flatten(block) for event_uid, block in events if event_uid == uid)
        body += flatten([lines[-1]])
        objects.append((uid, body))
    return objects


def value_of(prop):
    """A property's value in iCalendar form as icalendar writes it (some types give str, most bytes)."""
    value = prop.to_ical() if hasattr(prop, "to_ical") else str(prop)
    return value.decode() if isinstance(value, bytes) else value


def properties_of(component):
    """Every property of one component (not of its children) as [name, {parameters}, value], sorted."""
    out = []
    for name, prop in component.property_items(recursive=False, sorted=False):
        if name in ("BEGIN", "END"):
            continue
        params = {k.upper(): str(v) for k, v in getattr(prop, "params", {}).items()}
        out.append([name, params, value_of(prop)])
    return sorted(out, key=lambda p: json.dumps(p, sort_keys=True))


def components(calendar, uid):
    """The calendar's own properties without METHOD, then each VTIMEZONE and the VEVENTs of `uid`, each with the
    properties of all its nested components."""
    out = [{"name": "VCALENDAR", "properties": [p for p in properties_of(calendar) if p[0] != "METHOD"]}]
    for component in calendar.subcomponents:
        if component.name == "VEVENT" and str(component.get("UID")) != uid:
            continue
        children = [{"name": c.name, "properties": properties_of(c)} for c in component.walk() if c is not component]
        # The order of a VTIMEZONE's observances carries no meaning, and Radicale (vobject) reorders them.
        children.sort(key=lambda c: json.dumps(c, sort_keys=True))
        out.append({"name": component.name, "properties": properties_of(component), "children": children})
    return out


def summary(calendar):
    out = []
    for event in calendar.walk("VEVENT"):
        exdates = event.get("EXDATE")
        exdates = [] if exdates is None else (exdates if isinstance(exdates, list) else [exdates])
        attendees = event.get("ATTENDEE")
        attendees = [] if attendees is None else (attendees if isinstance(attendees, list) else [attendees])
        described = {
            "uid": str(event["UID"]),
            "sequence": int(event.get("SEQUENCE", -1)),
            "dtstart": event["DTSTART"].to_ical().decode(),
            "dtstart_tzid": event["DTSTART"].params.get("TZID"),
            "dtend": event["DTEND"].to_ical().decode() if "DTEND" in event else None,
            "dtend_tzid": event["DTEND"].params.get("TZID") if "DTEND" in event else None,
            "duration": event["DURATION"].to_ical().decode() if "DURATION" in event else None,
            "rrule": event["RRULE"].to_ical().decode() if "RRULE" in event else None,
            "exdates": [d.dt.strftime("%Y%m%dT%H%M%S") for e in exdates for d in e.dts],
            "recurrence_id": event["RECURRENCE-ID"].to_ical().decode() if "RECURRENCE-ID" in event else None,
            "organizer": value_of(event["ORGANIZER"]) if "ORGANIZER" in event else None,
            "attendees": sorted(value_of(a) + ";" + json.dumps(dict(a.params), sort_keys=True) for a in attendees),
        }
        for name in TEXT_PROPERTIES:
            described[name.lower()] = str(event[name]) if name in event else None
        out.append(described)
    return out


QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:prop><D:getetag/></D:prop>
 <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
  <C:time-range start="%s" end="%s"/>
 </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


def time_range(base, collection, probe):
    """UIDs (from the hrefs this script chose) of the objects a time-range REPORT returns."""
    start, end = probe.split("/")
    status, body = request(base, "REPORT", collection, (QUERY % (start, end)).encode(),
                           {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
    if status != 207:
        return ["REPORT status %d" % status]
    tree = ElementTree.fromstring(body)
    hrefs = [h.text for h in tree.iter("{DAV:}href")]
    return sorted(urllib.parse.unquote(h.rsplit("/", 1)[-1])[:-len(".ics")] for h in hrefs if h.endswith(".ics"))


def main(argv):
    probes = []
    args = argv[1:]
    while "--probe" in args:
        at = args.index("--probe")
        probes.append(args[at + 1])
        del args[at:at + 2]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    base = args[0].rstrip("/")
    wait_until_answering(base)
    result = {"mkcalendar": [], "files": {}, "originals": {}, "covered": {}, "probes": {}}
    collections = {}
    for path in args[1:]:
        # One collection per file: an invite and a feed of the same series share UIDs.
        collection = "/user/calendar-%s.ics/" % uuid.uuid4().hex[:8]
        collections[path] = collection
        status, _ = request(base, "MKCALENDAR", collection)
        result["mkcalendar"].append(status)
        with open(path, "rb") as handle:
            data = handle.read()
        original = icalendar.Calendar.from_ical(data)
        file_lines = data.split(b"\r\n")
        used = set()
        stored = {}
        for uid, body in split_by_uid(data):
            object_lines = body.split(b"\r\n")[:-1]
            used.update(object_lines)
            href = collection + urllib.parse.quote(uid or "calendar", safe="") + ".ics"
            put_status, put_body = request(base, "PUT", href, body, {"Content-Type": "text/calendar; charset=utf-8"})
            get_status, get_body = request(base, "GET", href)
            returned = icalendar.Calendar.from_ical(get_body) if get_status == 200 else None
            stored[uid] = {
                "put": put_status,
                "put_error": put_body.decode(errors="replace")[:300] if put_status >= 300 else None,
                "get": get_status,
                "verbatim": all(line in file_lines for line in object_lines),
                "method_in_object": b"\r\nMETHOD:" in body or (returned is not None and "METHOD" in returned),
                "events": summary(returned) if returned is not None else [],
                "sent": [e for e in summary(original) if e["uid"] == uid],
                "components_returned": components(returned, uid) if returned is not None else [],
                "components_sent": components(original, uid),
            }
        result["files"][path] = stored
        result["originals"][path] = summary(original)
        result["covered"][path] = all(line in used for line in file_lines[:-1] if not line.startswith(b"METHOD:"))
    # After every PUT: Radicale caches zones per process, so one file's VTIMEZONE can change how another reads.
    for path, collection in collections.items():
        result["probes"][path] = {probe: time_range(base, collection, probe) for probe in probes}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
