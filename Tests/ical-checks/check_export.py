"""Independent checks of Kring's calendar exports with PyPI `icalendar` and `recurring-ical-events`.

Usage:
  check_export.py parse FILE...              -> JSON: per file, the calendar as icalendar 7.x reads it
  check_export.py expand FILE START END      -> JSON: FILE's occurrences between two ISO 8601 UTC instants
  check_export.py expand-each START END FILE... -> JSON: the same per file, for many files in one interpreter
  check_export.py busy START END ZONE FILE...   -> JSON: per file, the busy intervals Kring's importer should store
  check_export.py busy auto YEARS ZONE FILE...  -> the same, each file over YEARS years from 1 January of the year of
                                                   its earliest DTSTART (its window is in the output)

`parse` prints its JSON in every case and exits 1 when any file has a parse error or warning (icalendar parses
leniently and only lists errors on each component; the exit status makes them impossible to overlook). `expand`
exits 1 when a file cannot be expanded.
`busy` applies the importer's rules (docs/calendars.md) to recurring-ical-events' expansion: occurrences with
STATUS:CANCELLED or TRANSP:TRANSPARENT are free, VFREEBUSY periods other than FBTYPE=FREE are busy, floating times and
dates are in X-WR-TIMEZONE or else ZONE; then intervals are clipped to START..END, sorted and merged where they touch
or overlap. Per file: {"window": [start, end], "intervals": [[start, end], ...]} in UTC, or {"window": ...,
"error": "..."} when the file cannot be expanded (including a 10 s time limit per file). Events without DTSTART are
left out first, as the importer does (recurring-ical-events cannot expand them).
The Swift tests run this with $KRING_PYTHON and assert on the JSON it prints.
"""

import datetime as dt
import json
import re
import signal
import sys
import warnings
import zoneinfo

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
    """The calendar as icalendar reads it, with every error and warning raised while parsing and decoding it."""
    with open(path, "rb") as handle:
        data = handle.read()
    result = {"events": [], "errors": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Errors are reported per file, so one bad file neither hides the others nor crashes the run.
        try:
            calendar = icalendar.Calendar.from_ical(data)
            # What icalendar collected while parsing leniently (its own 'errors' list on each component).
            result["errors"] = ["%s %s: %s" % (c.name, *e) for c in calendar.walk() for e in c.errors]
            result.update(summarise(calendar))
        except Exception as error:
            result["errors"].append("%s: %s" % (type(error).__name__, error))
    result["warnings"] = ["%s: %s" % (w.category.__name__, w.message) for w in caught]
    return result


def summarise(calendar):
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
        "components": [c.name for c in calendar.subcomponents],
    }


def minutes(value):
    return value.strftime("%Y-%m-%d %H:%M")


def expand(path, begin, finish):
    """Every occurrence recurring-ical-events finds, as start and end in UTC (ISO 8601 and "YYYY-MM-DD HH:MM"),
    and in local time in the zone of the occurrence's own DTSTART, for comparison with a database listing."""
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    occurrences = []
    for event in recurring_ical_events.of(calendar).between(begin, finish):
        start_value, end_value = event.decoded("DTSTART"), event.decoded("DTEND")
        start_utc, end_utc = start_value.astimezone(dt.timezone.utc), end_value.astimezone(dt.timezone.utc)
        occurrences.append({
            "uid": str(event.get("UID")),
            "start": start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "local": minutes(start_value) + "|" + minutes(end_value),
            "local_tzid": iso(start_value)["tzid"],
            "utc": minutes(start_utc) + "|" + minutes(end_utc),
            "sequence": int(event.get("SEQUENCE", -1)),
            "location": str(event.get("LOCATION", "")),
        })
    occurrences.sort(key=lambda o: (o["start"], o["uid"]))
    return {"occurrences": occurrences}


def auto_window(path, years):
    """1 January of the earliest DTSTART's year (or of X-KRING-WINDOW-START, which the busy-corpus files set), and
    YEARS years later (2025 when the file has none)."""
    with open(path, "rb") as handle:
        data = handle.read()
    found = re.findall(rb"\nX-KRING-WINDOW-START:(\d{4})", data) or re.findall(rb"\nDTSTART[^:\r\n]*:(\d{4})", data)
    year = min((int(y) for y in found if 1900 <= int(y) <= 2100), default=2025)
    return dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(year + years, 1, 1, tzinfo=dt.timezone.utc)


def busy(path, begin, finish, default_zone):
    """The merged busy intervals of one file, or the reason it cannot be expanded."""
    result = {"window": [begin.strftime("%Y-%m-%dT%H:%M:%SZ"), finish.strftime("%Y-%m-%dT%H:%M:%SZ")]}

    def on_alarm(signum, frame):
        raise TimeoutError("no result within 10 s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result["intervals"] = busy_intervals(path, begin, finish, default_zone)
    except Exception as error:  # any failure of the reference is reported, not raised
        result["error"] = "%s: %s" % (type(error).__name__, str(error)[:200])
    finally:
        signal.alarm(0)
    return result


def busy_intervals(path, begin, finish, default_zone):
    with open(path, "rb") as handle:
        calendars = icalendar.Calendar.from_ical(handle.read(), multiple=True)
    found = []
    for calendar in calendars:
        found += calendar_busy(calendar, begin, finish, default_zone)
    clipped = sorted((max(s, begin), min(e, finish)) for s, e in found if min(e, finish) > max(s, begin))
    merged = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[s.strftime("%Y-%m-%dT%H:%M:%SZ"), e.strftime("%Y-%m-%dT%H:%M:%SZ")] for s, e in merged]


def calendar_busy(calendar, begin, finish, default_zone):
    for event in list(calendar.subcomponents):
        if event.name == "VEVENT" and "DTSTART" not in event:
            calendar.subcomponents.remove(event)
    floating = default_zone
    if "X-WR-TIMEZONE" in calendar:
        try:
            floating = zoneinfo.ZoneInfo(str(calendar["X-WR-TIMEZONE"]).strip())
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass

    def utc(value):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        if value.tzinfo is None:
            value = value.replace(tzinfo=floating)
        return value.astimezone(dt.timezone.utc)

    found = []
    for event in recurring_ical_events.of(calendar).between(begin, finish):
        if str(event.get("STATUS", "")).upper() == "CANCELLED" or str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        found.append((utc(event.decoded("DTSTART")), utc(event.decoded("DTEND"))))
    for component in calendar.walk("VFREEBUSY"):
        periods = component.get("FREEBUSY", [])
        for prop in periods if isinstance(periods, list) else [periods]:
            if str(prop.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                continue
            for period in prop.dts if hasattr(prop, "dts") else [prop]:
                start, end = period.dt
                start = utc(start)
                end = start + end if isinstance(end, dt.timedelta) else utc(end)
                found.append((start, end))
    return found


def instant(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main(argv):
    if len(argv) >= 3 and argv[1] == "parse":
        result = {path: describe(path) for path in argv[2:]}
        failed = any(file["errors"] or file["warnings"] for file in result.values())
    elif len(argv) == 5 and argv[1] == "expand":
        result = expand(argv[2], instant(argv[3]), instant(argv[4]))
        failed = False
    elif len(argv) >= 5 and argv[1] == "expand-each":
        begin, finish = instant(argv[2]), instant(argv[3])
        result = {path: expand(path, begin, finish) for path in argv[4:]}
        failed = False
    elif len(argv) >= 6 and argv[1] == "busy":
        zone = zoneinfo.ZoneInfo(argv[4])
        if argv[2] == "auto":
            result = {path: busy(path, *auto_window(path, int(argv[3])), zone) for path in argv[5:]}
        else:
            result = {path: busy(path, instant(argv[2]), instant(argv[3]), zone) for path in argv[5:]}
        failed = False
    else:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
