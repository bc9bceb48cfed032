"""What a check is: a measurement judged into findings under one code.

A check's class docstring is its documentation (`fitdoctor explain CODE` prints it) under
fixed headings: What it detects / Why it breaks training / Example / Use instead /
Repair safety / References.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Iterable

if TYPE_CHECKING:
    from fitdoctor.checks.context import PreflightContext
    from fitdoctor.findings import Finding
    from fitdoctor.history import LossHistory

HEADINGS = ("What it detects", "Why it breaks training", "Example", "Use instead", "Repair safety")


class Unsupported(Exception):
    """Raised by a check that cannot analyse this program shape; becomes one FD902 finding."""


class Check:
    code: ClassVar[str]
    # What the check needs from the program, for `fitdoctor checks`.
    needs: ClassVar[str] = "the model and a sample batch"
    # Judged again when a later fit() call grows the run's budget.
    depends_on_budget: ClassVar[bool] = False
    # Judged again once the run's training has ended (`context.trained`), on the trained model.
    judged_after_training: ClassVar[bool] = False
    # Causes that, when reported at warning or above, already explain what this check would
    # measure: it then runs last and is skipped.
    yields_to: ClassVar[tuple[str, ...]] = ()
    # Causes that, when reported at warning or above, are the root of what this check
    # measured (a rate judged on a loss that unscaled data or exploding gradients shaped): the
    # finding is still reported, ranked after that cause as part of its story.
    explained_by: ClassVar[tuple[str, ...]] = ()

    def run(self, context: "PreflightContext") -> Iterable["Finding"]:
        raise NotImplementedError


class Symptom:
    """A condition on the loss history of a run, judged after every epoch."""

    code: ClassVar[str]
    needs: ClassVar[str] = "the loss after each epoch"
    # Causes that, when reported for the same run, explain this symptom (most likely first).
    explained_by: ClassVar[tuple[str, ...]] = ()
    # Judged only when training has ended (it needs the whole run).
    at_end_only: ClassVar[bool] = False

    def judge(self, history: "LossHistory") -> "Finding | None":
        raise NotImplementedError
