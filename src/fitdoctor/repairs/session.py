"""`fitdoctor run --repair` and `fitdoctor.repair(...)`: run the script as `fitdoctor run` does,
plan repairs of each run's causes after its pre-flight, then search for verified ones."""

from __future__ import annotations

import math
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fitdoctor.config import Settings
from fitdoctor.data import SAMPLE_CAP, Batch
from fitdoctor.engine import RunState
from fitdoctor.findings import Finding
from fitdoctor.repairs.executors import Executor, executor as make_executor
from fitdoctor.repairs.model import Repair
from fitdoctor.repairs.plan import plan
from fitdoctor.repairs.score import Goal, evaluate, task_of
from fitdoctor.repairs.search import Attempt, Outcome, Search
from fitdoctor.runner import Outcome as ScriptOutcome, run_script

# Without --repair-time: this many times the original run's wall time, and at least this long.
TIME_FACTOR = 10
MIN_TIME = 240.0


def _task(state: RunState) -> str:
    import keras

    from fitdoctor.checks.data.label_encoding import Labels
    from fitdoctor.checks.targets import profile

    sample = state.program.data.sample
    targets = np.asarray(keras.tree.flatten(sample.y)[0])
    loss = state.program.losses[0]
    kind = profile(targets, loss).kind
    # Class ids under a classification loss that cannot take them (ids 0..2 under binary
    # cross-entropy, FD106) are still classes: a repair of the encoding is scored on them.
    if kind == "regression" and loss.is_classification and np.issubdtype(targets.dtype, np.number):
        labels = Labels.measure(targets)
        if labels is not None and labels.integer and labels.minimum >= 0:
            return "classification"
    return task_of(kind)


def _score_sample(state: RunState) -> Batch | None:
    """The samples a repair is scored on: the run's training sample, or, when validation_split
    holds the last samples of the arrays back, a sample of all of them. A split that keeps
    classes from training (FD108) leaves the training part perfectly learnable; what the
    repair changes shows only on the samples the split took away."""
    arguments, sample = state.program.fit_kwargs, state.run.probe
    if sample is None or not arguments.get("validation_split") or state.program.data.kind != "arrays":
        return sample
    return Batch(arguments.get("x"), arguments.get("y"), arguments.get("sample_weight")).spread(SAMPLE_CAP)


def _goal(goal: str | None, baseline: Outcome) -> Goal:
    if goal:
        return Goal.parse(goal)
    if baseline.score is not None:
        return Goal.improvement(baseline.score)
    limit = baseline.loss if baseline.loss is not None and math.isfinite(baseline.loss) else math.inf
    return Goal("loss", "<", limit, "a lower loss than the original run")


def _diff(script: Path, attempt: Attempt, state: RunState, model: Any) -> str | None:
    """The repair as a unified diff against the script, or None (its code is the snippet)."""
    try:
        from fitdoctor.repairs.patch import PatchContext, diff
    except ImportError:  # libcst is the `repair` extra
        return None
    from fitdoctor.repairs.apply import output_layer

    filename, _, line = state.program.where.rpartition(":")
    if Path(filename).resolve() != script.resolve():
        return None  # the diagnosed fit() is in a module the script imports
    layers = {layer.name: {"class": type(layer).__name__, "index": i,
                           "activation": getattr(getattr(layer, "activation", None), "__name__", None)}
              for i, layer in enumerate(model.layers)}
    try:
        output = output_layer(model).name
    except ValueError:
        output = None
    context = PatchContext(script, str(script), int(line), len(state.program.budget.calls),
                           attempt.result.epochs, layers, output)
    return diff(attempt.repair, context)


def repair_script(script: Path, args: list[str], settings: Settings, *, goal: str | None = None,
                  executor: str | Executor = "local", jobs: int | None = None,
                  repair_time: float | None = None,
                  on_findings: Callable[[str, list[Finding]], None] | None = None,
                  on_attempt: Callable[[Attempt], None] | None = None,
                  on_progress: Callable[[str, int, int], None] | None = None) -> ScriptOutcome:
    """Runs `script` under fitdoctor, then searches repairs for each of its runs; the repairs
    land in each run's `repairs` (JSON: the contract's `repairs` entries), the goal, the
    original run's outcome and what was not tried in its `repair_search`."""
    plans: list[tuple[RunState, list[Repair], list[Finding]]] = []

    def after_preflight(state: RunState) -> None:
        plans.append((state, *plan(state)))

    began = time.perf_counter()
    outcome = run_script(script, args, settings, on_findings, after_preflight=after_preflight,
                         on_progress=on_progress)
    seconds = time.perf_counter() - began
    runner = executor if not isinstance(executor, str) else make_executor(executor, jobs)
    budget = repair_time or max(MIN_TIME, TIME_FACTOR * seconds)
    trained = not settings.preflight_only and settings.stop_on is None
    with tempfile.TemporaryDirectory(prefix="fitdoctor-repair-") as folder:
        for index, (state, candidates, unfixable) in enumerate(plans):
            run, sample = state.run, _score_sample(state)
            run.repair_notes = {"unfixable": [{"code": f.code, "title": f.title,
                                               "advice": f.fix.summary if f.fix else None} for f in unfixable]}
            if sample is None:
                continue
            sample_path = str(Path(folder, f"sample_{index}.pkl"))
            with open(sample_path, "wb") as handle:
                pickle.dump(sample, handle)
            task = _task(state)
            search = Search(str(script.resolve()), list(args), index, candidates, run.findings, sample_path,
                            task, runner, budget, state.program.optimizer.learning_rate, on_attempt=on_attempt)
            if trained and run.history.losses:
                search.baseline = Outcome(outcome.exit_status, list(run.history.losses), run.history.losses[-1],
                                          evaluate(outcome.models[index], sample, task), seconds)
            elif candidates:
                search.baseline = search.baseline_trial()
            else:
                continue
            search.goal = _goal(goal, search.baseline)
            attempts = search.run() if candidates else []
            for attempt in attempts:
                if attempt.recommended:
                    attempt.diff = _diff(script, attempt, state, outcome.models[index])
            run.repairs = [a.to_dict(search.baseline, search.goal) for a in attempts]
            run.repair_notes.update({
                "goal": search.goal.text, "task": task, "executor": runner.name,
                "baseline": search.baseline.to_dict(), "seconds": round(time.perf_counter() - search.began, 1),
                "not_tried": [{"fixes": list(r.fixes), "summary": r.summary} for r in search.not_tried]})
    return outcome
