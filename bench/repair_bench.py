"""`bench/run.py --repair`: for each buggy case, is a repair verified, does it reach the fixed
twin's own task score (within 5%), and how long did the search take.

Each case runs as `fitdoctor run CASE --repair --json OUT --fail-on never` and its twin as
`fitdoctor run TWIN --repair --repair-time 1 --json OUT --fail-on never`, which trains the twin
once and records its task score (the same score on the same kind of sample, computed by
fitdoctor) without searching. A case "has a mechanical fix" when one of its expected causes has
a repair planner (src/fitdoctor/repairs/plan.py).
"""
import json
import os
import statistics
import sys
import tempfile
import time

from run import FITDOCTOR, ROOT, TIMEOUT, discover, run_process

sys.path.insert(0, os.path.join(ROOT, "src"))
from fitdoctor.repairs.plan import PLANNERS  # noqa: E402

# Within 5% of the twin's score.
REACH = 0.95


def _report(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def run_case(program, workdir, repair_time, jobs):
    out = os.path.join(workdir, "case.json")
    result = run_process([FITDOCTOR, "run", program["path"], "--repair", "--json", out, "--fail-on", "never",
                          "--repair-time", str(repair_time), "--jobs", str(jobs)], cwd=os.path.dirname(program["path"]),
                         timeout=repair_time + 2 * TIMEOUT)
    report = _report(out)
    twin_path = program["path"][:-3] + "_fixed.py"
    twin = None
    if os.path.exists(twin_path):
        twin_out = os.path.join(workdir, "twin.json")
        run_process([FITDOCTOR, "run", twin_path, "--repair", "--repair-time", "1", "--json", twin_out,
                     "--fail-on", "never"], cwd=os.path.dirname(twin_path))
        twin = _report(twin_out)
    return result, report, twin


def _twin_score(twin):
    for run in (twin or {}).get("runs", []):
        score = ((run.get("repair_search") or {}).get("baseline") or {}).get("task_score")
        if score:
            return score
    return None


def score_case(program, result, report, twin):
    repairs = [r for run in (report or {}).get("runs", []) for r in run.get("repairs", [])]
    verified = [r for r in repairs if r["verified"]]
    best = max(verified, key=lambda r: (r["after"]["task_score"] or {}).get("value", -1e300), default=None)
    twin_score = _twin_score(twin)
    after = (best or {}).get("after", {}).get("task_score") if best else None
    reached = None
    if after and twin_score and after["metric"] == twin_score["metric"]:
        target = twin_score["value"]
        reached = after["value"] >= (REACH * target if target >= 0 else target / REACH)
    recommended = next((r for r in verified if r.get("recommended")), None)
    return {"name": program["name"], "causes": program["causes"],
            "fixable": any(code in PLANNERS for code in program["causes"]),
            "tried": len(repairs), "verified": bool(verified),
            "recommended": recommended["fixes"] if recommended else None,
            "score": after, "twin_score": twin_score, "reaches_twin": reached,
            "seconds": result["seconds"], "timeout": result["timeout"]}


def main(args):
    programs = [p for p in discover(args.only, args.also) if p["kind"] == "buggy"]
    print(f"{len(programs)} buggy programs, repair search of {args.repair_time:.0f}s each", file=sys.stderr)
    rows = []
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fitdoctor-bench-repair-") as tmp:
        for index, program in enumerate(programs):
            workdir = os.path.join(tmp, str(index))
            os.makedirs(workdir)
            rows.append(score_case(program, *run_case(program, workdir, args.repair_time, args.jobs)))
            row = rows[-1]
            print(f"[{index + 1}/{len(programs)}] {row['name']}: verified={row['verified']} "
                  f"reaches_twin={row['reaches_twin']} {row['seconds']:.0f}s", file=sys.stderr)
    fixable = [r for r in rows if r["fixable"]]
    times = [r["seconds"] for r in rows]
    totals = {
        "cases": len(rows), "with_mechanical_fix": len(fixable),
        "verified_share_of_fixable": (sum(r["verified"] for r in fixable) / len(fixable)) if fixable else None,
        "reaches_twin_share_of_fixable": (sum(bool(r["reaches_twin"]) for r in fixable) / len(fixable)) if fixable else None,
        "median_seconds": statistics.median(times) if times else None, "worst_seconds": max(times, default=None),
        "wall_seconds": time.monotonic() - began,
    }
    print("\n| case | causes | verified | recommended | score | twin | reaches twin | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        shown = lambda s: f"{s['metric']} {s['value']:.4g}" if s else "-"  # noqa: E731
        print(f"| {r['name']} | {', '.join(r['causes'])} | {'yes' if r['verified'] else 'no'} | "
              f"{', '.join(r['recommended']) if r['recommended'] else '-'} | {shown(r['score'])} | "
              f"{shown(r['twin_score'])} | {r['reaches_twin']} | {r['seconds']:.0f} |")
    print(f"\n{json.dumps(totals, indent=1)}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"totals": totals, "cases": rows}, fh, indent=1)
    return 0
