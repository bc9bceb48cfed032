"""FD403 loss-stalled."""

from __future__ import annotations

import math

from fitdoctor.checks import register
from fitdoctor.checks.base import Symptom
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.history import LossHistory

# A run of at least this many epochs whose best loss is still above this share of the loss
# it started from has not learned anything worth the name.
MIN_EPOCHS = 3
STALLED_SHARE = 0.9
# A run whose last epoch is its best is still improving when, at the pace of its last
# RECENT_EPOCHS epochs, it would take off the stalled share's worth of its start ((1 -
# STALLED_SHARE) of it) within PACE_RUNS runs as long as this one: slow, steady progress is
# the budget's question (FD302), not a stall.
RECENT_EPOCHS = 3
PACE_RUNS = 10


@register
class LossStalled(Symptom):
    """
    What it detects:
        A run of at least 3 epochs whose best training loss is still above 90% of the loss it
        started from (measured before the first step when fitdoctor ran pre-flight, else the
        first epoch's loss), and whose last loss has not risen above it (that is FD402).
        Judged when training ends. A run still improving is not stalled: its last epoch is its
        best, and at the pace of its last 3 epochs it would take off another 10% of its start
        within 10 runs as long (slow, steady progress is the budget's question, FD302).

    Why it breaks training:
        It is the visible result of a silent cause: a rate or budget too small, dead units,
        a loss that broadcasts, inputs that do not match their targets.

    Example:
        SGD(1e-5) for 15 full-batch steps on a loss of 156: it ends at 153.

    Use instead:
        Fix the cause fitdoctor ranks above this symptom.

    Repair safety:
        advice: the fix belongs to the cause.
    """

    code = "FD403"
    explained_by = ("FD201", "FD105", "FD206", "FD305", "FD303", "FD204", "FD302", "FD104", "FD202",
                    "FD203", "FD102", "FD103")
    at_end_only = True

    def judge(self, history: LossHistory) -> Finding | None:
        reference = history.reference
        losses = [x for x in history.losses if math.isfinite(x)]
        if history.epochs < MIN_EPOCHS or not losses or reference is None or reference <= 0:
            return None
        best = min(losses)
        # A loss that ends above where it started is diverging (FD402), not stalled.
        if best < STALLED_SHARE * reference or history.losses[-1] > reference / STALLED_SHARE:
            return None
        pace = _recent_pace(history.losses)
        if pace * PACE_RUNS * history.epochs >= (1 - STALLED_SHARE) * reference:
            return None
        return Finding(
            self.code, Severity.WARNING,
            f"After {history.epochs} epochs the loss is still {best / reference:.0%} of where it started",
            f"The loss went from {reference:.4g} to a best of {best:.4g} in {history.epochs} epochs "
            f"(last {history.losses[-1]:.4g}): training is not making progress.",
            {"initial_loss": reference, "best_loss": best, "last_loss": history.losses[-1],
             "epochs": history.epochs, "recent_descent_per_epoch": pace},
            {}, Fix("Fix the cause ranked above; if none is reported, try a larger learning rate",
                    None, "advice"),
            detected_at=f"epoch {history.epochs}",
        )


def _recent_pace(losses: list[float]) -> float:
    """The loss's descent per epoch over the last RECENT_EPOCHS epochs, when the last epoch is
    the run's best; else 0."""
    if not all(math.isfinite(x) for x in losses) or losses[-1] > min(losses):
        return 0.0
    recent = min(RECENT_EPOCHS, len(losses) - 1)
    return max((losses[-1 - recent] - losses[-1]) / recent, 0.0)
