"""How far the user's optimizer moves the loss per unit of learning rate, measured on a copy.

A fresh optimizer of the same class and configuration (clipping, momentum, epsilon, ...)
but with learning rate 1 is applied to copies of the weights, fed the measured starting
gradient for a few steps so that momentum-like state reaches its steady size. The
first-order loss decrease per step, `-g . (w_k - w_0) / k`, then scales linearly with the
learning rate for every Keras optimizer (all update by lr times a direction).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from fitdoctor.probes.short_run import clone_optimizer

STEADY_STEPS = 10
# Two successive steps whose decreases differ by less than this share have reached the
# optimizer's steady step (Adam and plain SGD at once; momentum after ~1/(1 - momentum)).
SETTLED = 0.05


@dataclass(frozen=True)
class Descent:
    per_unit_rate: float  # first-order loss decrease per step, per unit of learning rate
    steps: int  # optimizer steps it was measured over
    settled: bool  # whether the steps had reached their steady size


def decrease_per_unit_rate(optimizer: Any, params: list[np.ndarray], grads: list[np.ndarray],
                           steps: int = STEADY_STEPS, seconds: float = math.inf) -> Descent:
    """Measured over `steps` steps, or fewer once `seconds` have passed after the first;
    `settled` says whether the last two steps moved the loss alike (always, after all of
    `steps`)."""
    import keras

    ops = keras.ops
    # Weight decay pulls towards zero regardless of the loss; leave it out of the descent rate.
    clone = clone_optimizer(optimizer, learning_rate=1.0, weight_decay=0.0)()
    variables = [keras.Variable(np.array(p), trainable=True) for p in params]
    gradients = [ops.convert_to_tensor(np.asarray(g, dtype=p.dtype)) for g, p in zip(grads, params)]
    starts = [ops.convert_to_tensor(p) for p in params]
    clone.build(variables)
    cumulative: list[float] = []  # the first-order decrease after each step
    deadline = math.inf
    while len(cumulative) < steps:
        clone.apply_gradients(zip(gradients, variables))
        # On the backend, variable by variable (a host copy of a large model costs seconds),
        # in float32 so that a float16 model's sums neither overflow nor round away.
        cumulative.append(-sum(float(ops.convert_to_numpy(ops.sum(
            ops.cast(g, "float32") * (ops.cast(v.value, "float32") - ops.cast(w, "float32")))))
            for g, v, w in zip(gradients, variables, starts)))
        if len(cumulative) == 1:
            deadline = time.perf_counter() + seconds
        elif time.perf_counter() > deadline:
            break
    made = len(cumulative)
    return Descent(cumulative[-1] / made, made, made == steps or _settled(cumulative))


def _settled(cumulative: list[float]) -> bool:
    """Whether the last two steps behind the cumulative decreases `cumulative` decreased alike."""
    steps = np.diff([0.0, *cumulative])
    return len(steps) >= 2 and _alike(steps[-2], steps[-1])


def _alike(first: float, second: float) -> bool:
    return abs(second - first) <= SETTLED * max(abs(first), abs(second), 1e-300)
