"""A few dozen optimizer steps on a copy of the weights, to see where training goes.

The copy is a list of NumPy arrays and a fresh optimizer built on its own variables; the
losses come from the model's stateless loss (probes/loss.py), so the model's weights,
BatchNorm statistics, seed generators and optimizer are never touched.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

import numpy as np

from fitdoctor.data import Batch
from fitdoctor.probes import backends
from fitdoctor.probes.loss import LossProbe

# Evaluation loss growth that counts as divergence: three times the starting loss is far
# outside the noise of a few dozen steps of any stable run.
DIVERGED_FACTOR = 3.0


@dataclass
class ShortRun:
    initial: float  # loss on the evaluation batch before the first step (inference mode)
    final: float  # the same after the last step
    losses: list[float] = field(default_factory=list)  # mini-batch loss at each step
    gradient_norms: list[float] = field(default_factory=list)  # its global gradient norm
    step_seconds: float | None = None  # a step after the first (which compiles), when made
    # The loss on the mini-batches it trained on, after the last step and in inference mode
    # like `final` (measured when asked): with `final`, how much it memorised.
    fitted: float = math.nan

    @property
    def steps(self) -> int:
        return len(self.losses)

    @property
    def diverged(self) -> bool:
        return not math.isfinite(self.final) or not all(map(math.isfinite, self.losses)) \
            or self.final > DIVERGED_FACTOR * max(self.initial, 1e-12)

    @property
    def progress(self) -> float:
        """The share of the starting loss the steps removed (negative when it grew)."""
        if not math.isfinite(self.final) or self.initial <= 0:
            return -math.inf
        return 1.0 - self.final / self.initial

    def recent_loss(self, steps: int | None = None) -> float:
        """The mean mini-batch loss over the last quarter of the first `steps` steps (all of
        them by default): where the run has got to, without the swings of momentum or noise
        that its final loss, one evaluation at one step, can land on."""
        losses = self.losses[:steps]
        if not losses:
            return math.nan
        return float(np.mean(losses[-max(1, len(losses) // 4):]))


def minibatches(sample: Batch, batch_size: int, count: int, seed: int = 0) -> list[Batch]:
    """Up to `count` disjoint mini-batches of a private permutation of the sample, as a
    shuffling fit() would draw them (the sample itself is ordered like the data)."""
    order = np.random.default_rng(seed).permutation(sample.size)
    size = max(1, min(batch_size, sample.size))
    starts = range(0, sample.size - size + 1, size)
    return [sample.select(order[start:start + size]) for start in starts][:count]


def train_copy(model: Any, batches: list[Batch], evaluation: Batch, make_optimizer: Callable[[], Any],
               steps: int, seconds: float, owner: Hashable | None = None,
               start: list[np.ndarray] | None = None, fitted: bool = False) -> ShortRun:
    """`steps` optimizer steps (cycling through `batches`) on a copy of the trainable weights
    (or of host weights `start`); stops early at a non-finite loss or when `seconds` have
    passed. Runs with the same `owner` (an object alive while its runs are made) may share
    compiled code. With `fitted`, the run's loss on the batches it trained on is measured
    too."""
    import keras

    training = LossProbe(model, batches[0], params=start)
    judge = LossProbe(model, evaluation, training=False, params=start)
    run = ShortRun(_loss(judge, judge.params), math.nan)
    optimizer = make_optimizer()
    variables = [keras.Variable(p, trainable=True) for p in judge.params]
    optimizer.build(variables)
    key = None if owner is None else (owner, _signature(optimizer), _shapes(batches[0]))
    step, current = backends.current().train_step(training.loss_of_batch, optimizer, variables, key)
    tensors = [training.tensors(batch) for batch in batches]

    def record(batch: Any) -> None:
        loss, norm = step(batch)
        run.losses.append(loss)
        run.gradient_norms.append(norm)

    # The clock starts after the first step, which compiles.
    record(tensors[0])
    started = time.perf_counter()
    for index in range(1, steps):
        if not math.isfinite(run.losses[-1]) or time.perf_counter() - started > seconds:
            break
        record(tensors[index % len(tensors)])
    if run.steps > 1:
        run.step_seconds = (time.perf_counter() - started) / (run.steps - 1)
    if math.isfinite(run.losses[-1]):
        trained = current()
        run.final = _loss(judge, trained)
        if fitted:
            seen = Batch.concatenate(batches[:run.steps])
            run.fitted = _loss(LossProbe(model, seen, training=False, params=start), trained)
    return run


def _loss(probe: LossProbe, params: list[Any]) -> float:
    value = probe.loss_at(params)
    return value if math.isfinite(value) else math.nan


def clone_optimizer(optimizer: Any, **overrides: Any) -> Callable[[], Any]:
    """A factory of fresh optimizers configured like `optimizer` (schedule, momentum,
    clipping...), with `overrides` applied to its config."""
    # A LossScaleOptimizer only rescales the loss for float16; the update is its inner one's.
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    config = optimizer.get_config()
    config.pop("name", None)
    config.update(overrides)
    return lambda: type(optimizer).from_config(dict(config))


def _signature(optimizer: Any) -> str:
    """The optimizer's class and configuration, but for a constant learning rate, which
    lives in its state."""
    config = optimizer.get_config()
    config.pop("name", None)
    if isinstance(config.get("learning_rate"), (int, float)):
        config.pop("learning_rate")
    return f"{type(optimizer).__name__}{sorted(config.items(), key=lambda item: item[0])!r}"


def _shapes(batch: Batch) -> str:
    import keras

    return repr(keras.tree.map_structure(lambda a: (np.shape(a), str(np.asarray(a).dtype)),
                                         (batch.x, batch.y, batch.sample_weight)))
