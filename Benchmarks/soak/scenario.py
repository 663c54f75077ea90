"""Writes a national-size Kring scenario (docs/scenario.md) to stdout: GROUPS groups of 26 fortnightly sessions,
0.8 facilitators per group, each for two of the four audiences, 6 participants per group (generated pseudonyms, no contacts).
Deterministic for a seed; names are invented."""
import random
import sys

groups = int(sys.argv[1]) if len(sys.argv) > 1 else 60
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
rng = random.Random(seed)
regions = max(1, groups // 25)
days = ["mo", "tu", "we", "th"]
audiences = ["partners", "parents", "family", "mixed"]
facilitators = max(4, groups * 4 // 5)

print("facilitators:")
for f in range(facilitators):
    windows = sorted(rng.sample(days, 2))
    print(f"  - name: Begeleider {f + 1:04d}")
    print("    languages: [nl]")
    print(f"    lead: {'true' if f % 2 == 0 else 'false'}")
    print("    max_per_month: 6")
    print(f"    availability: [{', '.join(repr(d + ' 18:00-22:30') for d in windows)}]")
    # Two audiences each, so every group has a limited pool (listing every other region's groups in
    # exclude_groups made the import quadratic: minutes for 60 groups).
    print(f"    audiences: [{', '.join(rng.sample(audiences, 2))}]")

print("groups:")
for g in range(groups):
    day = ["MO", "TU", "WE", "TH"][g % 4]
    first = {"MO": 11, "TU": 12, "WE": 13, "TH": 14}[day]
    print(f"  - name: groep-{g + 1:04d}")
    print(f"    audience: {audiences[g % len(audiences)]}")
    print("    language: nl")
    print("    capacity: 40")
    print("    minimum: 2")
    print(f"    venue: \"Stad {g % regions + 1}\"")
    print("    series:")
    print(f"      - {{ start: \"2027-01-{first}T19:00\", duration: 120, rrule: \"FREQ=WEEKLY;INTERVAL=2;BYDAY={day};COUNT=26\" }}")
    print("    participants:")
    for _ in range(6):
        print("      - { relation: partner }")
