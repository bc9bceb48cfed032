"""Every fit() of a notebook diagnosed, as `fitdoctor run` does for a script: `%load_ext
fitdoctor` or `fitdoctor.watch()` install the same interception (capture.Session) in the
kernel. Pre-flight findings are printed when each fit() starts; when a cell that called fit()
ends, the report of its runs is displayed (the HTML view, with the terminal text as the
plain-text alternative). `fitdoctor.unwatch()` or `%unload_ext fitdoctor` remove it."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from fitdoctor import config
from fitdoctor.capture import Session
from fitdoctor.config import Settings
from fitdoctor.report import terminal
from fitdoctor.report.model import Report

_watching: "Watch | None" = None


class Watch:
    """The interception in this process, and the IPython hook that shows each cell's report."""

    def __init__(self, settings: Settings) -> None:
        self.session = Session(settings, None, self._print)
        # Plain text into the cell's output stream (rich would otherwise render to HTML there).
        self._console = Console(file=sys.stdout, force_jupyter=False)
        self._reported = 0
        self._shell: Any = None

    def _print(self, heading: str, findings: list) -> None:
        terminal.print_findings(self._console, findings, heading)

    @property
    def report(self) -> Report:
        """Everything watched so far, judged as at the end of a script."""
        return self.session.finish()

    def start(self) -> None:
        import keras  # noqa: F401 - Keras must be importable before fit() is patched

        self.session.install()
        try:
            from IPython import get_ipython
        except ImportError:
            return
        self._shell = get_ipython()
        if self._shell is not None:
            self._shell.events.register("post_run_cell", self._after_cell)

    def stop(self) -> None:
        self.session.uninstall()
        if self._shell is not None:
            self._shell.events.unregister("post_run_cell", self._after_cell)
            self._shell = None

    def _after_cell(self, result: Any = None) -> None:
        runs = self.session.fitted[self._reported:]
        self._reported = len(self.session.fitted)
        if not runs:
            return
        try:
            self.session.finish()
            show(Report(None, list({id(run): run for run in runs}.values())))
        except Exception as error:  # noqa: BLE001 - a report that fails must not fail the user's cell
            print(f"fitdoctor could not show the report: {type(error).__name__}: {error}", file=sys.stderr)


def show(report: Report) -> None:
    """Display `report` in the notebook: HTML, and the terminal text as plain text."""
    from IPython.display import display

    text = io.StringIO()
    terminal.print_report(Console(file=text, width=100, force_jupyter=False, color_system=None), report)
    display({"text/html": report._repr_html_(), "text/plain": text.getvalue()}, raw=True)


def watch(stop_on: str | None = None, preflight_only: bool = False, settings: Settings | None = None) -> Watch:
    """Diagnose every fit() from now on in this process (a notebook kernel): pre-flight
    before each new model trains, its report when the cell ends. Calling it again replaces
    the previous watch."""
    global _watching
    unwatch()
    settings = settings or config.load(Path.cwd())
    settings = settings.with_overrides(preflight_only=preflight_only or None)
    if stop_on is not None:
        settings = settings.with_overrides(stop_on=config.parse_level(stop_on))
    _watching = Watch(settings)
    _watching.start()
    return _watching


def unwatch() -> None:
    global _watching
    if _watching is not None:
        _watching.stop()
        _watching = None


def load_ipython_extension(ipython: Any) -> None:
    watch()


def unload_ipython_extension(ipython: Any) -> None:
    unwatch()
