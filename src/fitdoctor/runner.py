"""Runs a user's script as `python SCRIPT ARGS...` would, with fit() intercepted."""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from fitdoctor.config import Settings
from fitdoctor.findings import Finding
from fitdoctor.report.model import Report


@dataclass
class Outcome:
    report: Report
    exit_status: int  # the script's own status: 0, its sys.exit code, or 1 if it raised
    models: list[Any] = field(default_factory=list)  # each run's model, in the report's order


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
               on_findings: Callable[[str, list[Finding]], None] | None = None, *,
               before_fit: Callable[[Any, dict], Any] | None = None,
               after_preflight: Callable[[Any], None] | None = None,
               on_progress: Callable[[str, int, int], None] | None = None) -> Outcome:
    """Runs `script` with fit() intercepted; `before_fit` and `after_preflight` are
    capture.Session's hooks (a repair trial, the repair planner), `on_progress` its pre-flight
    status."""
    _headless()
    import keras  # noqa: F401 - fit() must be patched before the script imports Keras

    from fitdoctor.capture import Session

    session = Session(settings, str(script), on_findings, before_fit=before_fit,
                      after_preflight=after_preflight, on_progress=on_progress)
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [str(script), *args]
    sys.path.insert(0, str(script.resolve().parent))
    status = 0
    failure: BaseException | None = None
    session.install()
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        status = _exit_status(exit_.code)
    except BaseException as error:  # noqa: BLE001 - report the script's own failure like Python would
        traceback.print_exc()
        status, failure = 1, error
    finally:
        session.uninstall()
        sys.argv, sys.path[:] = saved_argv, saved_path
    report = session.finish()
    note = _keras2_note(failure, bool(report.runs))
    if note:
        report.notes.append(note)
    return Outcome(report, status, session.models())


# Modules and names that exist in Keras 2 / tf.keras but not in Keras 3.
_KERAS2_MARKERS = ("keras.engine", "keras.layers.core", "keras.layers.convolutional", "keras.wrappers",
                   "keras.layers.recurrent", "keras.legacy", "fit_generator", "keras.backend.tensorflow_backend",
                   "'lr'", "keras.optimizers.legacy", "set_session", "get_session")


def _keras2_note(failure: BaseException | None, diagnosed: bool) -> str | None:
    """Why a script written for Keras 2 / tf_keras gave nothing to diagnose."""
    import keras

    if failure is not None and isinstance(failure, (ImportError, AttributeError, TypeError, ValueError)):
        text = str(failure)
        if any(marker in text for marker in _KERAS2_MARKERS):
            return (f"The script stopped on an API that Keras 3 does not have ({text}); it looks written "
                    f"for Keras 2 / tf.keras. fitdoctor diagnoses Keras 3 programs (installed: Keras "
                    f"{keras.__version__}); port the script to Keras 3 first.")
    if not diagnosed and "tf_keras" in sys.modules:
        return ("The script trains with tf_keras (Keras 2), whose fit() fitdoctor does not intercept; "
                f"fitdoctor diagnoses Keras 3 programs (installed: Keras {keras.__version__}).")
    return None
