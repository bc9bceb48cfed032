"""FD406 weights-frozen."""

from __future__ import annotations

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Symptom
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.history import LossHistory

# The loss has fallen to this share of where it started: at float32 resolution nothing is left
# to learn, and updates too small to change a weight are convergence.
EXACT_FIT = 1e-6
# Weights that stopped at a loss below this share of where it started, where the loss is the
# run's lowest and no longer changes (both within FLAT), descended into a minimum.
DESCENDED = 0.5
FLAT = 1e-3


@register
class WeightsFrozen(Symptom):
    """
    What it detects:
        Trainable weights that do not change at all between two checks of the training
        monitor (epoch ends, or every N steps), although the optimizer took steps in
        between. Each trainable variable is fingerprinted by its sum, its sum of squares and
        a position-weighted sum; identical fingerprints mean the update was exactly zero.
        Error when no trainable weight changed, warning when some did not. SageMaker
        Debugger's WeightUpdateRatio rule flags updates below 1e-8 of the weights; we ask for
        exactly zero, because a small ratio is also what a converged model or a decayed
        schedule legitimately shows.

        Weights that stop because the loss is at its minimum are not frozen. With a positive
        learning rate a zero update means a (numerically) zero gradient: a stationary point.
        It is a minimum when the loss has fallen to a millionth of where it started (nothing
        is left to learn at float32 resolution), or when it no longer changes at the lowest
        value of the run, under half of where it started (a dead network stops on the plateau
        it started from, or above its best; weights the loss cannot reach, while the others
        still learn, stop while the loss still falls). A variable with a constraint that is
        unchanged is held by its constraint (a NonNeg weight at 0), not frozen. A learning
        rate of exactly 0 freezes the weights whatever the loss.

    Why it breaks training:
        Weights that the optimizer never moves keep their initial (random) values: the loss
        cannot decrease along them. All weights frozen means training has stopped, usually
        because the learning rate reached 0 (a schedule or a callback), or the gradient is
        exactly zero (dead units, a non-differentiable op, a gradient clipped to 0).

    Example:
        keras.optimizers.schedules.PiecewiseConstantDecay([100], [0.01, 0.0]): after step
        100 nothing moves.

    Use instead:
        A schedule that decays to a small positive rate, e.g.
        keras.optimizers.schedules.CosineDecay(0.01, decay_steps, alpha=0.01).

    Repair safety:
        advice: the fix belongs to the cause.
    """

    code = "FD406"
    needs = "the trainable weights at two checks during training"
    explained_by = ("FD204", "FD206", "FD305", "FD302")

    def judge(self, history: LossHistory) -> Finding | None:
        if len(history.fingerprints) < 2:
            return None
        before, now = history.fingerprints[-2], history.fingerprints[-1]
        if now.step <= before.step or before.values.shape != now.values.shape or not now.values.size:
            return None
        if not np.isfinite(now.values).all():
            return None  # non-finite weights are FD401's
        sizes = np.asarray(now.sizes)
        same = np.all(before.values == now.values, axis=1) & (sizes > 0)
        if not same.any():
            return None
        if now.learning_rate != 0:
            if _at_minimum(history):
                return None
            if len(now.constrained) == len(same):
                same &= ~np.asarray(now.constrained, dtype=bool)
        frozen = [name for name, s in zip(now.names, same) if s]
        if not frozen:
            return None
        parameters = int(sizes[same].sum())
        total = int(sizes.sum())
        everything = parameters == total
        rate = f"; the learning rate is now {now.learning_rate:.3g}" if now.learning_rate is not None else ""
        return Finding(
            self.code, Severity.ERROR if everything else Severity.WARNING,
            (f"No trainable weight changed between {before.at} and {now.at}" if everything else
             f"{len(frozen)} of {len(now.names)} trainable variables did not change between "
             f"{before.at} and {now.at}"),
            f"{parameters} of {total} trainable parameters ({', '.join(frozen[:6])}"
            f"{' and more' if len(frozen) > 6 else ''}) are exactly what they were "
            f"{now.step - before.step} optimizer steps earlier{rate}. Weights that do not move cannot "
            f"lower the loss.",
            {"frozen_variables": frozen, "frozen_parameters": parameters, "parameters": total,
             "steps_between": now.step - before.step, "learning_rate": now.learning_rate},
            {}, Fix("Check the learning rate schedule and the gradient path of these weights",
                    "keras.optimizers.schedules.CosineDecay(initial_rate, decay_steps, alpha=0.01)",
                    "advice"),
            detected_at=now.at,
        )


def _at_minimum(history: LossHistory) -> bool:
    """Whether weights that stopped under a positive learning rate (a zero gradient) stopped
    at a minimum of the loss, judged from the epoch losses."""
    losses = history.losses
    reference = history.reference
    if not losses or reference is None or not reference > 0 or not np.isfinite(losses[-1]):
        return False
    now = losses[-1]
    if now <= EXACT_FIT * reference:
        return True
    flat = len(losses) >= 2 and abs(now - losses[-2]) <= FLAT * now
    lowest = now <= np.nanmin(losses) * (1 + FLAT)
    return flat and lowest and now <= DESCENDED * reference
