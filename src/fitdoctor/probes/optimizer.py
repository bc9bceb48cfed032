"""How far the user's optimizer moves the loss per unit of learning rate, measured on a copy.

A fresh optimizer of the same class and configuration (clipping, momentum, epsilon, ...)
but with learning rate 1 is applied to copies of the weights, fed the measured starting
gradient for a few steps so that momentum-like state reaches its steady size. The
first-order loss decrease per step, `-g . (w_k - w_0) / k`, then scales linearly with the
learning rate for every Keras optimizer (all update by lr times a direction).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fitdoctor.probes.loss import flatten
from fitdoctor.probes.short_run import clone_optimizer

STEADY_STEPS = 10


def decrease_per_unit_rate(optimizer: Any, params: list[np.ndarray], grads: list[np.ndarray],
                           steps: int = STEADY_STEPS) -> float:
    import keras

    # Weight decay pulls towards zero regardless of the loss; leave it out of the descent rate.
    clone = clone_optimizer(optimizer, learning_rate=1.0, weight_decay=0.0)()
    variables = [keras.Variable(np.array(p), trainable=True) for p in params]
    gradients = [keras.ops.convert_to_tensor(np.asarray(g, dtype=p.dtype)) for g, p in zip(grads, params)]
    clone.build(variables)
    for _ in range(steps):
        clone.apply_gradients(zip(gradients, variables))
    moved = flatten([keras.ops.convert_to_numpy(v.value) for v in variables]) - flatten(params)
    return float(-(flatten(grads) @ moved) / steps)
