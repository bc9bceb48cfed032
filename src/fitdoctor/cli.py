"""The command line: `fitdoctor run`, `fitdoctor explain`, `fitdoctor checks`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from fitdoctor import config
from fitdoctor.codes import CODES

# Exit statuses of the contract.
FAIL_ON_MET = 3

LEVELS = click.Choice(["error", "warning"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fitdoctor")
def main() -> None:
    """Tells you why your Keras model does not train."""


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True})
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report as JSON to this path.")
@click.option("--preflight-only", is_flag=True,
              help="Diagnose each fit() call, then skip the training itself.")
@click.option("--stop-on", type=LEVELS, help="Stop training once a finding at or above LEVEL is established.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]),
              help="Exit 3 when a cause or symptom at or above LEVEL was reported (default: error).")
@click.option("--select", help="Only these codes or prefixes, comma-separated (FD2,FD301).")
@click.option("--ignore", help="Never these codes or prefixes, comma-separated.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a self-contained HTML report with plots to this path.")
@click.option("--repair", is_flag=True,
              help="Try candidate fixes in fresh processes, re-train, report which are verified to train.")
@click.option("--goal", help="What a repair must reach: 'accuracy>=0.99', 'r2>=0.999', 'loss<=1e-6' "
                             "(default: at most half the original run's error).")
@click.option("--executor", "executor_name", type=click.Choice(["local", "ray"]), default="local",
              help="Where trials run: local processes (default) or Ray tasks (RAY_ADDRESS or a local instance).")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel trials of the local executor.")
@click.option("--repair-time", type=click.FloatRange(min=1), help="Bound on the whole repair search, in seconds.")
@click.option("--patch", "patch_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the recommended repair as a unified diff against the script.")
def run(script: Path, script_args: tuple[str, ...], json_path: Path | None, preflight_only: bool,
        stop_on: str | None, fail_on: str | None, select: str | None, ignore: str | None,
        html_path: Path | None, repair: bool, goal: str | None, executor_name: str, jobs: int | None,
        repair_time: float | None, patch_path: Path | None) -> None:
    """Run SCRIPT [SCRIPT_ARGS...] as Python would, diagnosing every fit() call.

    fitdoctor's own options may come before or after SCRIPT; every other argument goes to the
    script. Put `--` before arguments meant for the script that share a name with one of
    fitdoctor's options.
    """
    if html_path is not None:
        _html_available()
    if not repair and (goal or patch_path or jobs or repair_time or executor_name != "local"):
        raise click.UsageError("--goal, --executor, --jobs, --repair-time and --patch go with --repair")
    if goal:
        from fitdoctor.repairs.score import Goal

        try:
            Goal.parse(goal)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    if executor_name == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            raise click.UsageError("--executor ray needs Ray: pip install 'fitdoctor[ray]'") from None
    if not script.is_file():
        raise click.UsageError(f"no such script: {script}")
    settings = config.load(Path.cwd()).with_overrides(
        select=config.parse_codes(select), ignore=config.parse_codes(ignore),
        preflight_only=preflight_only or None)
    if stop_on is not None:
        settings = settings.with_overrides(stop_on=config.parse_level(stop_on))
    if fail_on is not None:
        from dataclasses import replace

        settings = replace(settings, fail_on=config.parse_level(fail_on))

    from fitdoctor.report import json_report, terminal
    from fitdoctor.runner import run_script

    console = Console(stderr=True)

    def show(heading: str, findings: list) -> None:
        terminal.print_findings(console, findings, heading)

    if repair:
        from fitdoctor.repairs.session import repair_script

        def tell(attempt) -> None:
            verdict = "verified" if attempt.verified else "not verified"
            console.print(f"fitdoctor repair: {', '.join(attempt.repair.fixes)} {attempt.repair.summary}: "
                          f"{verdict} ({attempt.why}; {attempt.result.seconds:.0f}s)")

        outcome = repair_script(script, list(script_args), settings, goal=goal, executor=executor_name,
                                jobs=jobs, repair_time=repair_time, on_findings=show, on_attempt=tell,
                                on_progress=terminal.PreflightStatus(console))
    else:
        outcome = run_script(script, list(script_args), settings, show, on_progress=terminal.PreflightStatus(console))
    terminal.print_report(console, outcome.report)
    if json_path is not None:
        json_report.write(outcome.report, json_path)
        console.print(f"report written to {json_path}")
    if patch_path is not None:
        diff = next((r["diff"] for run in outcome.report.runs for r in run.repairs
                     if r.get("recommended") and r.get("diff")), None)
        if diff:
            patch_path.write_text(diff)
            console.print(f"recommended repair written to {patch_path} (apply with: patch -p0 < {patch_path})")
        else:
            console.print("no verified repair that is an edit of the script's calls; nothing written to "
                          f"{patch_path}")
    if html_path is not None:
        _write_html(outcome.report.to_dict(), html_path, console)
    if outcome.exit_status:
        sys.exit(outcome.exit_status)
    if outcome.report.fails(settings.fail_on):
        sys.exit(FAIL_ON_MET)


@main.command()
@click.argument("saved", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the HTML report to this path instead of printing the report.")
def report(saved: Path, html_path: Path | None) -> None:
    """Render a report saved with `fitdoctor run --json` again: in the terminal, or as HTML."""
    import json

    from fitdoctor.report import terminal
    from fitdoctor.report.model import SCHEMA

    try:
        data = json.loads(saved.read_text())
    except (OSError, ValueError) as error:
        raise click.UsageError(f"{saved} is not a JSON report: {error}") from error
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise click.UsageError(f"{saved} is not a fitdoctor report (schema {SCHEMA})")
    console = Console(stderr=True)
    if html_path is None:
        terminal.print_report_dict(Console(), data)
        return
    _html_available()
    _write_html(data, html_path, console)


def _html_available() -> None:
    """Before any work is done: the HTML view's optional dependencies are installed."""
    from fitdoctor.report import html

    try:
        html.templates()
    except html.MissingExtra as missing:
        raise click.UsageError(str(missing)) from missing


def _write_html(data: dict, path: Path, console: Console) -> None:
    from fitdoctor.report import html

    html.write(data, path)
    console.print(f"HTML report written to {path}", soft_wrap=True)


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """What CODE means, why it breaks training and how to fix it."""
    from fitdoctor.codes import explanation

    code = code.upper()
    if code not in CODES:
        raise click.UsageError(f"unknown code {code!r}; `fitdoctor checks` lists them")
    click.echo(explanation(code))


@main.command()
def checks() -> None:
    """Every finding code, the check that reports it and what it needs."""
    from rich.table import Table

    from fitdoctor.checks import REGISTRY

    table = Table("code", "name", "check", "needs")
    for code, entry in CODES.items():
        check = REGISTRY.get(code)
        table.add_row(code, entry.name, type(check).__name__ if check else "(not yet)",
                      check.needs if check else "")
    Console().print(table)
