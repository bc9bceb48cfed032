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
# Optimizers whose update of a weight depends on that weight's gradient alone (no norm over a
# variable, no factored statistics): on a large variable their descent is measured on an even
# sample of its weights, counted at its size (a step of Adam on 38M weights costs ~0.3 s; the
# sampled sum is within a fraction of a percent of the whole one).
ELEMENTWISE = {"SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Ftrl", "Lion"}
SAMPLED_WEIGHTS = 2 ** 18
# Two successive steps whose decreases differ by less than this share have reached the
# optimizer's steady step (Adam and plain SGD at once; momentum after ~1/(1 - momentum)).
# Three steps alike in a row end the measurement early: each eager step of a Keras optimizer
# costs ~35 ms on TensorFlow, whatever the model's size.
SETTLED = 0.05


@dataclass(frozen=True)
class Descent:
    per_unit_rate: float  # first-order loss decrease per step, per unit of learning rate
    steps: int  # optimizer steps it was measured over
    settled: bool  # whether the steps had reached their steady size
    cut_short: bool = False  # stopped by its time before the steps were steady three in a row


def decrease_per_unit_rate(optimizer: Any, params: list[np.ndarray], grads: list[np.ndarray],
                           steps: int = STEADY_STEPS, seconds: float = math.inf) -> Descent:
    """Measured over `steps` steps, or fewer once `seconds` have passed after the first;
    `settled` says whether the last two steps moved the loss alike (always, after all of
    `steps`)."""
    import keras

    ops = keras.ops
    # Weight decay pulls towards zero regardless of the loss; leave it out of the descent rate.
    clone = clone_optimizer(optimizer, learning_rate=1.0, weight_decay=0.0)()
    samples = [_even_sample(p.size) if _elementwise(clone) else None for p in params]
    counted = [1.0 if kept is None else p.size / kept.size for p, kept in zip(params, samples)]
    params = [p if kept is None else p.reshape(-1)[kept] for p, kept in zip(params, samples)]
    grads = [g if kept is None else np.reshape(g, -1)[kept] for g, kept in zip(grads, samples)]
    variables = [keras.Variable(p, trainable=True) for p in params]  # each copies its value
    gradients = [ops.convert_to_tensor(np.asarray(g, dtype=p.dtype)) for g, p in zip(grads, params)]
    starts = [ops.convert_to_tensor(p) for p in params]
    clone.build(variables)
    cumulative: list[float] = []  # the first-order decrease after each step
    deadline = math.inf
    cut_short = False
    while len(cumulative) < steps:
        clone.apply_gradients(zip(gradients, variables))
        # On the backend, variable by variable (a host copy of a large model costs seconds),
        # in float32 so that a float16 model's sums neither overflow nor round away.
        cumulative.append(-sum(share * float(ops.convert_to_numpy(ops.sum(
            ops.cast(g, "float32") * (ops.cast(v.value, "float32") - ops.cast(w, "float32")))))
            for g, v, w, share in zip(gradients, variables, starts, counted)))
        if len(cumulative) == 1:
            deadline = time.perf_counter() + seconds
        elif _settled(cumulative) and _settled(cumulative[:-1]):
            break
        elif time.perf_counter() > deadline:
            cut_short = len(cumulative) < steps
            break
    made = len(cumulative)
    return Descent(cumulative[-1] / made, made, made == steps or _settled(cumulative), cut_short)


def _elementwise(optimizer: Any) -> bool:
    return (type(optimizer).__name__ in ELEMENTWISE and type(optimizer).__module__.startswith("keras")
            and optimizer.clipnorm is None and optimizer.global_clipnorm is None)


def _even_sample(size: int) -> np.ndarray | None:
    """Every k-th weight of a variable larger than SAMPLED_WEIGHTS (None: all of it)."""
    if size <= SAMPLED_WEIGHTS:
        return None
    return np.linspace(0, size - 1, SAMPLED_WEIGHTS).astype(np.int64)


def _settled(cumulative: list[float]) -> bool:
    """Whether the last two steps behind the cumulative decreases `cumulative` decreased alike."""
    steps = np.diff([0.0, *cumulative])
    return len(steps) >= 2 and _alike(steps[-2], steps[-1])


def _alike(first: float, second: float) -> bool:
    return abs(second - first) <= SETTLED * max(abs(first), abs(second), 1e-300)
