"""What the training monitor measures while a model trains, on the current weights.

Two kinds of measurement:

- `fingerprints(weights)`: three cheap statistics of every trainable variable (sum, sum of
  squares, and a sum weighted by a fixed ramp) of a host copy of the weights
  (probes/loss.py `host_weights`). Two equal fingerprints mean an unchanged variable.
- `TrainingProbe(model, batch).measure(...)`: on a fixed probe batch, through the same
  stateless code as the pre-flight checks (probes/loss.py `LossProbe`, probes/activations.py `record_layers`,
  probes/gradients.py `group_by_layer`): the loss, its gradient grouped by layer, every
  layer's outputs and the model's predictions. No weight, optimizer slot, BatchNorm
  statistic or seed generator is written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fitdoctor.data import Batch
from fitdoctor.probes.activations import LayerRecord, record_layers
from fitdoctor.probes.gradients import LayerGradient, global_norm, group_by_layer
from fitdoctor.probes.loss import LossProbe, computes_loss, host_weights, stateless_forward, stateless_loss

# Samples of the probe batch the monitor measures on: few enough that a measurement costs a
# handful of training steps; a unit active on fewer than 1 in 64 inputs is nearly dead anyway.
MONITOR_SAMPLES = 64


@dataclass
class Measurement:
    """One measurement during training."""

    step: int  # optimizer steps taken when it was made (across the whole run)
    epoch: int  # epochs completed when it was made
    at: str  # "epoch N" / "step N", as findings report it
    loss: float | None = None
    gradient_norm: float | None = None  # of the whole loss gradient, over all weights
    groups: list[LayerGradient] = field(default_factory=list)
    records: list[LayerRecord] = field(default_factory=list)
    predictions: list[np.ndarray] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)
    samples: int = 0
    seconds: float = 0.0


@dataclass
class Snapshot:
    """A host copy of the trainable weights, taken at an epoch end (the one the fingerprint
    makes), kept while finite so that a failure can be examined where it began."""

    step: int
    at: str
    weights: list[np.ndarray]


def probe_batch(batch: Batch | None, samples: int = MONITOR_SAMPLES) -> Batch | None:
    if batch is None or batch.y is None:
        return None
    return batch.take(samples)


def as_batch(probe: Any) -> Batch:
    """`(x, y)` or `(x, y, sample_weight)` of arrays (nested structures allowed) as a Batch."""
    import keras

    if isinstance(probe, Batch):
        return probe
    if not isinstance(probe, (tuple, list)) or len(probe) not in (2, 3):
        raise ValueError("probe must be (x, y) or (x, y, sample_weight)")
    parts = [None if part is None else keras.tree.map_structure(
        lambda a: np.asarray(keras.ops.convert_to_numpy(a)), part) for part in probe]
    return Batch(*parts)


def _tensors(structure: Any) -> Any:
    import keras

    if structure is None:
        return None
    return keras.tree.map_structure(keras.ops.convert_to_tensor, structure)


def fingerprints(weights: list[np.ndarray]) -> np.ndarray:
    """(trainable variables, 3): each variable's sum, sum of squares and sum weighted by a
    ramp from 1 to 2 (which changes when entries move between positions), in float64, of host
    `weights`. Equal rows mean an unchanged variable."""
    rows = []
    for value in weights:
        flat = value.astype(np.float64).ravel()
        if not flat.size:
            rows.append((0.0, 0.0, 0.0))
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            rows.append((flat.sum(), flat @ flat, flat @ np.linspace(1.0, 2.0, flat.size)))
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


class TrainingProbe:
    """Measurements of `model` on a fixed probe `batch`, repeated on the current weights.
    The gradient is compiled once per probe where the backend compiles (JAX, TensorFlow):
    eager JAX differentiation dispatches, and compiles, every primitive separately."""

    def __init__(self, model: Any, batch: Batch) -> None:
        from fitdoctor.probes import backends

        self.model = model
        self.batch = batch
        self._adapter = backends.current()
        self._value_and_grad: Any = None
        self._loss: Any = None
        self._x, self._y, self._sw = _tensors(batch.x), _tensors(batch.y), _tensors(batch.sample_weight)
        # A loss computed only inside the model's own train_step cannot be differentiated
        # here: predictions and layer outputs are still measured.
        self.differentiable = computes_loss(model, self._x)

    def predictions(self) -> list[np.ndarray]:
        """The model's outputs on the probe inputs (inference mode), flattened."""
        import keras

        model = self.model
        outputs, _ = stateless_forward(model, [v.value for v in model.trainable_variables],
                                       [v.value for v in model.non_trainable_variables], self._x,
                                       training=False)
        return [np.asarray(keras.ops.convert_to_numpy(o)) for o in keras.tree.flatten(outputs)]

    def loss(self) -> float:
        """The training loss on the probe batch at the current weights, without gradients."""
        import keras

        model = self.model
        value = stateless_loss(model, [v.value for v in model.trainable_variables],
                               [v.value for v in model.non_trainable_variables],
                               [v.value for v in model.metrics_variables], (self._x, self._y, self._sw),
                               training=True)
        return float(keras.ops.convert_to_numpy(value))

    def gradient(self) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """The training loss on the probe batch, the weights and the loss gradient (compiled
        where the adapter finds that pays: JAX)."""
        model = self.model
        if self._loss is None:
            metrics = [v.value for v in model.metrics_variables]

            def loss(trainable: list[Any], batch: tuple) -> Any:
                non_trainable, x, y, sw = batch
                return stateless_loss(model, trainable, non_trainable, metrics, (x, y, sw), training=True)

            self._loss = loss
            self._value_and_grad = self._adapter.repeated_value_and_grad(loss)
        params = host_weights(model)
        batch = ([v.value for v in model.non_trainable_variables], self._x, self._y, self._sw)
        value, grads = self._value_and_grad(params, batch)
        return value, params, [np.asarray(g) for g in grads]

    def measure(self, step: int, epoch: int, at: str, gradients: bool = True) -> Measurement:
        began = time.perf_counter()
        batch = self.batch
        result = Measurement(step, epoch, at, samples=batch.size)
        result.predictions = self.predictions()
        result.targets = batch.target_leaves()
        result.records = record_layers(self.model, batch.x)
        if gradients and self.differentiable and self.model.trainable_variables:
            result.loss, params, grads = self.gradient()
            result.gradient_norm = global_norm(grads)
            result.groups = group_by_layer(self.model, params, grads, result.records)
        result.seconds = time.perf_counter() - began
        return result


def current_curvature(model: Any, batch: Batch, seconds: float,
                      weights: list[np.ndarray] | None = None) -> tuple[Any, float]:
    """The extreme curvatures (probes/curvature.py Spectrum) of the training loss on `batch`
    at the current weights (or at host `weights`), by the pre-flight code, bounded to
    `seconds`; and the loss."""
    from fitdoctor.probes.curvature import extreme_eigenvalues

    probe = LossProbe(model, batch, params=weights)
    return extreme_eigenvalues(probe.hvp, probe.dimension, 24, seconds), probe.value()
