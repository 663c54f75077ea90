"""Reads a Kring feed through the file's own VTIMEZONE, as dateutil-based clients do, and prints session starts.

Usage: check_zones.py FILE -> JSON {"vobject": [...], "icalendar": [...]}: every session start in UTC
("YYYY-MM-DDTHH:MM:SSZ", sorted), once as vobject reads the file (Radicale uses it, and serves its reading to every
CalDAV client), once with icalendar's `Timezone.to_tz()` of the file's VTIMEZONE.

recurring-ical-events (check_export.py) maps a TZID it knows to the system zone and never looks at the VTIMEZONE;
these two readers use only the VTIMEZONE, so a truncated one (observances whose UNTIL ends on the last transition)
shows here as a session an hour off.
"""

import datetime as dt
import json
import sys

import icalendar
import vobject
from dateutil import rrule

UTC = dt.timezone.utc


def text(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_vobject(data):
    calendar = vobject.readOne(data.decode())
    masters, moved = [], {}
    for event in calendar.vevent_list:
        if hasattr(event, "recurrence_id"):
            moved[event.recurrence_id.value] = event.dtstart.value
        else:
            masters.append(event)
    starts = []
    for event in masters:
        for start in event.getrruleset(addRDate=True):
            starts.append(moved.pop(start, start))
    return sorted(text(s) for s in starts + list(moved.values()))


def with_icalendar(data):
    calendar = icalendar.Calendar.from_ical(data)
    zones = {str(tz["TZID"]): tz.to_tz() for tz in calendar.walk("VTIMEZONE")}

    def local(prop):
        # icalendar maps a known TZID to zoneinfo; keep only the wall-clock time and use the file's VTIMEZONE.
        value = prop.dt
        return value.replace(tzinfo=zones[prop.params["TZID"]])

    masters, moved = [], {}
    for event in calendar.walk("VEVENT"):
        if "RECURRENCE-ID" in event:
            moved[local(event["RECURRENCE-ID"])] = local(event["DTSTART"])
        else:
            masters.append(event)
    starts = []
    for event in masters:
        begin = local(event["DTSTART"])
        rules = rrule.rruleset()
        rules.rrule(rrule.rrulestr(event["RRULE"].to_ical().decode(), dtstart=begin))
        exdates = event.get("EXDATE", [])
        for prop in exdates if isinstance(exdates, list) else [exdates]:
            for value in prop.dts:
                rules.exdate(value.dt.replace(tzinfo=begin.tzinfo))
        for start in rules:
            starts.append(moved.pop(start, start))
    return sorted(text(s) for s in starts + list(moved.values()))


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], "rb") as handle:
        data = handle.read()
    json.dump({"vobject": with_vobject(data), "icalendar": with_icalendar(data)}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
