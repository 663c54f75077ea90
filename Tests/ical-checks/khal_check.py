"""Reads Kring's exports with khal, a terminal calendar client independent of libical and of the tests' own code.

Usage: khal_check.py WORKDIR FILE...
  WORKDIR: an empty temporary folder; each file gets its own khal config, vdir and cache database in it.

For every file:
  printics  `khal printics`: how many events khal found and, per event, start|end|uid as khal prints them.
  local     unless METHOD:CANCEL: `khal import --batch` into a fresh vdir, then `khal list` over 2026-2029 with the
            local time zone Europe/Brussels: every expanded occurrence as "YYYY-MM-DD HH:MM|YYYY-MM-DD HH:MM".
  utc       the same listing with khal's local time zone set to UTC (default_timezone stays Europe/Brussels), so a
            wrong offset after a DST switch shows up.
Prints one JSON object keyed by file. khal runs in this process through click's CliRunner: one interpreter for all
files instead of half a second of start-up per khal command.
"""

import json
import os
import sys

from click.testing import CliRunner
from khal.cli import main_khal

FORMAT = "{start-long}|{end-long}|{uid}"
CONFIG = """[calendars]
[[kring]]
path = {vdir}
type = calendar

[sqlite]
path = {database}

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = {local}
default_timezone = Europe/Brussels

[default]
default_calendar = kring
"""


def khal(config, *arguments):
    result = CliRunner().invoke(main_khal, ["-c", config, *arguments], catch_exceptions=True)
    if result.exit_code != 0:
        raise RuntimeError("khal %s failed (%s): %s %r" % (arguments[0], result.exit_code, result.output,
                                                            result.exception))
    return result.output


def configure(folder, local):
    vdir = os.path.join(folder, "vdir", "kring")
    os.makedirs(vdir, exist_ok=True)
    path = os.path.join(folder, "khal-%s.conf" % local.replace("/", "-"))
    with open(path, "w") as handle:
        handle.write(CONFIG.format(vdir=vdir, database=os.path.join(folder, "khal-%s.db" % local.replace("/", "-")),
                                   local=local))
    return path


def listing(config):
    lines = khal(config, "list", "--day-format", "", "--format", "{start-long}|{end-long}", "2026-01-01", "2029-12-31")
    return sorted(line for line in lines.splitlines() if line.strip())


def check(workdir, index, path):
    folder = os.path.join(workdir, "file-%d" % index)
    brussels = configure(folder, "Europe/Brussels")
    utc = configure(folder, "UTC")
    printed = khal(brussels, "printics", "--format", FORMAT, path).splitlines()
    found = printed[0].split(" ")[0] if printed else "0"
    result = {"printics_count": int(found), "printics": [line for line in printed[1:] if line.strip()]}
    with open(path, "rb") as handle:
        cancel = b"\nMETHOD:CANCEL\r" in handle.read()
    if not cancel:
        khal(brussels, "import", "--batch", "-a", "kring", path)
        result["local"] = listing(brussels)
        result["utc"] = listing(utc)
    return result


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    workdir = argv[1]
    out = {}
    for index, path in enumerate(argv[2:]):
        try:
            out[path] = check(workdir, index, path)
        except Exception as error:  # reported per file so the Swift test names the file that failed
            out[path] = {"error": str(error)[:500]}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
