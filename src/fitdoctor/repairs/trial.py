"""One trial: the user's script run again in this (fresh) process, as `fitdoctor run` runs it,
with a repair's changes applied at the fit() calls of the run it targets; writes what the run
reached as JSON.

    python -m fitdoctor.repairs.trial SPEC.json RESULT.json
"""

from __future__ import annotations

import json
import math
import os
import pickle
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Rates tried around the repaired run's own rate when the search asks for it: structural
# fixes change the loss surface, so the rate that suited the broken program rarely suits the
# repaired one.
RATE_FACTORS = (0.3, 3.0, 10.0, 30.0)
# A retuned rate must lower the short run's loss at least this much more than the current.
RATE_BETTER_BY = 0.8


@dataclass
class TrialSpec:
    script: str
    args: list[str]
    changes: list[dict[str, Any]]
    score_sample: str  # a pickled data.Batch of the original run's training samples
    task: str  # "classification" or "regression"
    run_index: int = 0
    probe_rates: bool = False
    weights_out: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class TrialResult:
    status: int
    seconds: float
    history: list[float] = field(default_factory=list)
    loss: float | None = None
    score: dict[str, Any] | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    epochs: int = 0
    steps_per_epoch: int | None = None
    retuned_rate: float | None = None
    error: str | None = None
    output: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrialResult":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _retune(state: Any) -> float | None:
    """The best rate for the repaired run's own optimizer among a few around its own, by short
    runs on a copy, when clearly better than the current rate."""
    from fitdoctor.checks.base import Unsupported
    from fitdoctor.probes.short_run import clone_optimizer

    context = state.context
    try:
        current = context.user_short_run
    except Unsupported:
        return None
    rate = state.program.optimizer.learning_rate
    context.allowance.grant(len(RATE_FACTORS), current.steps)
    best = None
    for factor in RATE_FACTORS:
        try:
            run = context.short_run(clone_optimizer(state.program.model.optimizer, learning_rate=rate * factor),
                                    steps=current.steps)
        except Unsupported:  # the pre-flight's time for short runs is spent
            break
        if run.diverged or not math.isfinite(run.final):
            continue
        if run.final < RATE_BETTER_BY * current.final and (best is None or run.final < best[1]):
            best = (rate * factor, run.final)
    return best[0] if best else None


def run_trial(spec: TrialSpec) -> TrialResult:
    from fitdoctor.config import Settings
    from fitdoctor.repairs.apply import Applier
    from fitdoctor.repairs.model import Change
    from fitdoctor.runner import run_script

    began = time.perf_counter()
    applier = Applier([Change.from_dict(c) for c in spec.changes], spec.run_index)
    runs_seen: list[Any] = []
    retuned: list[float | None] = [None]

    def after_preflight(state: Any) -> None:
        runs_seen.append(state)
        if spec.probe_rates and len(runs_seen) == spec.run_index + 1:
            retuned[0] = _retune(state)

    outcome = run_script(Path(spec.script), list(spec.args), Settings(fail_on=None),
                         before_fit=applier, after_preflight=after_preflight)
    result = TrialResult(outcome.exit_status, 0.0, retuned_rate=retuned[0])
    runs = outcome.report.runs
    if len(runs) <= spec.run_index or applier.repaired is None:
        result.error = "the trial made no fit() call for the repaired run"
    else:
        run = runs[spec.run_index]
        result.history = [float(v) for v in run.history.losses]
        result.loss = result.history[-1] if result.history else None
        result.findings = [{"code": f.code, "severity": f.severity.label, "kind": f.kind, "title": f.title}
                           for f in run.ranked()]
        result.epochs = len(run.history.losses)
        result.steps_per_epoch = runs_seen[spec.run_index].program.data.steps_per_epoch if runs_seen else None
        try:
            result.score = _score(applier, spec).to_dict()
        except Exception as error:  # noqa: BLE001 - a run that cannot be scored is not verified
            result.error = f"scoring failed: {type(error).__name__}: {error}"
        if spec.weights_out:
            np.savez(spec.weights_out, **{v.path: np.asarray(v.numpy()) for v in applier.repaired.weights})
    result.seconds = time.perf_counter() - began
    return result


def _score(applier: Any, spec: TrialSpec) -> Any:
    from fitdoctor.repairs.score import evaluate

    with open(spec.score_sample, "rb") as handle:
        sample = pickle.load(handle)
    return evaluate(applier.repaired, sample, spec.task, applier.target_transform)


def main(argv: list[str]) -> int:
    spec_path, result_path = argv
    spec = TrialSpec(**json.loads(Path(spec_path).read_text()))
    try:
        result = run_trial(spec)
    except BaseException as error:  # noqa: BLE001 - the trial's own failure is its result
        result = TrialResult(1, 0.0, error=f"{type(error).__name__}: {error}\n{traceback.format_exc()[-2000:]}")
    Path(result_path).write_text(json.dumps(result.to_dict(), default=str))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main(sys.argv[1:]))
