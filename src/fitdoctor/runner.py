"""Runs a user's script as `python SCRIPT ARGS...` would, with fit() intercepted."""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fitdoctor.config import Settings
from fitdoctor.findings import Finding
from fitdoctor.report.model import Report


@dataclass
class Outcome:
    report: Report
    exit_status: int  # the script's own status: 0, its sys.exit code, or 1 if it raised


def _headless() -> None:
    # matplotlib reads MPLBACKEND when it is first imported: with no display, a non-interactive
    # backend makes plt.show() return at once instead of blocking or failing.
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform != "darwin":
        os.environ.setdefault("MPLBACKEND", "Agg")


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run_script(script: Path, args: list[str], settings: Settings,
               on_findings: Callable[[str, list[Finding]], None] | None = None) -> Outcome:
    _headless()
    import keras  # noqa: F401 - fit() must be patched before the script imports Keras

    from fitdoctor.capture import Session

    session = Session(settings, str(script), on_findings)
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [str(script), *args]
    sys.path.insert(0, str(script.resolve().parent))
    status = 0
    session.install()
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        status = _exit_status(exit_.code)
    except BaseException:  # noqa: BLE001 - report the script's own failure like Python would
        traceback.print_exc()
        status = 1
    finally:
        session.uninstall()
        sys.argv, sys.path[:] = saved_argv, saved_path
    return Outcome(session.finish(), status)
