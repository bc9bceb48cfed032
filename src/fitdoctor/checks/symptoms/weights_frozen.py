"""FD406 weights-frozen."""

from __future__ import annotations

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Symptom
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.history import LossHistory


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
        same = np.all(before.values == now.values, axis=1)
        sizes = np.asarray(now.sizes)
        frozen = [name for name, s, n in zip(now.names, same, sizes) if s and n > 0]
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
