"""Independent checks of Kring's calendar exports with PyPI `icalendar` and `recurring-ical-events`.

Usage:
  check_export.py parse FILE...             -> JSON: per file, the calendar as icalendar 7.x reads it
  check_export.py expand FILE START END     -> JSON: occurrences between two ISO 8601 UTC instants

The Swift tests (Tests/KringCalendarTests) run this with $KRING_PYTHON and assert on the JSON it prints.
"""

import datetime as dt
import json
import sys

import icalendar
import recurring_ical_events


def iso(value):
    """A DATE, floating or zoned DATE-TIME as text, plus its TZID as icalendar sees it."""
    if isinstance(value, dt.datetime):
        tz = value.tzinfo
        name = None
        if tz is not None:
            name = getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)
        return {"local": value.strftime("%Y%m%dT%H%M%S"), "tzid": name,
                "utc": value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") if tz else None}
    return {"local": value.strftime("%Y%m%d"), "tzid": None, "utc": None}


def times(prop):
    """EXDATE/RDATE may be one property or a list, each holding several values."""
    if prop is None:
        return []
    props = prop if isinstance(prop, list) else [prop]
    return [iso(v.dt) for p in props for v in p.dts]


def describe(path):
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    events = []
    for event in calendar.walk("VEVENT"):
        attendees = event.get("ATTENDEE")
        attendees = [] if attendees is None else (attendees if isinstance(attendees, list) else [attendees])
        rrule = event.get("RRULE")
        events.append({
            "uid": str(event.get("UID")),
            "sequence": int(event.get("SEQUENCE", -1)),
            "summary": str(event.get("SUMMARY", "")),
            "description": str(event.get("DESCRIPTION", "")),
            "location": str(event.get("LOCATION", "")),
            "status": str(event.get("STATUS", "")),
            "dtstart": iso(event.decoded("DTSTART")),
            "dtend": iso(event.decoded("DTEND")) if "DTEND" in event else None,
            "recurrence_id": iso(event.decoded("RECURRENCE-ID")) if "RECURRENCE-ID" in event else None,
            "rrule": rrule.to_ical().decode() if rrule is not None else None,
            "exdates": times(event.get("EXDATE")),
            "rdates": times(event.get("RDATE")),
            "attendees": [str(a) for a in attendees],
            "organizer": str(event.get("ORGANIZER")) if "ORGANIZER" in event else None,
        })
    return {
        "method": str(calendar.get("METHOD", "")),
        "prodid": str(calendar.get("PRODID", "")),
        "name": str(calendar.get("NAME", "")),
        "x_wr_calname": str(calendar.get("X-WR-CALNAME", "")),
        "timezones": [str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")],
        "events": events,
        # Errors icalendar collected while parsing leniently (its own 'errors' lists per component).
        "errors": [str(e) for c in calendar.walk() for e in getattr(c, "errors", [])],
    }


def expand(path, start, end):
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    begin = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    finish = dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
    occurrences = []
    for event in recurring_ical_events.of(calendar).between(begin, finish):
        start_value, end_value = event.decoded("DTSTART"), event.decoded("DTEND")
        occurrences.append({
            "uid": str(event.get("UID")),
            "start": start_value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end_value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sequence": int(event.get("SEQUENCE", -1)),
        })
    occurrences.sort(key=lambda o: (o["start"], o["uid"]))
    return {"occurrences": occurrences}


def main(argv):
    if len(argv) >= 3 and argv[1] == "parse":
        result = {path: describe(path) for path in argv[2:]}
    elif len(argv) == 5 and argv[1] == "expand":
        result = expand(argv[2], argv[3], argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
