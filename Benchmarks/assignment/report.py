#!/usr/bin/env python3
"""Turns the JSON lines that run.sh leaves in a results folder into Markdown tables.

usage: report.py RESULTS_DIR
"""

from __future__ import annotations

import json
import pathlib
import sys

SIZES = {"small": 0, "regional": 1, "national": 2}


def lines(path: pathlib.Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def num(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and digits <= 1:
        return str(int(value))
    return f"{value:.{digits}f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def case_key(d: pathlib.Path):
    size, ratio, seed = d.name.split("-")
    return SIZES.get(size, 9), ratio, int(seed[1:])


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    dirs = sorted((d for d in root.iterdir() if d.is_dir() and (d / "kring.jsonl").exists()), key=case_key)
    plans, disruptions, agreement = [], [], []
    verdict = {"violations": 0, "small_optimal": [], "large_better": []}

    for d in dirs:
        kring = {l["case"]: l for l in lines(d / "kring.jsonl")}
        base = kring["base"]
        cp = lines(d / "cpsat.jsonl")
        checks = {l["label"]: l for l in lines(d / "check.jsonl")}
        bounds = [r["bound"] for r in cp if r.get("bound") is not None and r["bound"] > 0]
        best_bound = max(bounds) if bounds else None
        optimal = next((r for r in cp if r["status"] == "OPTIMAL"), None)
        k_obj = base["objective"]
        k_gap = (k_obj - best_bound) / max(1.0, k_obj) if best_bound is not None else None
        verdict["violations"] += base["hardViolations"]
        plans.append([
            d.name, "Kring", "—", "—", num(base["wallSeconds"], 3), num(base["peakRssMegabytes"], 0),
            str(base["hardViolations"]), str(base["unfilledSlots"]), str(base["missingLeads"]),
            num(base["continuity"]), num(base["fairness"], 1), num(base["preference"]), num(base["stability"]),
            num(k_obj, 2), "—", num(best_bound, 2), "—" if k_gap is None else f"{100 * k_gap:.2f} %",
        ])
        first_row = len(agreement)
        for r in cp:
            chk = checks.get(r["run"])
            hard = "—" if chk is None else str(chk["hardViolations"])
            if chk is not None:
                verdict["violations"] += chk["hardViolations"]
            obj = r.get("objective")
            plans.append([
                d.name, f"CP-SAT {r['run']}", num(r["time_limit"], 3), r["status"], num(r["wall_seconds"], 3)
                + f" (+{r['build_seconds']:.1f} build)", num(r["peak_rss_mb"], 0), hard,
                num(r.get("unfilled_slots")), num(r.get("missing_leads")), num(r.get("continuity")),
                num(r.get("fairness"), 1), num(r.get("preference")), num(r.get("stability")), num(obj, 2),
                "—" if obj is None else f"{obj - k_obj:+.2f}",
                num(r["bound"], 2) if r.get("bound") is not None and r["bound"] > 0 else "—",
                "—" if r.get("gap") is None else f"{100 * r['gap']:.2f} %",
            ])
            if chk is not None and obj is not None:
                agreement.append([f"{d.name} CP-SAT {r['run']}", num(chk["objective"], 6), num(obj, 6),
                                  "yes" if abs(chk["objective"] - obj) <= 1e-6 * max(1, abs(obj)) else "NO"])
        if cp:
            r = cp[0]
            agreement.insert(first_row, [f"{d.name} Kring", num(r["kring_swift_objective"], 6),
                                         num(r["kring_python"]["objective"], 6),
                                         "yes" if r["formula_agrees"] else "NO"])
        size = d.name.split("-")[0]
        if size == "small" and optimal is not None:
            verdict["small_optimal"].append((d.name, k_obj, optimal["objective"]))
        ten = [r for r in cp if r["run"].startswith("10x")]
        if size != "small" and ten:
            verdict["large_better"].append((d.name, k_obj, ten))

        if "disruption" in kring:
            x = kring["disruption"]
            f = x["disruption"]
            verdict["violations"] += x["hardViolations"]
            dcp = lines(d / "disrupted" / "cpsat.jsonl")
            dopt = next((r for r in dcp if r["status"] == "OPTIMAL"), None)
            dchk = {l["label"]: l for l in lines(d / "disrupted" / "check.jsonl")}
            if dopt is not None and "prove" in dchk:
                verdict["violations"] += dchk["prove"]["hardViolations"]
            disruptions.append([
                d.name, str(f["removedFacilitators"]), str(f["forcedRemovals"]), str(f["removedAssignments"]),
                str(f["addedAssignments"]), str(f["unforcedRemovals"]), str(x["unfilledSlots"]),
                str(x["hardViolations"]), num(x["objective"], 2), num(x["wallSeconds"], 3),
                "—" if dopt is None else num(dopt["objective"], 2),
                "—" if dopt is None else f"{x['objective'] - dopt['objective']:+.2f}",
            ])
            if dcp:
                agreement.append([f"{d.name} Kring re-plan", num(dcp[0]["kring_swift_objective"], 6),
                                  num(dcp[0]["kring_python"]["objective"], 6),
                                  "yes" if dcp[0]["formula_agrees"] else "NO"])

    machine = (root / "machine.txt").read_text().strip() if (root / "machine.txt").exists() else ""
    print("## Plans\n")
    print("Objective = 1,000,000 × (unfilled + missing leads) + 3 × continuity + fairness + preference + 10 × stability."
          " `vs Kring` < 0 means CP-SAT's plan is better. `hard` is Kring's PlanChecker on each plan.\n")
    print(table(["instance", "solver", "limit s", "status", "wall s", "peak MB", "hard", "unfilled", "no lead",
                 "cont.", "fair.", "pref.", "stab.", "objective", "vs Kring", "bound", "gap"], plans))
    print("\n## Disruption: 5 % of facilitators gone from week 20, re-planned with stability weight 10\n")
    print(table(["instance", "removed people", "forced", "removed asg.", "added asg.", "unforced", "unfilled",
                 "hard", "objective", "wall s", "CP-SAT optimum", "Kring − optimum"], disruptions))
    print("\n## One formula: Swift score vs this folder's Python evaluator\n")
    print(table(["plan", "Swift (solver or PlanChecker)", "Python", "agree"], agreement))
    print("\n## Targets\n")
    print(f"- zero hard violations: {'met' if verdict['violations'] == 0 else 'NOT met'}"
          f" ({verdict['violations']} over every plan above)")
    for name, k, opt in verdict["small_optimal"]:
        ok = k <= opt + 1e-6 * max(1, opt) + 0.05  # objective rounding in the CP-SAT model is below 0.05 here
        print(f"- {name}: CP-SAT proven optimum {opt:.4f}, Kring {k:.4f}: {'met' if ok else 'NOT met'}")
    for name, k, ten in verdict["large_better"]:
        # A hinted run starts from Kring's plan, so it can only tie or beat it: a tie means no improvement found.
        parts, beaten = [], False
        for r in ten:
            obj = r.get("objective")
            if obj is None:
                parts.append(f"{r['run']}: no plan ({r['status']})")
            else:
                beaten |= obj < k - 1e-6 * max(1, k)
                parts.append(f"{r['run']}: {obj:.2f} ({'better' if obj < k - 1e-6 * max(1, k) else 'not better'})")
        print(f"- {name}: Kring {k:.2f}; CP-SAT in 10× time " + "; ".join(parts) + f": {'NOT met' if beaten else 'met'}")
    nat = [lines(d / "kring.jsonl")[0] for d in dirs if d.name.startswith("national")]
    for n in nat:
        ok = n["wallSeconds"] < 10 and n["peakRssMegabytes"] < 500
        print(f"- national seed {n['seed']}: {n['wallSeconds']:.2f} s, {n['peakRssMegabytes']:.0f} MB peak: "
              f"{'met' if ok else 'NOT met'}")
    print("\n```\n" + machine + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
