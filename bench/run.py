"""Run the benchmark: fitdoctor and the two published baselines on every program.

    python bench/run.py [--jobs 2] [--only SUBSTR[,SUBSTR]] [--json out.json] [--also DIR]
                        [--kinds buggy,twin,healthy] [--skip-baselines]

Programs: ``bench/cases/*.py`` (buggy; ``*_fixed.py`` are their fixed twins) and
``bench/healthy/*.py``. Each program's module docstring names the codes a correct diagnosis
gives (``Causes: FD201, FD104``; ``Causes: none`` for a twin or a healthy program).

Every program runs twice, in separate processes, ``--jobs`` at a time (per run a 180 s limit;
a timeout counts as a miss, or as no alarm, and is listed):
  - fitdoctor: ``fitdoctor run PROG --json OUT --stop-on error --fail-on never``;
  - the baselines: ``bench/baselines/inject.py`` runs PROG with the AUTOTRAINER and UMLAUT
    callbacks attached to the same fit() (see bench/baselines/).

Scoring:
  - fitdoctor's ranked list: the findings of severity error or warning and kind cause or
    symptom, a finding that names ``explained_by`` (a symptom, or a rate judged on a loss a
    reported cause shaped) counted under that cause, in the report's order (runs in order;
    errors before warnings across runs), each code once;
  - a baseline's ranked list: the codes its flags map to, in the order they fired, each once
    (a flag with no fitdoctor code counts only for "flagged any problem");
  - recall@k on buggy programs: any ``Causes`` code among the first k of the list;
  - flagged any (baselines) on buggy programs: any flag at all;
  - false alarms: fitdoctor: any finding of severity error (kind cause or symptom); baselines:
    any flag; on fixed twins and on healthy programs separately;
  - healthy with a warning: fitdoctor findings of severity warning (cause or symptom);
  - time to diagnosis: the wall time of the fitdoctor process, and the report's
    ``preflight_seconds`` (first run), median and worst.
"""
import argparse
import ast
import concurrent.futures as cf
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
FITDOCTOR = os.path.join(ROOT, ".venv", "bin", "fitdoctor")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
INJECT = os.path.join(BENCH, "baselines", "inject.py")
TIMEOUT = 180
BASELINES = ("autotrainer", "umlaut")


# ---- programs --------------------------------------------------------------------------------
def parse_causes(path):
    """The ``Causes:`` codes of a program's module docstring: a list, [] for none, None if absent."""
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    try:
        doc = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError:
        return None
    for line in doc.splitlines():
        line = line.strip()
        if line.lower().startswith("causes:"):
            value = line.split(":", 1)[1].strip()
            if value.lower() in ("none", "-", ""):
                return []
            return [c.strip().upper() for c in value.replace(";", ",").split(",") if c.strip()]
    return None


def discover(only=None, also=()):
    programs = []
    sources = [(os.path.join(BENCH, "cases"), "cases"), (os.path.join(BENCH, "healthy"), "healthy")]
    sources += [(os.path.abspath(d), "also") for d in also]
    for folder, origin in sources:
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".py") or name.startswith("_"):
                continue
            path = os.path.join(folder, name)
            stem = name[:-3]
            if only and not any(part and part in os.path.relpath(path, ROOT)
                                for part in only.split(",")):
                continue
            causes = parse_causes(path)
            if origin == "healthy":
                kind = "healthy"
            elif stem.endswith("_fixed"):
                kind = "twin"
            elif causes:
                kind = "buggy"
            else:
                kind = "unlabelled"
            label = os.path.relpath(path, BENCH) if path.startswith(BENCH) else os.path.relpath(path, ROOT)
            programs.append({"name": label, "path": path, "kind": kind, "causes": causes or []})
    return programs


# ---- running ---------------------------------------------------------------------------------
def env():
    e = dict(os.environ)
    e.update(KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1",
             MPLBACKEND="Agg")
    return e


def _traceback(text):
    """The last Python traceback in a process's output (why a program failed), if any."""
    at = text.rfind("Traceback (most recent call last)")
    if at < 0:
        return None
    lines = text[at:].splitlines()
    end = next((i for i, line in enumerate(lines[1:], 1)
                if line and not line.startswith(" ") and not line.startswith("Traceback")), None)
    return "\n".join(lines[: (end + 1) if end else 40])[-2000:]


def run_process(cmd, cwd, timeout=TIMEOUT):
    """Run ``cmd`` in its own session; wall and CPU seconds (the process and what it waited
    for); after ``timeout`` seconds the whole process group is killed."""
    start = time.monotonic()
    timed_out = False
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return {"rc": None if timed_out else proc.returncode, "seconds": seconds,
            "cpu_seconds": usage.ru_utime + usage.ru_stime, "timeout": timed_out,
            "tail": text[-3000:], "traceback": _traceback(text)}


def run_fitdoctor(prog, workdir):
    out = os.path.join(workdir, "fitdoctor.json")
    res = run_process([FITDOCTOR, "run", prog["path"], "--json", out, "--stop-on", "error",
                       "--fail-on", "never"], cwd=os.path.dirname(prog["path"]))
    res["report"] = None
    if os.path.exists(out):
        try:
            with open(out) as fh:
                res["report"] = json.load(fh)
        except ValueError as exc:
            res["report_error"] = str(exc)
    return res


def run_baselines(prog, workdir):
    out = os.path.join(workdir, "baselines.json")
    res = run_process([PYTHON, INJECT, "--out", out, prog["path"]],
                      cwd=os.path.dirname(prog["path"]))
    res["report"] = None
    if os.path.exists(out):
        try:
            with open(out) as fh:
                res["report"] = json.load(fh)
        except ValueError as exc:
            res["report_error"] = str(exc)
    return res


# ---- scoring ---------------------------------------------------------------------------------
SEVERITY_ORDER = {"error": 0, "warning": 1}


def fitdoctor_ranking(report):
    """(ranked codes, any error, any warning, problems) from a fitdoctor JSON report."""
    ranked, problems = [], []
    any_error = any_warning = False
    if not report:
        return ranked, any_error, any_warning, ["no report"]
    entries = []
    for run_index, run in enumerate(report.get("runs", [])):
        for rank, f in enumerate(run.get("findings", [])):
            if f.get("kind") == "tool":
                problems.append(f"{f.get('code')} {f.get('title', '')}"[:160])
                continue
            sev = f.get("severity")
            if sev not in SEVERITY_ORDER or f.get("kind") not in ("cause", "symptom"):
                continue
            code = f.get("code")
            if f.get("explained_by"):
                code = f["explained_by"]
            any_error |= sev == "error"
            any_warning |= sev == "warning"
            entries.append((SEVERITY_ORDER[sev], run_index, rank, code))
    for _, _, _, code in sorted(entries):
        if code not in ranked:
            ranked.append(code)
    return ranked, any_error, any_warning, problems


def baseline_ranking(report, name):
    flags = ((report or {}).get(name) or {}).get("flags", [])
    ranked = []
    for f in flags:
        code = f.get("code")
        if code and code not in ranked:
            ranked.append(code)
    return ranked, [f.get("symptom") for f in flags]


def hit(ranked, causes, k):
    return bool(set(ranked[:k]) & set(causes))


def score(prog, fd, bl):
    row = {"name": prog["name"], "kind": prog["kind"], "causes": prog["causes"]}
    ranked, any_error, any_warning, problems = fitdoctor_ranking(fd.get("report"))
    report = fd.get("report") or {}
    pre = [r.get("preflight_seconds") for r in report.get("runs", [])
           if r.get("preflight_seconds") is not None]
    if fd["timeout"]:
        problems.append("fitdoctor timed out")
    elif fd["rc"] not in (0, None) and not report:
        problems.append(f"fitdoctor exit {fd['rc']} without a report")
    script_failed = None
    if not fd["timeout"] and fd["rc"] not in (0, None) and report:
        why = (fd.get("traceback") or "").strip().splitlines()[-1:] or ["no traceback"]
        script_failed = f"exit {fd['rc']}: {why[0][:200]}"
        if not any_error:  # fitdoctor did not stop the training: the script failed by itself
            problems.append(f"the script failed under fitdoctor ({script_failed})")
    row["fitdoctor"] = {
        "ranked": ranked, "any_error": any_error, "any_warning": any_warning,
        "hit1": hit(ranked, prog["causes"], 1), "hit3": hit(ranked, prog["causes"], 3),
        "seconds": fd["seconds"], "cpu_seconds": fd.get("cpu_seconds"),
        "preflight_seconds": pre[0] if pre else None,
        "timeout": fd["timeout"], "rc": fd["rc"], "problems": problems,
        "tail": fd["tail"][-1500:] if problems else "", "traceback": fd.get("traceback"),
        "script_failed": script_failed,
    }
    for name in BASELINES:
        ranked_b, symptoms = baseline_ranking(bl.get("report"), name)
        rep = (bl.get("report") or {}).get(name) or {}
        bprob = list(rep.get("errors", []))
        if bl["timeout"]:
            bprob.append("timed out")
        elif not bl.get("report"):
            bprob.append(f"no report (exit {bl['rc']})")
        if name == BASELINES[0] and bl.get("traceback"):
            bprob.append("program raised under the baselines: "
                         + bl["traceback"].strip().splitlines()[-1][:200])
        row[name] = {"ranked": ranked_b, "symptoms": symptoms, "flagged": bool(symptoms),
                     "hit1": hit(ranked_b, prog["causes"], 1),
                     "hit3": hit(ranked_b, prog["causes"], 3),
                     "notes": rep.get("notes", []), "problems": bprob,
                     "seconds": bl["seconds"], "cpu_seconds": bl.get("cpu_seconds"),
                     "timeout": bl["timeout"]}
    row["baselines_seconds"] = bl["seconds"]
    row["program_exit"] = (bl.get("report") or {}).get("exit_code")
    return row


def ratio(num, den):
    return None if den == 0 else num / den


def totals(rows):
    buggy = [r for r in rows if r["kind"] == "buggy"]
    twins = [r for r in rows if r["kind"] == "twin"]
    healthy = [r for r in rows if r["kind"] == "healthy"]
    out = {"counts": {"buggy": len(buggy), "twin": len(twins), "healthy": len(healthy),
                      "unlabelled": sum(r["kind"] == "unlabelled" for r in rows)}}
    fd = {
        "recall@1": ratio(sum(r["fitdoctor"]["hit1"] for r in buggy), len(buggy)),
        "recall@3": ratio(sum(r["fitdoctor"]["hit3"] for r in buggy), len(buggy)),
        "flagged_any_buggy": ratio(sum(r["fitdoctor"]["any_error"] or r["fitdoctor"]["any_warning"]
                                       for r in buggy), len(buggy)),
        "false_alarms_twins": ratio(sum(r["fitdoctor"]["any_error"] for r in twins), len(twins)),
        "false_alarms_healthy": ratio(sum(r["fitdoctor"]["any_error"] for r in healthy), len(healthy)),
        "healthy_with_warning": ratio(sum(r["fitdoctor"]["any_warning"] for r in healthy), len(healthy)),
    }
    times = [r["fitdoctor"]["seconds"] for r in rows]
    pre = [r["fitdoctor"]["preflight_seconds"] for r in rows
           if r["fitdoctor"]["preflight_seconds"] is not None]
    cpu = [r["fitdoctor"]["cpu_seconds"] for r in rows if r["fitdoctor"]["cpu_seconds"]]
    fd.update({
        "cpu_seconds_median": statistics.median(cpu) if cpu else None,
        "seconds_median": statistics.median(times) if times else None,
        "seconds_worst": max(times) if times else None,
        "preflight_median": statistics.median(pre) if pre else None,
        "preflight_worst": max(pre) if pre else None,
        "timeouts": sum(r["fitdoctor"]["timeout"] for r in rows),
    })
    out["fitdoctor"] = fd
    for name in BASELINES:
        btimes = [r[name]["seconds"] for r in rows]
        bcpu = [r[name]["cpu_seconds"] for r in rows if r[name]["cpu_seconds"]]
        out[name] = {
            "recall@1": ratio(sum(r[name]["hit1"] for r in buggy), len(buggy)),
            "recall@3": ratio(sum(r[name]["hit3"] for r in buggy), len(buggy)),
            "flagged_any_buggy": ratio(sum(r[name]["flagged"] for r in buggy), len(buggy)),
            "false_alarms_twins": ratio(sum(r[name]["flagged"] for r in twins), len(twins)),
            "false_alarms_healthy": ratio(sum(r[name]["flagged"] for r in healthy), len(healthy)),
            "healthy_with_warning": None,
            "seconds_median": statistics.median(btimes) if btimes else None,
            "cpu_seconds_median": statistics.median(bcpu) if bcpu else None,
            "seconds_worst": max(btimes) if btimes else None,
            "timeouts": sum(r[name]["timeout"] for r in rows),
        }
    return out


# ---- printing --------------------------------------------------------------------------------
def fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_tables(rows, tot, wall):
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)
    table = Table(title="Per program", show_lines=False)
    for col in ("program", "kind", "expected", "fitdoctor top-3", "hit", "fd s",
                "autotrainer", "umlaut"):
        table.add_column(col, overflow="fold")
    for r in rows:
        fd = r["fitdoctor"]
        if r["kind"] == "buggy":
            mark = "@1" if fd["hit1"] else ("@3" if fd["hit3"] else "miss")
        elif r["kind"] in ("twin", "healthy"):
            mark = "ALARM" if fd["any_error"] else ("warn" if fd["any_warning"] else "ok")
        else:
            mark = ""
        if fd["timeout"]:
            mark += " (timeout)"
        top = ", ".join(fd["ranked"][:3]) or "-"
        cells = []
        for name in BASELINES:
            b = r[name]
            text = ", ".join(f"{s}" for s in b["symptoms"]) or "-"
            if r["kind"] == "buggy":
                text += " [@1]" if b["hit1"] else (" [@3]" if b["hit3"] else "")
            if b["timeout"]:
                text += " (timeout)"
            cells.append(text)
        table.add_row(r["name"], r["kind"], ", ".join(r["causes"]) or "none", top, mark,
                      fmt(fd["seconds"], 1), *cells)
    console.print(table)

    t = Table(title=f"Totals ({tot['counts']['buggy']} buggy, {tot['counts']['twin']} twins, "
                    f"{tot['counts']['healthy']} healthy; {wall / 60:.1f} min)")
    t.add_column("metric")
    for name in ("fitdoctor",) + BASELINES:
        t.add_column(name, justify="right")
    metrics = [("recall@1 (buggy)", "recall@1"), ("recall@3 (buggy)", "recall@3"),
               ("flagged any problem (buggy)", "flagged_any_buggy"),
               ("false alarms, fixed twins", "false_alarms_twins"),
               ("false alarms, healthy", "false_alarms_healthy"),
               ("healthy with a warning", "healthy_with_warning"),
               ("seconds per program, median", "seconds_median"),
               ("seconds per program, worst", "seconds_worst"),
               ("CPU seconds per program, median", "cpu_seconds_median"),
               ("pre-flight seconds, median", "preflight_median"),
               ("pre-flight seconds, worst", "preflight_worst"),
               ("timeouts", "timeouts")]
    for label, key in metrics:
        t.add_row(label, *[fmt(tot[name].get(key)) for name in ("fitdoctor",) + BASELINES])
    console.print(t)
    console.print("fitdoctor false alarm = any error; baseline false alarm = any flag. "
                  "Baseline seconds: one run serving both baselines.")

    stopped = [r["name"] for r in rows if r["fitdoctor"]["script_failed"] and r["fitdoctor"]["any_error"]]
    if stopped:
        console.print(f"{len(stopped)} script(s) raised after fitdoctor stopped their training "
                      "(--stop-on error: fit() returns an empty History), as expected: "
                      + ", ".join(stopped), markup=False)
    problems = [(r["name"], p) for r in rows for p in r["fitdoctor"]["problems"]]
    problems += [(r["name"], f"{name}: {p}") for r in rows for name in BASELINES
                 for p in r[name]["problems"]]
    if problems:
        console.print("\n[bold]Problems seen[/bold]")
        for name, p in problems:
            console.print(f"  {name}: {p}", markup=False)


# ---- main ------------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default=None, help="only programs whose path contains this (comma: any of several)")
    ap.add_argument("--json", default=None, help="write every result to this file")
    ap.add_argument("--also", action="append", default=[],
                    help="another folder of programs (named like the cases) to include")
    ap.add_argument("--kinds", default=None,
                    help="only these kinds: buggy,twin,healthy,unlabelled (comma-separated)")
    ap.add_argument("--skip-baselines", action="store_true")
    ap.add_argument("--repair", action="store_true",
                    help="measure verified repair on the buggy cases instead (bench/repair_bench.py)")
    ap.add_argument("--repair-time", type=float, default=240.0, help="with --repair: each case's search bound")
    args = ap.parse_args(argv)
    if args.repair:
        import repair_bench

        return repair_bench.main(args)

    programs = discover(args.only, args.also)
    if args.kinds:
        programs = [p for p in programs if p["kind"] in args.kinds.split(",")]
    if not programs:
        print("no programs found", file=sys.stderr)
        return 1
    print(f"{len(programs)} programs, {args.jobs} jobs", file=sys.stderr)
    start = time.monotonic()
    results = {i: {} for i in range(len(programs))}
    with tempfile.TemporaryDirectory(prefix="fitdoctor-bench-") as tmp, \
            cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {}
        for i, prog in enumerate(programs):
            workdir = os.path.join(tmp, str(i))
            os.makedirs(workdir)
            futures[pool.submit(run_fitdoctor, prog, workdir)] = (i, "fd")
            if not args.skip_baselines:
                futures[pool.submit(run_baselines, prog, workdir)] = (i, "bl")
        done = 0
        for fut in cf.as_completed(futures):
            i, which = futures[fut]
            try:
                results[i][which] = fut.result()
            except Exception as exc:  # a runner bug must not lose the other programs
                results[i][which] = {"rc": None, "seconds": 0.0, "cpu_seconds": None, "timeout": False,
                                     "tail": f"runner error: {exc}", "report": None}
            done += 1
            res = results[i][which]
            status = ("TIMEOUT after 180 s" if res["timeout"]
                      else f"{res['seconds']:.1f}s (cpu {res.get('cpu_seconds') or 0:.1f}s)")
            print(f"[{done}/{len(futures)}] {programs[i]['name']} "
                  f"{'fitdoctor' if which == 'fd' else 'baselines'} {status}", file=sys.stderr)
    wall = time.monotonic() - start
    empty = {"rc": None, "seconds": 0.0, "cpu_seconds": None, "timeout": False, "tail": "",
             "report": None}
    rows = [score(p, results[i].get("fd", empty), results[i].get("bl", empty))
            for i, p in enumerate(programs)]
    tot = totals(rows)
    print_tables(rows, tot, wall)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"wall_seconds": wall, "jobs": args.jobs, "totals": tot, "programs": rows},
                      fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
