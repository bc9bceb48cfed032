"""The terminal view, rendered from the report's JSON dict like the HTML view: rich colours
and a pre-flight status line on a terminal, plain text otherwise (CI logs). Per fit() call:
a one-line verdict (the top cause), then the findings, root cause first, each with its
evidence aligned and its fix highlighted; then the repairs, verified first."""

from __future__ import annotations

import json
from typing import Any, Iterable

from rich.console import Console, Group
from rich.padding import Padding
from rich.status import Status
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from fitdoctor.findings import Finding
from fitdoctor.report.model import Report, counts, repairs_in_order, top_finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _code(text: str, language: str = "python") -> Syntax:
    return Syntax(text, language, theme="ansi_dark", background_color="default", word_wrap=True)


def _evidence(evidence: dict[str, Any]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for key, value in evidence.items():
        grid.add_row(key, value if isinstance(value, str) else json.dumps(value))
    return grid


def finding_view(finding: dict[str, Any]) -> Group:
    head = Text()
    head.append(f"{finding['severity']:<7} ", style=_STYLE.get(finding["severity"], ""))
    head.append(f"{finding['code']} {finding['name']}", style="bold")
    head.append(f"  {finding['title']}")
    context = [f"at {', '.join(f'{k} {v}' for k, v in finding['location'].items())}"] if finding["location"] else []
    if finding["detected_at"] != "preflight":
        context.append(f"detected at {finding['detected_at']}")
    if finding["explained_by"]:
        context.append(f"explained by {finding['explained_by']}")
    details: list = []
    if context:
        details.append(Text("; ".join(context), style="dim"))
    details.append(Text(finding["message"]))
    if finding["evidence"]:
        details.append(_evidence(finding["evidence"]))
    fix = finding["fix"]
    if fix:
        line = Text()
        line.append(f"fix ({fix['safety']}): ", style="green")
        line.append(fix["summary"])
        details.append(line)
        if fix.get("code"):
            details.append(Padding(_code(fix["code"]), (0, 0, 0, 2), expand=False))
    return Group(head, Padding(Group(*details), (0, 0, 0, 8), expand=False))


def print_findings(console: Console, findings: Iterable[Finding | dict[str, Any]], heading: str) -> None:
    findings = [f.to_dict() if isinstance(f, Finding) else f for f in findings]
    console.print(Text(heading, style="bold"))
    if not findings:
        console.print(Padding(Text("no findings", style="green"), (0, 0, 0, 2), expand=False))
    for finding in findings:
        console.print(Padding(finding_view(finding), (0, 0, 1, 2), expand=False))


def verdict(findings: list[dict[str, Any]]) -> Text:
    top = top_finding(findings)
    line = Text("verdict: ", style="bold")
    if top is None:
        line.append("nothing that stops this model from training was found", style="green")
    else:
        line.append(f"{top['code']} {top['name']}", style=_STYLE[top["severity"]])
        line.append(f": {top['title']}")
    return line


def repair_view(repair: dict[str, Any]) -> Group:
    head = Text()
    if repair.get("recommended"):
        head.append("recommended ", style="bold green")
    head.append("verified     " if repair.get("verified") else "not verified ",
                style="green" if repair.get("verified") else "yellow")
    head.append(" + ".join(repair.get("fixes", [])), style="bold")
    head.append(f"  {repair.get('summary', '')}")
    sides = []
    for part in ("before", "after"):
        side = repair.get(part) or {}
        score = side.get("task_score")
        loss = side.get("loss")
        sides.append(f"{part}: loss {loss:.4g}" if isinstance(loss, (int, float)) else f"{part}: loss n/a")
        if score:
            sides[-1] += f", {score['metric']} {score['value']:.4g}"
    details: list = [Text(f"{repair.get('safety', '')}; goal {repair.get('goal', '')}; " + "; ".join(sides)
                          + (f"; {repair['seconds']:.1f}s" if isinstance(repair.get("seconds"), (int, float)) else ""),
                          style="dim")]
    if repair.get("why"):
        details.append(Text(repair["why"]))
    if repair.get("diff"):
        details.append(_code(repair["diff"], "diff"))
    elif repair.get("code"):
        details.append(_code(repair["code"]))
    return Group(head, Padding(Group(*details), (0, 0, 0, 8), expand=False))


def print_run(console: Console, run: dict[str, Any], number: int) -> None:
    losses = [float(loss) for loss in run["history"]["loss"]]
    trained = f", {len(losses)} epochs, loss {losses[0]:.4g} -> {losses[-1]:.4g}" if losses else ", not trained"
    console.print(Text(f"Run {number}: fit() at {run['where']} (pre-flight {run['preflight_seconds']:.2f}s{trained})",
                       style="bold"))
    console.print(Padding(verdict(run["findings"]), (0, 0, 1, 2), expand=False))
    if not run["findings"]:
        console.print(Padding(Text("no findings", style="green"), (0, 0, 1, 2), expand=False))
    for finding in run["findings"]:
        console.print(Padding(finding_view(finding), (0, 0, 1, 2), expand=False))
    repairs = run.get("repairs") or []
    if repairs:
        console.print(Padding(Text(f"Repairs ({sum(bool(r.get('verified')) for r in repairs)} of {len(repairs)} "
                                   "verified)", style="bold"), (0, 0, 0, 2), expand=False))
        for repair in repairs_in_order(repairs):
            console.print(Padding(repair_view(repair), (0, 0, 1, 4), expand=False))


def print_report(console: Console, report: Report) -> None:
    print_report_dict(console, report.to_dict())


def print_report_dict(console: Console, data: dict[str, Any]) -> None:
    """The report of `Report.to_dict()` or of a saved JSON report."""
    console.rule(f"fitdoctor report: {data['script'] or 'diagnose()'}")
    for note in data.get("notes", []):
        console.print(Text(note, style="yellow"))
    for number, run in enumerate(data["runs"], start=1):
        print_run(console, run, number)
    total = counts([f for run in data["runs"] for f in run["findings"]])
    console.print(Text(f"{total['error']} error(s), {total['warning']} warning(s) in {len(data['runs'])} run(s)",
                       style="bold"))


class PreflightStatus:
    """A status line while pre-flight runs ("pre-flight: FD301 lr-too-high, 3/12 checks"),
    on a terminal only: `engine.start`'s progress callback."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._status: Status | None = None

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self.console.is_terminal:
            return
        if done >= total:
            if self._status is not None:
                self._status.stop()
                self._status = None
            return
        text = f"pre-flight: {what}, {done}/{total} checks"
        if self._status is None:
            self._status = self.console.status(text)
            self._status.start()
        else:
            self._status.update(text)
