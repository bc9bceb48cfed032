"""The repair search: candidate repairs of a run re-trained as trials, verified, combined.

Verification, as the README states it: a repair is `verified` only when its trial
(a) ran the script to the end as the original did, (b) no longer reports, at warning or
above, the findings it targets, (c) reports no error that the original run did not, and
(d) reaches the goal on the task score fitdoctor computes on a fixed sample of the training
data (the user's `--goal`, or at most half the original run's error).

Search: every single repair first, in the diagnosis's order, in parallel. When none is
verified: the causes' first repairs combined in the diagnosis's order (fix the root cause,
then the next), then the best unverified trials extended, one repair at a time, by the
remaining repairs and by the learning rate the trial itself measured to suit the repaired
program better. It stops at the first round with a verified repair, or when the time budget
cannot pay for another round; what was not tried is listed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from fitdoctor.findings import Finding, Severity
from fitdoctor.repairs.executors import Executor
from fitdoctor.repairs.model import Change, Repair
from fitdoctor.repairs.score import Goal, Score
from fitdoctor.repairs.trial import TrialResult, TrialSpec


@dataclass
class Outcome:
    """What a training run reached: the original run (the baseline) or a trial."""

    status: int
    history: list[float]
    loss: float | None
    score: Score | None
    seconds: float

    @classmethod
    def of(cls, result: TrialResult) -> "Outcome":
        return cls(result.status, result.history, result.loss,
                   Score.from_dict(result.score) if result.score else None, result.seconds)

    def to_dict(self) -> dict[str, Any]:
        return {"loss": _finite(self.loss), "task_score": self.score.to_dict() if self.score else None,
                "history": {"loss": [_finite(v) for v in self.history]}}


def _finite(value: float | None) -> float | str | None:
    if value is None:
        return None
    return float(f"{value:.6g}") if math.isfinite(value) else str(value)


@dataclass
class Attempt:
    repair: Repair
    result: TrialResult
    verified: bool
    why: str
    recommended: bool = False
    diff: str | None = None

    @property
    def error(self) -> float:
        """The trial's task error, infinite when it has none to compare."""
        score = Score.from_dict(self.result.score) if self.result.score else None
        return score.error if score is not None and math.isfinite(score.error) else math.inf

    def to_dict(self, baseline: Outcome, goal: Goal) -> dict[str, Any]:
        return {**self.repair.to_dict(), "verified": self.verified,
                "recommended": self.recommended, "why": self.why, "goal": goal.text,
                "before": baseline.to_dict(), "after": Outcome.of(self.result).to_dict(),
                "seconds": round(self.result.seconds, 2), "epochs": self.result.epochs,
                "retuned_learning_rate": self.result.retuned_rate,
                "findings_after": self.result.findings, "diff": self.diff,
                "script_output": self.result.output[-1500:]}


def verify(repair: Repair, result: TrialResult, baseline: Outcome, goal: Goal,
           original: list[Finding]) -> tuple[bool, str]:
    """The verification rule of the module docstring, with the reason."""
    if result.error:
        return False, f"the trial failed: {result.error.splitlines()[0]}"
    if result.status != 0 and baseline.status == 0:
        return False, f"the script exited with status {result.status} in the trial"
    still = sorted({f["code"] for f in result.findings if f["code"] in repair.fixes
                    and Severity.parse(f["severity"]) >= Severity.WARNING})
    if still:
        return False, f"the trial still reports {', '.join(still)}"
    errors_before = {f.code for f in original if f.severity == Severity.ERROR}
    new = sorted({f["code"] for f in result.findings if f["severity"] == "error"
                  and f["kind"] != "tool" and f["code"] not in errors_before})
    if new:
        return False, f"the trial reports a new error: {', '.join(new)}"
    score = Score.from_dict(result.score) if result.score else None
    reached = goal.reached(score, result.loss)
    value = result.loss if goal.metric == "loss" else (score.get(goal.metric) if score else None)
    shown = "nothing measurable" if value is None else f"{goal.metric} {value:.6g}"
    if not reached:
        return False, f"the trial reached {shown}, short of the goal {goal.text}"
    return True, f"the trial reached {shown} (goal {goal.text}) and no longer reports {', '.join(repair.fixes)}"


@dataclass
class Search:
    """The search for one training run of `script`."""

    script: str
    args: list[str]
    run_index: int
    candidates: list[Repair]
    original: list[Finding]
    sample_path: str
    task: str
    executor: Executor
    time_budget: float
    current_rate: float
    # Set before `run`: the original run's outcome and the goal a repair must reach.
    baseline: Outcome | None = None
    goal: Goal | None = None
    # Told of each attempt as its trial ends (the command line's progress lines).
    on_attempt: Callable[[Attempt], None] | None = None
    began: float = field(default_factory=time.perf_counter)
    attempts: list[Attempt] = field(default_factory=list)
    not_tried: list[Repair] = field(default_factory=list)

    def spec(self, repair: Repair) -> TrialSpec:
        return TrialSpec(self.script, list(self.args), [c.to_dict() for c in repair.changes], self.sample_path,
                         self.task, self.run_index, probe_rates=True)

    def baseline_trial(self) -> Outcome:
        """The original program as a trial of its own (when the run was not trained)."""
        original = Repair((), "the original program", "safe", (), "")
        return Outcome.of(self.executor.run([self.spec(original)], timeout=max(self._remaining(), 30.0))[0])

    def run(self) -> list[Attempt]:
        batch = list(self.candidates)
        while batch:
            batch = self._affordable([r for r in batch if not self._tried(r)])
            if not batch:
                break
            self._try(batch)
            if any(a.verified for a in self.attempts):
                break
            batch = self._next_round()
        self._recommend()
        self.not_tried = [r for r in self.candidates if not self._tried(r)]
        return self.attempts

    def _tried(self, repair: Repair) -> bool:
        return any(a.repair.key == repair.key for a in self.attempts)

    def _remaining(self) -> float:
        return self.time_budget - (time.perf_counter() - self.began)

    def _affordable(self, batch: list[Repair]) -> list[Repair]:
        """As much of `batch` as the time left can pay for (trials run `jobs` at a time)."""
        remaining = self._remaining()
        # A trial costs at least what the original run cost: the same script, the same steps.
        longest = max([a.result.seconds for a in self.attempts] + [self.baseline.seconds])
        jobs = getattr(self.executor, "jobs", len(batch))
        waves = int(remaining // (longest * 1.2))
        return batch[:max(0, waves * jobs)]

    def _try(self, batch: list[Repair]) -> None:
        results = self.executor.run([self.spec(r) for r in batch], timeout=max(self._remaining(), 30.0))
        for repair, result in zip(batch, results):
            verified, why = verify(repair, result, self.baseline, self.goal, self.original)
            self.attempts.append(Attempt(repair, result, verified, why))
            if self.on_attempt is not None:
                self.on_attempt(self.attempts[-1])

    def _next_round(self) -> list[Repair]:
        """Combinations: the causes' first repairs in the diagnosis's order (each prefix, also
        at the rate the root cause's trial measured), then the best unverified attempts
        extended by one repair or by their re-tuned rate."""
        firsts: list[Repair] = []
        for repair in self.candidates:
            if all(repair.compatible(other) for other in firsts):
                firsts.append(repair)
        prefixes = []
        combined = firsts[0] if firsts else None
        for repair in firsts[1:]:
            combined = combined.combine(repair)
            prefixes.append(combined)
        # The rate the root cause's trial measured to suit its repaired program goes with the
        # combinations built on it: the loss the later fixes change is that program's.
        root = next((a for a in self.attempts if firsts and a.repair.key == firsts[0].key), None)
        if root is not None and root.result.retuned_rate:
            prefixes += [_with_rate(p, root.result.retuned_rate, self.current_rate) for p in prefixes]
        fresh = [r for r in prefixes if not self._tried(r)]
        if fresh:
            return fresh
        extensions: list[Repair] = []
        ranked = sorted((a for a in self.attempts if not a.verified), key=lambda a: a.error)
        for attempt in ranked[:getattr(self.executor, "jobs", 2)]:
            rate = attempt.result.retuned_rate
            if rate:
                extensions.append(_with_rate(attempt.repair, rate, self.current_rate))
            for repair in self.candidates:
                if attempt.repair.compatible(repair):
                    extensions.append(attempt.repair.combine(repair))
        unique: list[Repair] = []
        for repair in extensions:
            if not self._tried(repair) and all(repair.key != u.key for u in unique):
                unique.append(repair)
        return unique[:2 * getattr(self.executor, "jobs", 2)]

    def _recommend(self) -> None:
        verified = [a for a in self.attempts if a.verified]
        if verified:
            best = min(verified, key=lambda a: (len(a.repair.fixes), len(a.repair.changes), a.error))
            best.recommended = True


def _with_rate(repair: Repair, rate: float, original_rate: float) -> Repair:
    """`repair` with the learning rate its trial measured to suit the repaired program."""
    rate = float(f"{rate:.2g}")
    changes = tuple(c for c in repair.changes if c.slot != ("compile", "rate"))
    rate_changes = [c for c in repair.changes if c.slot == ("compile", "rate")]
    params: dict[str, Any] = {"config": {"learning_rate": rate}, "slot": "rate"}
    if rate_changes and rate_changes[0].params.get("class_name"):
        params["class_name"] = rate_changes[0].params["class_name"]
    code = "FD302" if rate > original_rate else "FD301"
    fixes = repair.fixes if code in repair.fixes else repair.fixes + (code,)
    return Repair(fixes, f"{repair.summary}; learning rate {rate:g} (the best of short runs on the "
                  f"repaired program)", "changes-intent", changes + (Change("compile", "optimizer", params),),
                  f"{repair.code}\n# learning_rate={rate:g}", repair.budget)
