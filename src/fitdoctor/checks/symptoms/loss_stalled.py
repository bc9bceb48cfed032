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


@register
class LossStalled(Symptom):
    """
    What it detects:
        A run of at least 3 epochs whose best training loss is still above 90% of the loss it
        started from (measured before the first step when fitdoctor ran pre-flight, else the
        first epoch's loss), and whose last loss has not risen above it (that is FD402).
        Judged when training ends.

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
        return Finding(
            self.code, Severity.WARNING,
            f"After {history.epochs} epochs the loss is still {best / reference:.0%} of where it started",
            f"The loss went from {reference:.4g} to a best of {best:.4g} in {history.epochs} epochs "
            f"(last {history.losses[-1]:.4g}): training is not making progress.",
            {"initial_loss": reference, "best_loss": best, "last_loss": history.losses[-1],
             "epochs": history.epochs},
            {}, Fix("Fix the cause ranked above; if none is reported, try a larger learning rate",
                    None, "advice"),
            detected_at=f"epoch {history.epochs}",
        )
