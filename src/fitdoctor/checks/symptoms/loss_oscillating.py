"""FD404 loss-oscillating."""

from __future__ import annotations

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Symptom
from fitdoctor.checks.symptoms.loss_diverging import RELEVANT_SHARE
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.history import LossHistory

# The last WINDOW epoch losses are judged. They oscillate when the loss changes direction at
# least REVERSALS times, the typical epoch-to-epoch change is at least SWING of the loss's own
# level (median), and the net trend over the window (least-squares slope times its length)
# is smaller than that typical change: the loss moves a lot and goes nowhere.
# AUTOTRAINER judges accuracy swings of >= 0.03 (absolute) in >= 20% of epochs; an absolute
# threshold means nothing for a loss (MSE in the thousands, cross-entropy near 0.01), so the
# swing is relative here, and it must be far above mini-batch noise: an epoch loss averages
# over every batch of the epoch, so healthy noisy SGD moves it by a few percent at most.
WINDOW = 6
REVERSALS = 3
SWING = 0.15
# Severity: error when the swings are as large as the loss itself.
ERROR_SWING = 0.5


def oscillation(losses: list[float]) -> dict | None:
    window = np.asarray(losses[-WINDOW:], dtype=np.float64)
    if len(window) < WINDOW or not np.isfinite(window).all():
        return None
    level = float(np.median(np.abs(window)))
    if level <= 0:
        return None
    changes = np.diff(window)
    signs = np.sign(changes[changes != 0])
    reversals = int(np.sum(signs[1:] != signs[:-1]))
    typical = float(np.median(np.abs(changes)))
    slope = float(np.polyfit(np.arange(WINDOW), window, 1)[0])
    trend = -slope * (WINDOW - 1)  # positive: the loss fell over the window
    swing = typical / level
    if reversals < REVERSALS or swing < SWING or trend >= typical:
        return None
    return {"reversals": reversals, "relative_swing": swing, "typical_change": typical,
            "trend_over_window": trend, "median_loss": level, "losses": window.tolist()}


@register
class LossOscillating(Symptom):
    """
    What it detects:
        A training loss that swings up and down without trending down: over the last 6
        epochs it changes direction at least 3 times, the typical change from one epoch to
        the next is at least 15% of the loss's own level (median), and the net decrease over
        those epochs (least-squares trend) is smaller than one typical change. Relative, not
        absolute: AUTOTRAINER's rule (accuracy swings >= 0.03 in >= 20% of epochs) needs an
        accuracy metric and a scale; an epoch's loss averages all its mini-batches, so the
        noise of healthy mini-batch SGD moves it by a few percent, far below 15%. A loss
        already below a tenth of where training started is bouncing around its minimum and
        is not reported.

    Why it breaks training:
        Each step overshoots the valley it aims at and lands on the other side, higher up,
        so progress in one epoch is undone in the next: the rate is at the edge of the
        stability limit (or adaptive moments are too short for the noise), and the model
        ends wherever the last swing left it.

    Example:
        keras.optimizers.SGD(0.2, momentum=0.95) on a small tanh MLP, full batch: the loss
        bounces between 0.3 and 2.2 for 20 epochs.

    Use instead:
        keras.optimizers.SGD(0.02, momentum=0.9), or a decaying schedule
        (keras.optimizers.schedules.CosineDecay), or gradient clipping.

    Repair safety:
        advice: the fix belongs to the cause (usually the rate).
    """

    code = "FD404"
    needs = "the loss after each epoch (at least 6 epochs)"
    explained_by = ("FD301", "FD304", "FD105", "FD102", "FD103")

    def judge(self, history: LossHistory) -> Finding | None:
        losses = history.losses
        reference = history.reference
        # Swings of a loss that already fell below a tenth of its start are a run bouncing
        # around its minimum (full-batch Adam does), not one failing to make progress.
        floor = RELEVANT_SHARE * reference if reference is not None and reference > 0 else 0.0
        for end in range(history.scanned.get(self.code, WINDOW), len(losses) + 1):
            history.scanned[self.code] = end + 1
            found = oscillation(losses[:end])
            if found is None or found["median_loss"] < floor:
                continue
            found["epoch"] = end
            severity = Severity.ERROR if found["relative_swing"] >= ERROR_SWING else Severity.WARNING
            window = found["losses"]
            return Finding(
                self.code, severity,
                f"The loss swings by {found['relative_swing']:.0%} of its level from epoch to epoch "
                f"without trending down",
                f"From epoch {end - WINDOW + 1} to {end} the loss went "
                + " -> ".join(f"{x:.4g}" for x in window)
                + f": {found['reversals']} reversals, a typical change of {found['typical_change']:.3g} "
                f"against a level of {found['median_loss']:.3g}, and a net decrease of only "
                f"{found['trend_over_window']:.3g} over those epochs. The steps overshoot and undo "
                f"each other's progress.",
                found, {},
                Fix("Lower the learning rate (or decay it), or clip gradients",
                    "keras.optimizers.Adam(learning_rate=1e-3, clipnorm=1.0)", "advice"),
                detected_at=f"epoch {end}",
            )
        return None
