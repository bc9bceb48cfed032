"""FD402 loss-diverging."""

from __future__ import annotations

import math

from fitdoctor.checks import register
from fitdoctor.checks.base import Symptom
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.history import LossHistory

# Consecutive epochs of growth, and growth over the best loss seen, that make a trend and not
# noise: three rises in a row ending at twice the best loss.
RISING_EPOCHS = 3
GROWTH = 2.0
# ...and that has climbed back to at least this share of the loss training started from: a
# loss that already fell 100-fold and bounces from 0.003 to 0.007 (full-batch Adam near a
# minimum) has not diverged; a real divergence passes this level on its way up.
RELEVANT_SHARE = 0.1


@register
class LossDiverging(Symptom):
    """
    What it detects:
        A training loss that rises for 3 epochs in a row and has reached at least twice the
        lowest loss of the run and at least 10% of the loss it started from (repeated fit()
        calls on one model count as one run), and does not come back: a rise is judged by
        what follows it. One that climbs past the loss training started from has lost all
        progress and is reported at once; below that, a run whose loss later returns under
        twice its best recovered (a cyclical learning rate, a noisy stretch), and a rise is
        a divergence only when the run ends without that.

    Why it breaks training:
        A loss that grows steadily is moving away from every minimum; typically the learning
        rate is above the curvature's stability limit and each step overshoots further, until
        the loss overflows.

    Example:
        SGD(0.01) on MSE with inputs 0..19: the loss grows 2.2x per epoch.

    Use instead:
        The rate FD301 names, or an adaptive optimizer, or gradient clipping.

    Repair safety:
        advice: the fix belongs to the cause.
    """

    code = "FD402"
    explained_by = ("FD301", "FD304", "FD102", "FD103")

    def judge(self, history: LossHistory) -> Finding | None:
        losses = history.losses
        reference = history.reference
        floor = RELEVANT_SHARE * reference if reference is not None and reference > 0 else 0.0
        undecided = latest = None  # the first and last rises that the rest of the run must judge
        first = end = history.scanned.get(self.code, RISING_EPOCHS)
        for end in range(first, len(losses)):
            window = losses[end - RISING_EPOCHS:end + 1]
            if not all(math.isfinite(x) for x in window):
                break  # FD401's story, from here on: this window stays unscanned
            best = min(losses[:end + 1])
            rising = all(b > a for a, b in zip(window, window[1:]))
            if not (rising and window[-1] >= GROWTH * max(best, 1e-12) and window[-1] >= floor):
                continue
            # Back under twice the best after the rise: the run recovered (a cyclical rate, a
            # noisy stretch), whatever happens later.
            if any(x < GROWTH * best for x in losses[end + 1:]):
                continue
            if reference is not None and window[-1] >= reference:
                history.scanned[self.code] = end + 1
                return self._finding(window, best, end, reference, lost_everything=True)
            undecided = end if undecided is None else undecided
            latest = end
        else:
            end = len(losses)
        if latest is not None and history.finished:
            # The run ended without coming back: the rise is reported at its last epoch.
            history.scanned[self.code] = latest + 1
            return self._finding(losses[latest - RISING_EPOCHS:latest + 1], min(losses[:latest + 1]),
                                 latest, reference, lost_everything=False)
        history.scanned[self.code] = max(RISING_EPOCHS, end if undecided is None else undecided)
        return None

    def _finding(self, window: list[float], best: float, end: int, reference: float | None,
                 lost_everything: bool) -> Finding:
        factor = (window[-1] / window[0]) ** (1 / RISING_EPOCHS) if window[0] > 0 else float("inf")
        return Finding(
            self.code, Severity.ERROR,
            f"The loss grew for {RISING_EPOCHS} epochs in a row, to {window[-1]:.4g} "
            f"(x{factor:.2g} per epoch)",
            f"From epoch {end + 1 - RISING_EPOCHS} to {end + 1} the loss went "
            + " -> ".join(f"{x:.4g}" for x in window)
            + f", {window[-1] / max(best, 1e-12):.3g} times the best loss {best:.4g}"
            + (f", above the {reference:.4g} training started from." if lost_everything else
               ", and it did not come back under twice the best before the run ended."),
            {"losses": window, "best_loss": best, "growth_per_epoch": factor,
             "epoch": end + 1, "initial_loss": reference},
            {}, Fix("Lower the learning rate (see FD301) or clip gradients",
                    "keras.optimizers.SGD(learning_rate=..., clipnorm=1.0)", "advice"),
            detected_at=f"epoch {end + 1}",
        )
