#!/usr/bin/env python3
"""Reference model of Kring's facilitator assignment in OR-Tools CP-SAT.

Reads an instance written by `kring-assign-bench --out DIR` (instance.json), states the same hard rules and the
same objective as `PlanScore` documents, solves it with a time limit, and prints one JSON line of figures: hard
violations, unfilled slots, missing leads, each soft component, the objective, CP-SAT's proven bound and the gap.

It also re-scores Kring's plan (kring-plan.json) with this file's own evaluator, so both solvers are judged by one
formula written apart from the Swift code, and can hint the search with Kring's plan.

Written from the rule list, not from the Swift solver:
  hard   language, audience, lead only by someone who can lead, weekly windows, blockouts, busy times (those four
         pre-filtered into candidate sets), no two overlapping sessions of one person with the travel buffer (none
         between two online sessions), weekly and monthly maxima, group exclusions, one slot per person per
         session, pinned assignments and past sessions fixed;
  soft   BIG_M x (unfilled slots + missing leads) + weighted continuity, fairness, preference and stability.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

BIG_M = 1_000_000
MONTH_SECONDS = 30.436875 * 86_400


class Instance:
    """The problem in dense indices, with every fact the rules need precomputed."""

    def __init__(self, data: dict):
        self.sessions = data["sessions"]
        self.people = data["facilitators"]
        w = data.get("weights", {})
        self.w_continuity = w.get("continuity", 3.0)
        self.w_fairness = w.get("fairness", 1.0)
        self.w_preference = w.get("preference", 1.0)
        self.w_stability = w.get("stability", 10.0)
        default_capacity = w.get("defaultMonthlyCapacity", 4.0)
        self.buffer = max(0, data.get("travelBufferMinutes", 30)) * 60

        S, F = len(self.sessions), len(self.people)
        self.S, self.F = S, F
        self.fid = {p["id"]: i for i, p in enumerate(self.people)}
        self.sid = {s["id"]: i for i, s in enumerate(self.sessions)}
        self.start = [float(s["start"]) for s in self.sessions]
        self.end = [float(s["end"]) for s in self.sessions]
        self.online = [bool(s.get("online", False)) for s in self.sessions]
        self.past = [bool(s.get("isPast", False)) for s in self.sessions]
        self.group = [s["groupId"] for s in self.sessions]
        self.can_lead = [bool(p["canLead"]) for p in self.people]

        # Local calendar facts of each session in each facilitator zone.
        zones = sorted({p["timeZoneIdentifier"] for p in self.people})
        self.local = {}
        for z in zones:
            tz = ZoneInfo(z)
            facts = []
            for k in range(S):
                ls = datetime.fromtimestamp(self.start[k], tz)
                le = datetime.fromtimestamp(self.end[k], tz)
                midnight = ls.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
                start_min = int((ls.replace(tzinfo=None) - midnight).total_seconds() // 60)
                end_min = int((le.replace(tzinfo=None) - midnight).total_seconds() // 60)
                iso = ls.isocalendar()
                facts.append((ls.isoweekday(), start_min, end_min, (iso[0], iso[1]), (ls.year, ls.month)))
            self.local[z] = facts
        self.zone = [p["timeZoneIdentifier"] for p in self.people]

        # Fixed assignments: everything in a past session, pinned ones elsewhere. Unknown ids are ignored.
        self.fixed = [[] for _ in range(S)]  # (f, is_lead)
        self.published = [[] for _ in range(S)]
        for k, s in enumerate(self.sessions):
            seen = set()
            for e in s.get("existing", []):
                f = self.fid.get(e["facilitatorId"])
                if f is None or f in seen:
                    continue
                seen.add(f)
                if self.past[k] or e.get("pinned", False):
                    self.fixed[k].append((f, bool(e.get("isLead", False))))
                if e.get("published", False) and not e.get("pinned", False) and not self.past[k]:
                    self.published[k].append(f)
        self.fixed_set = [{f for f, _ in self.fixed[k]} for k in range(S)]
        self.lead_covered = [any(l and self.can_lead[f] for f, l in self.fixed[k]) for k in range(S)]
        self.open = [0 if self.past[k] else max(0, s["slotsNeeded"] - len(self.fixed[k]))
                     for k, s in enumerate(self.sessions)]

        # Fixed load per person, per week and per month, and the sessions they already hold.
        self.fixed_load = [0] * F
        self.fixed_week = [defaultdict(int) for _ in range(F)]
        self.fixed_month = [defaultdict(int) for _ in range(F)]
        self.fixed_sessions = [[] for _ in range(F)]
        for k in range(S):
            for f, _ in self.fixed[k]:
                self.fixed_load[f] += 1
                lf = self.local[self.zone[f]][k]
                self.fixed_week[f][lf[3]] += 1
                self.fixed_month[f][lf[4]] += 1
                self.fixed_sessions[f].append(k)

        # Candidates: static rules, not already fixed in the session, no clash with a fixed session.
        by_language = defaultdict(set)
        by_audience = defaultdict(set)
        for f, p in enumerate(self.people):
            for code in p["languages"]:
                by_language[code].add(f)
            for code in p["audiences"]:
                by_audience[code].add(f)
        self.candidates = [[] for _ in range(S)]
        for k, s in enumerate(self.sessions):
            if self.open[k] == 0:
                continue
            pool = by_language[s["language"]] & by_audience[s["audience"]]
            for f in sorted(pool):
                if f in self.fixed_set[k] or self.static_block(f, k):
                    continue
                if any(self.clash(k, t) for t in self.fixed_sessions[f]):
                    continue
                lf = self.local[self.zone[f]][k]
                if self.max_week(f) is not None and self.fixed_week[f][lf[3]] >= self.max_week(f):
                    continue
                if self.max_month(f) is not None and self.fixed_month[f][lf[4]] >= self.max_month(f):
                    continue
                self.candidates[k].append(f)

        # Each group's sessions in time order, for continuity.
        by_group = defaultdict(list)
        for k in range(S):
            by_group[self.group[k]].append(k)
        self.group_order = [sorted(v, key=lambda k: (self.start[k], self.sessions[k]["id"])) for v in by_group.values()]

        # Fairness capacity: monthly maximum, else 52/12 x weekly, else the default, times the months spanned.
        span = (max(self.end) - min(self.start)) if S else 0.0
        months = max(1.0, span / MONTH_SECONDS)
        self.capacity = []
        for p in self.people:
            if p.get("maxPerMonth") is not None:
                monthly = float(p["maxPerMonth"])
            elif p.get("maxPerWeek") is not None:
                monthly = float(p["maxPerWeek"]) * 52 / 12
            else:
                monthly = float(default_capacity)
            self.capacity.append(max(monthly, 0.5) * months)

    # Rules -------------------------------------------------------------------------------------------------------

    def max_week(self, f):
        return self.people[f].get("maxPerWeek")

    def max_month(self, f):
        return self.people[f].get("maxPerMonth")

    def static_block(self, f: int, k: int) -> str | None:
        """The first rule that does not depend on other assignments and stops f from session k."""
        p, s = self.people[f], self.sessions[k]
        if s["language"] not in p["languages"]:
            return "language"
        if s["audience"] not in p["audiences"]:
            return "audience"
        day, a, b, _, _ = self.local[self.zone[f]][k]
        if not any(w["weekday"] == day and w["startMinute"] <= a and b <= w["endMinute"] for w in p["windows"]):
            return "window"
        for name in ("blockouts", "busy"):
            for iv in p.get(name, []):
                if iv["start"] < self.end[k] and self.start[k] < iv["start"] + iv["duration"]:
                    return name
        if s["groupId"] in p.get("excludedGroups", []):
            return "excluded"
        return None

    def clash(self, a: int, b: int) -> bool:
        gap = 0 if self.online[a] and self.online[b] else self.buffer
        return self.start[a] < self.end[b] + gap and self.start[b] < self.end[a] + gap

    def clash_cliques(self, ordered: list[int]) -> list[tuple[int, ...]]:
        """Sets of pairwise clashing sessions that together cover every clashing pair of `ordered` (by start).

        With the buffer added to each end, two sessions clash exactly when those stretched intervals overlap, unless
        both are online (then the plain intervals must). So at the start p of each session, everything whose
        stretched interval holds p clashes pairwise, except online pairs that only meet in the buffer: those are
        split off. One clique per start instead of one constraint per pair keeps national models small.
        """
        cliques = set()
        longest = max((self.end[k] - self.start[k] for k in ordered), default=0)
        for i, b in enumerate(ordered):
            p = self.start[b]
            members = []
            j = i
            while j + 1 < len(ordered) and self.start[ordered[j + 1]] == p:
                j += 1
            for k in ordered[j::-1]:
                if self.start[k] < p - longest - self.buffer:
                    break
                if p < self.end[k] + self.buffer:
                    members.append(k)
            offline = [k for k in members if not self.online[k]]
            online_plain = [k for k in members if self.online[k] and p < self.end[k]]
            online_buffer = [k for k in members if self.online[k] and p >= self.end[k]]
            for clique in [offline + online_plain] + [offline + [k] for k in online_buffer]:
                if len(clique) > 1:
                    cliques.add(tuple(sorted(clique)))
        return sorted(cliques)

    def preference(self, f: int, k: int) -> int:
        p = self.people[f]
        cost = 0
        groups = p.get("preferredGroups", [])
        if groups and self.group[k] not in groups:
            cost += 1
        days = p.get("preferredWeekdays", [])
        if days and self.local[self.zone[f]][k][0] not in days:
            cost += 1
        return cost

    # Evaluation: one formula for every plan, Kring's or CP-SAT's ---------------------------------------------

    def members_from_plan(self, plan: dict) -> list[list[tuple[int, bool]]]:
        members = [[] for _ in range(self.S)]
        for entry in plan["sessions"]:
            k = self.sid.get(entry["sessionId"])
            if k is None:
                continue
            members[k] = [(self.fid.get(a["facilitatorId"], -1), bool(a["isLead"])) for a in entry["assignments"]]
        return members

    def evaluate(self, members: list[list[tuple[int, bool]]]) -> dict:
        """Objective components as `PlanScore` defines them, and every hard rule the plan itself breaks."""
        violations = []
        unfilled = missing = 0
        preference = stability = continuity = 0.0
        load = [0] * self.F
        per_person = defaultdict(list)  # f -> [(k, fixed)]
        for k in range(self.S):
            s = self.sessions[k]
            ids = [f for f, _ in members[k]]
            if len(set(ids)) != len(ids):
                violations.append(("duplicate", k))
            for f, lead in self.fixed[k]:
                if (f, lead) not in members[k]:
                    violations.append(("fixed changed", k))
            new = [(f, l) for f, l in members[k] if f not in self.fixed_set[k]]
            if self.past[k] and new:
                violations.append(("added to past", k))
            if new and len(members[k]) > s["slotsNeeded"]:
                violations.append(("too many", k))
            for f, lead in members[k]:
                if f < 0:
                    violations.append(("unknown facilitator", k))
                    continue
                load[f] += 1
                is_fixed = f in self.fixed_set[k]
                per_person[f].append((k, is_fixed))
                if not is_fixed:
                    rule = self.static_block(f, k)
                    if rule:
                        violations.append((rule, k))
                    if lead and not self.can_lead[f]:
                        violations.append(("lead cannot lead", k))
            if self.past[k]:
                continue
            unfilled += max(0, s["slotsNeeded"] - len(members[k]))
            if s["needsLead"] and not any(l and f >= 0 and self.can_lead[f] for f, l in members[k]):
                missing += 1
            preference += sum(self.preference(f, k) for f, _ in members[k] if f >= 0)
            stability += sum(1 for f in self.published[k] if f not in ids)
        for f, items in per_person.items():
            items.sort(key=lambda it: self.start[it[0]])
            for i in range(len(items)):
                for j in range(i + 1, len(items)):
                    if self.start[items[j][0]] >= self.end[items[i][0]] + self.buffer:
                        break
                    if self.clash(items[i][0], items[j][0]) and not (items[i][1] and items[j][1]):
                        violations.append(("overlap", items[j][0]))
            for limit, key in ((self.max_week(f), 3), (self.max_month(f), 4)):
                if limit is None:
                    continue
                counts, all_fixed = defaultdict(int), defaultdict(lambda: True)
                for k, fx in items:
                    period = self.local[self.zone[f]][k][key]
                    counts[period] += 1
                    all_fixed[period] &= fx
                for period, n in counts.items():
                    if n > limit and not all_fixed[period]:
                        violations.append(("weekly maximum" if key == 3 else "monthly maximum", None))
        for order in self.group_order:
            for a, b in zip(order, order[1:]):
                before = {f for f, _ in members[a]}
                continuity += sum(1 for f, _ in members[b] if f not in before)
        fairness = sum(load[f] * load[f] / self.capacity[f] for f in range(self.F))
        total = (BIG_M * (unfilled + missing) + self.w_continuity * continuity + self.w_fairness * fairness
                 + self.w_preference * preference + self.w_stability * stability)
        return {
            "hard_violations": len(violations),
            "violation_sample": [f"{r} session {self.sessions[k]['id'] if k is not None else '-'}"
                                 for r, k in violations[:5]],
            "unfilled_slots": unfilled, "missing_leads": missing, "continuity": continuity,
            "fairness": fairness, "preference": preference, "stability": stability, "objective": total,
        }


class Model:
    """CP-SAT model: x[s,f] = f holds a slot of s, lead[s,f] = f holds it as lead.

    The objective is scaled by `scale` to integers with every coefficient rounded down, so for every plan the
    model's objective / scale <= the true objective: CP-SAT's bound / scale is a valid bound on the true optimum.
    """

    def __init__(self, inst: Instance, scale: int):
        from ortools.sat.python import cp_model

        self.inst, self.scale = inst, scale
        m = self.model = cp_model.CpModel()
        self.x, self.lead = {}, {}
        self.terms: list[tuple[int, object]] = []
        constant = 0.0  # true units
        self.fair_levels = {}  # f -> (base load, [vars])
        self.pairs = []  # (y, xa, xb) for continuity
        I = inst

        def coef(c: float) -> int:
            return math.floor(c * scale + 1e-9)

        for k in range(I.S):
            for f in I.candidates[k]:
                self.x[k, f] = m.NewBoolVar(f"x{k}_{f}")
            xs = [self.x[k, f] for f in I.candidates[k]]
            if xs:
                m.Add(sum(xs) <= I.open[k])
            if I.past[k]:
                continue
            s = I.sessions[k]
            # Unfilled = open - assigned; every open slot costs BIG_M until filled.
            constant += BIG_M * I.open[k]
            for v in xs:
                self.terms.append((coef(-BIG_M), v))
            if s["needsLead"] and not I.lead_covered[k]:
                leads = []
                if I.open[k] > 0:
                    for f in I.candidates[k]:
                        if I.can_lead[f]:
                            v = self.lead[k, f] = m.NewBoolVar(f"l{k}_{f}")
                            m.AddImplication(v, self.x[k, f])
                            leads.append(v)
                if leads:
                    m.AddAtMostOne(leads)
                constant += BIG_M
                for v in leads:
                    self.terms.append((coef(-BIG_M), v))
            for f, _ in I.fixed[k]:
                constant += I.w_preference * I.preference(f, k)
            for f in I.candidates[k]:
                c = I.preference(f, k)
                if c:
                    self.terms.append((coef(I.w_preference * c), self.x[k, f]))
            for f in I.published[k]:
                if f in I.fixed_set[k]:
                    continue
                constant += I.w_stability
                if (k, f) in self.x:
                    self.terms.append((coef(-I.w_stability), self.x[k, f]))

        # Per person: overlaps (buffer included), weekly and monthly maxima, fairness.
        by_person = defaultdict(list)
        for (k, f) in self.x:
            by_person[f].append(k)
        for f in range(I.F):
            mine = sorted(by_person.get(f, []), key=lambda k: I.start[k])
            for clique in I.clash_cliques(mine):
                m.AddAtMostOne([self.x[k, f] for k in clique])
            weeks, months = defaultdict(list), defaultdict(list)
            for k in mine:
                lf = I.local[I.zone[f]][k]
                weeks[lf[3]].append(self.x[k, f])
                months[lf[4]].append(self.x[k, f])
            # The most sessions f can still take, which bounds the fairness levels needed.
            room = len(mine)
            for limit, periods, fixed in ((I.max_week(f), weeks, I.fixed_week[f]),
                                          (I.max_month(f), months, I.fixed_month[f])):
                if limit is None:
                    continue
                total = 0
                for period, vs in periods.items():
                    rhs = max(0, limit - fixed[period])
                    if len(vs) > rhs:
                        m.Add(sum(vs) <= rhs)
                    total += min(len(vs), rhs)
                room = min(room, total)
            # load^2 = base^2 + sum of the increments (2j - 1) for j above base: convex, so exact with ordering.
            base = I.fixed_load[f]
            c_f = I.w_fairness / I.capacity[f]
            constant += c_f * base * base
            levels = [m.NewBoolVar(f"u{f}_{j}") for j in range(room)]
            if levels:
                m.Add(sum(levels) == sum(self.x[k, f] for k in mine))
                for lo, hi in zip(levels, levels[1:]):
                    m.AddImplication(hi, lo)
                for j, v in enumerate(levels):
                    self.terms.append((coef(c_f * (2 * (base + j + 1) - 1)), v))
            self.fair_levels[f] = (base, levels)

        # Continuity: newcomers of each consecutive pair of a group's sessions.
        wc = I.w_continuity
        for order in I.group_order:
            for a, b in zip(order, order[1:]):
                for f in list(I.fixed_set[b]) + I.candidates[b]:
                    in_a_fixed = f in I.fixed_set[a]
                    xa = self.x.get((a, f))
                    xb = None if f in I.fixed_set[b] else self.x[b, f]
                    if in_a_fixed:
                        continue
                    if xa is None:
                        if xb is None:
                            constant += wc
                        else:
                            self.terms.append((coef(wc), xb))
                    elif xb is None:
                        constant += wc
                        self.terms.append((coef(-wc), xa))
                    else:
                        y = m.NewBoolVar(f"c{a}_{b}_{f}")
                        m.AddImplication(y, xa)
                        m.AddImplication(y, xb)
                        self.terms.append((coef(wc), xb))
                        self.terms.append((coef(-wc), y))
                        self.pairs.append((y, a, b, f))

        self.constant = constant
        self.constant_scaled = coef(constant)
        m.Minimize(sum(c * v for c, v in self.terms) + self.constant_scaled)

    def hint(self, members: list[list[tuple[int, bool]]]):
        """Hints every variable from a plan (Kring's), so CP-SAT starts from it."""
        I = self.inst
        chosen = set()
        leads = set()
        for k in range(I.S):
            for f, lead in members[k]:
                chosen.add((k, f))
                if lead:
                    leads.add((k, f))
        for key, v in self.x.items():
            self.model.AddHint(v, key in chosen)
        for key, v in self.lead.items():
            self.model.AddHint(v, key in leads)
        for y, a, b, f in self.pairs:
            self.model.AddHint(y, (a, f) in chosen and (b, f) in chosen)
        for f, (base, levels) in self.fair_levels.items():
            extra = sum(1 for k in range(I.S) if (k, f) in chosen and (k, f) in self.x)
            for j, v in enumerate(levels):
                self.model.AddHint(v, j < extra)

    def solve(self, seconds: float, workers: int, presolve: bool = True):
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.001, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.cp_model_presolve = presolve
        status = solver.Solve(self.model)
        name = solver.StatusName(status)
        members = None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            I = self.inst
            members = [list(I.fixed[k]) for k in range(I.S)]
            for (k, f), v in self.x.items():
                if solver.BooleanValue(v):
                    lead = (k, f) in self.lead and solver.BooleanValue(self.lead[k, f])
                    members[k].append((f, lead))
        return solver, name, members


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def parse_run(text: str) -> dict:
    """NAME:SECONDS[:hint][:nopresolve][:workers=N], e.g. `10x-hint:32.5:hint:nopresolve:workers=4`."""
    parts = text.split(":")
    if len(parts) < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME:SECONDS[:hint][:nopresolve][:workers=N]")
    flags = {p for p in parts[2:] if not p.startswith("workers=")}
    workers = [int(p.split("=", 1)[1]) for p in parts[2:] if p.startswith("workers=")]
    unknown = flags - {"hint", "nopresolve"}
    if unknown:
        raise argparse.ArgumentTypeError(f"{text!r}: unknown flag {sorted(unknown)}")
    return {"name": parts[0], "seconds": float(parts[1]), "hint": "hint" in flags,
            "presolve": "nopresolve" not in flags, "workers": workers[0] if workers else None}


def write_plan(inst: Instance, members, path: str):
    with open(path, "w") as fh:
        json.dump({"sessions": [
            {"sessionId": inst.sessions[k]["id"],
             "assignments": [{"facilitatorId": inst.people[f]["id"], "isLead": lead} for f, lead in members[k]]}
            for k in range(inst.S)]}, fh)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="example: cpsat_model.py --instance DIR/instance.json --kring-plan DIR/kring-plan.json "
               "--run 1x:0.8 --run 10x:8 --run 10x-hint:8:hint:nopresolve:workers=4 --plan-dir DIR")
    ap.add_argument("--instance", required=True, help="instance.json from `kring-assign-bench run --out`")
    ap.add_argument("--kring-plan", help="Kring's plan (kring-plan.json): re-scored here, and the hint")
    ap.add_argument("--run", type=parse_run, action="append", required=True,
                    help="NAME:SECONDS[:hint][:nopresolve][:workers=N]; repeat for several solves of the one model")
    # CP-SAT's full portfolio (LP, core and LNS workers) needs 8 workers; on 2 cores they share the CPU.
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--scale", type=int, default=10_000, help="objective scale to integers (rounded down)")
    ap.add_argument("--plan-dir", help="write each run's plan as cpsat-NAME.json here, for `kring-assign-bench check`")
    ap.add_argument("--label", default="", help="copied into every output line")
    args = ap.parse_args()

    t0 = time.monotonic()
    with open(args.instance) as fh:
        inst = Instance(json.load(fh))
    common = {"label": args.label, "solver": "cpsat", "workers": args.workers, "scale": args.scale,
              "sessions": inst.S, "facilitators": inst.F}

    kring_members = None
    if args.kring_plan:
        with open(args.kring_plan) as fh:
            plan = json.load(fh)
        kring_members = inst.members_from_plan(plan)
        k = inst.evaluate(kring_members)
        common["kring_python"] = k
        common["kring_swift_objective"] = plan["score"]["total"]
        common["formula_agrees"] = abs(k["objective"] - plan["score"]["total"]) <= 1e-6 * max(1.0, abs(k["objective"]))

    model = Model(inst, args.scale)
    common["build_seconds"] = time.monotonic() - t0
    common["variables"] = len(model.model.Proto().variables)
    common["constraints"] = len(model.model.Proto().constraints)

    for run in args.run:
        model.model.ClearHints()
        if run["hint"]:
            if kring_members is None:
                ap.error("a hinted run needs --kring-plan")
            model.hint(kring_members)
        workers = run["workers"] or args.workers
        solver, status, members = model.solve(run["seconds"], workers, run["presolve"])
        out = dict(common)
        out.update({"run": run["name"], "workers": workers, "time_limit": run["seconds"], "hinted": run["hint"],
                    "presolve": run["presolve"], "status": status, "wall_seconds": solver.WallTime()})
        # Without a solution CP-SAT reports no meaningful bound (it returns 0).
        bound = solver.BestObjectiveBound() / args.scale if status in ("OPTIMAL", "FEASIBLE") else None
        out["bound"] = bound
        out["objective"] = None
        if members is not None:
            figures = inst.evaluate(members)
            out.update(figures)
            out["model_objective"] = solver.ObjectiveValue() / args.scale
            out["gap"] = (figures["objective"] - bound) / max(1.0, abs(figures["objective"])) if bound > 0 else None
            if args.plan_dir:
                write_plan(inst, members, f"{args.plan_dir}/cpsat-{run['name']}.json")
        if kring_members is not None and bound is not None and bound > 0:
            ko = common["kring_python"]["objective"]
            out["kring_gap"] = (ko - bound) / max(1.0, abs(ko))
        out["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(out, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
