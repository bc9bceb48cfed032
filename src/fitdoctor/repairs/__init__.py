"""Verified repair: candidate fixes of a diagnosed run applied to the user's own program,
re-trained in fresh processes, and verified (see `search.py` for the rule).

`fitdoctor.repair(script, ...)` runs the search on a script in code, as
`fitdoctor run SCRIPT --repair` does on the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fitdoctor.config import Settings
from fitdoctor.report.model import Report


def repair(script: str | Path, args: list[str] | tuple[str, ...] = (), *, goal: str | None = None,
           executor: Any = "local", jobs: int | None = None, repair_time: float | None = None,
           settings: Settings | None = None) -> Report:
    """Run `script` (with `args`) under fitdoctor, then search for verified repairs of each of
    its training runs; every run of the returned report has its `repairs` (and `repair_notes`:
    the goal, the baseline, what was not tried). `executor` is "local", "ray" or an executor
    object (`fitdoctor.repairs.executors`); `goal` as on the command line ("accuracy>=0.99")."""
    from fitdoctor.repairs.session import repair_script

    outcome = repair_script(Path(script), list(args), settings or Settings(fail_on=None), goal=goal,
                            executor=executor, jobs=jobs, repair_time=repair_time)
    return outcome.report
