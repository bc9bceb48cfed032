"""The HTML view: one self-contained page (inline CSS, plots as inline SVG, no script, nothing
fetched) rendered from the report's JSON dict, so a live run, a saved `--json` report and a
notebook cell all give the same page. Needs the `html` extra (jinja2, matplotlib)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fitdoctor.report.model import Report, counts, repairs_in_order, top_finding

MISSING_EXTRA = ("the HTML report needs the 'html' extra (jinja2 and matplotlib): "
                 "pip install 'fitdoctor[html]'")


class MissingExtra(ImportError):
    """jinja2 or matplotlib is not installed."""


@lru_cache(maxsize=1)
def templates() -> Any:
    """The Jinja2 environment of the report's templates (autoescaping every value)."""
    try:
        import jinja2
        import markupsafe
        import matplotlib  # noqa: F401 - the plots need it; say so before rendering half a page
    except ImportError as error:
        raise MissingExtra(f"{MISSING_EXTRA} ({error})") from error
    environment = jinja2.Environment(loader=jinja2.PackageLoader("fitdoctor.report", "templates"),
                                     autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["code"] = lambda text, language="python": markupsafe.Markup(
        _highlight(text, language))
    environment.filters["json"] = lambda value: json.dumps(value)
    environment.filters["svg"] = markupsafe.Markup
    return environment


def _highlight(text: str, language: str) -> str:
    """Code as HTML with inline colours (pygments, which rich already needs); pygments escapes it."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    return highlight(text, get_lexer_by_name(language), HtmlFormatter(noclasses=True, style="friendly",
                                                                     cssclass="code", nobackground=True))


def render(data: dict[str, Any], fragment: bool = False) -> str:
    """The page for a report dict (`Report.to_dict()` or a saved JSON report); with
    `fragment`, the same report as one `<div>` with its own scoped style (a notebook cell)."""
    from fitdoctor.codes import CODES, explanation
    from fitdoctor.report import plots

    # What a saved report reads back: the same values whether the dict is fresh or loaded.
    data = json.loads(json.dumps(data, allow_nan=False, default=str))
    failures: list[str] = []

    def drawn(plot: Any, entry: dict[str, Any]) -> str | None:
        """A plot that fails on unexpected data is left out and said so, never the page."""
        try:
            return plot(entry)
        except Exception as error:  # noqa: BLE001
            failures.append(f"{plot.__name__.strip('_')}: {type(error).__name__}: {error}")
            return None

    runs = []
    for number, run in enumerate(data["runs"], start=1):
        findings = run["findings"]
        runs.append({
            "number": number, "run": run, "counts": counts(findings), "verdict": top_finding(findings),
            "plots": [(name, svg) for name, svg in (("loss", drawn(plots.loss, run)),
                                                    ("gradient-norms", drawn(plots.gradient_norms, run)),
                                                    ("predictions", drawn(plots.predictions, run))) if svg],
            "findings": [{"finding": f, "plot": drawn(plots.finding, f), "anchor": anchor,
                          "explanation": explanation(f["code"]) if f["code"] in CODES else ""}
                         for f, anchor in zip(findings, _anchors(number, findings))],
            "repairs": [{"repair": r, "plot": drawn(plots.repair, r)} for r in repairs_in_order(run.get("repairs", []))],
        })
    totals = counts([f for run in data["runs"] for f in run["findings"]])
    template = "body.html.j2" if fragment else "report.html.j2"
    return templates().get_template(template).render(report=data, runs=runs, totals=totals,
                                                       failures=failures)


def _anchors(number: int, findings: list[dict[str, Any]]) -> list[str]:
    """In-page ids: `run-N-CODE` for a code's first finding (where `explained_by` links to)."""
    seen: dict[str, int] = {}
    anchors = []
    for finding in findings:
        seen[finding["code"]] = seen.get(finding["code"], 0) + 1
        count = seen[finding["code"]]
        anchors.append(f"run-{number}-{finding['code']}" + (f"-{count}" if count > 1 else ""))
    return anchors


def write(report: Report | dict[str, Any], path: Path) -> None:
    data = report.to_dict() if isinstance(report, Report) else report
    Path(path).write_text(render(data), encoding="utf-8")
