"""FD401 loss-nonfinite."""

from __future__ import annotations

import math

from fitdoctor.checks import register
from fitdoctor.checks.base import Symptom
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.history import LossHistory


@register
class LossNonfinite(Symptom):
    """
    What it detects:
        An epoch whose training loss is NaN or infinite.

    Why it breaks training:
        Once the loss is not finite, so are the gradients, and every weight they touch
        becomes NaN: the model is destroyed, usually silently, and all later epochs report
        NaN.

    Example:
        Divergence from a learning rate above the stability limit; log(0) in a custom loss;
        NaN in the data.

    Use instead:
        Fix the cause fitdoctor ranks above this symptom (FD301, FD304, FD101); add
        `keras.callbacks.TerminateOnNaN()` so a run stops at the first NaN.

    Repair safety:
        advice: the fix belongs to the cause.
    """

    code = "FD401"
    explained_by = ("FD301", "FD304", "FD101")

    def judge(self, history: LossHistory) -> Finding | None:
        for epoch, loss in enumerate(history.losses, start=1):
            if not math.isfinite(loss):
                return Finding(
                    self.code, Severity.ERROR, f"The loss became {loss} in epoch {epoch}",
                    f"Epoch {epoch} ended with loss {loss}; the weights are no longer finite and "
                    f"training cannot recover.",
                    {"epoch": epoch, "loss": str(loss),
                     "last_finite_loss": next((x for x in reversed(history.losses[:epoch - 1])
                                               if math.isfinite(x)), None)},
                    {}, Fix("Stop at the first NaN and fix its cause",
                            "callbacks=[keras.callbacks.TerminateOnNaN()]", "advice"),
                    detected_at=f"epoch {epoch}",
                )
        return None
