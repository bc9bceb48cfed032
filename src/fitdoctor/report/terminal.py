"""The terminal view: rich when writing to a terminal, plain text otherwise."""

from __future__ import annotations

import json
from typing import Iterable

from rich.console import Console, Group
from rich.padding import Padding
from rich.syntax import Syntax
from rich.text import Text

from fitdoctor.findings import Finding, Severity, jsonable
from fitdoctor.report.model import Report, Run

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def finding_view(finding: Finding) -> Group:
    head = Text()
    head.append(f"{finding.severity.label:<7} ", style=_STYLE[finding.severity])
    head.append(f"{finding.code} {finding.name}", style="bold")
    head.append(f"  {finding.title}")
    parts: list = [head]
    details = Text()
    if finding.location:
        details.append("at " + ", ".join(f"{k} {v}" for k, v in finding.location.items()) + "\n", style="dim")
    if finding.detected_at != "preflight":
        details.append(f"detected at {finding.detected_at}\n", style="dim")
    if finding.explained_by:
        details.append(f"explained by {finding.explained_by}\n", style="dim")
    details.append(finding.message + "\n")
    if finding.evidence:
        details.append("evidence: ", style="dim")
        details.append(", ".join(f"{k}={json.dumps(v)}" for k, v in jsonable(finding.evidence).items()) + "\n",
                       style="dim")
    if finding.fix:
        details.append(f"fix ({finding.fix.safety}): ", style="green")
        details.append(finding.fix.summary)
    parts.append(Padding(details, (0, 0, 0, 8), expand=False))
    if finding.fix and finding.fix.code:
        parts.append(Padding(Syntax(finding.fix.code, "python", theme="ansi_dark", background_color="default"),
                             (0, 0, 0, 10), expand=False))
    return Group(*parts)


def print_findings(console: Console, findings: Iterable[Finding], heading: str) -> None:
    findings = list(findings)
    console.print(Text(heading, style="bold"))
    if not findings:
        console.print(Padding(Text("no findings", style="green"), (0, 0, 0, 2), expand=False))
    for finding in findings:
        console.print(Padding(finding_view(finding), (0, 0, 1, 2), expand=False))


def print_run(console: Console, run: Run, number: int) -> None:
    losses = run.history.losses
    trained = f", {len(losses)} epochs, loss {losses[0]:.4g} -> {losses[-1]:.4g}" if losses else ", not trained"
    print_findings(console, run.ranked(),
                   f"Run {number}: fit() at {run.where} (pre-flight {run.preflight_seconds:.2f}s{trained})")


def print_report(console: Console, report: Report) -> None:
    console.rule(f"fitdoctor report: {report.script or 'diagnose()'}")
    for note in report.notes:
        console.print(Text(note, style="yellow"))
    for number, run in enumerate(report.runs, start=1):
        print_run(console, run, number)
    counts = {level: sum(1 for f in report.findings() if f.severity == level and f.kind != "tool")
              for level in (Severity.ERROR, Severity.WARNING)}
    console.print(Text(f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s) "
                       f"in {len(report.runs)} run(s)", style="bold"))
