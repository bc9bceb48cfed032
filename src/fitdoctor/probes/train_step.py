"""The loss a model's own `train_step` computes on a batch, measured without training.

A subclassed model that overrides `train_step` computes its loss in code fitdoctor cannot
differentiate statelessly (a `GradientTape` block, `loss.backward()`, `jax.value_and_grad`
over its own function). What can be measured is the loss that code reports: the step is run
as `fit` runs it, on the real model, with three things held fixed so that nothing it
observes changes:

- the optimizer is replaced, for the call, by one whose updates do nothing (`apply`,
  `apply_gradients`, `stateless_apply`, `minimize`), so no weight and no optimizer slot moves;
- every variable the step may write (BatchNormalization statistics, seed-generator states,
  the metric trackers it reports through) is saved before and put back after, and the
  global random generators are preserved; metric trackers are reset before each call, so
  the reported loss is the loss of that batch, not a running mean;
- BatchNormalization layers normalise with their moving statistics during the call: in
  training mode a batch's statistics mix its samples, which would hide the one coupling
  this probe exists to measure (one sample's target reaching another sample's loss).

The loss is read from the logs the step returns (`"loss"`, else the one entry whose name
contains "loss").
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

from fitdoctor.data import Batch
from fitdoctor.probes import rng


def overrides_train_step(model: Any) -> bool:
    import keras

    return type(model).train_step is not keras.Model.train_step


class TrainStepLoss:
    """`loss(batch)`: the loss `model.train_step` reports for `batch`, the model unchanged."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def loss(self, batch: Batch, trainable: list[np.ndarray] | None = None) -> float:
        """The reported loss of `batch`, at the model's weights or at `trainable` (values
        for its trainable variables, put back afterwards with everything else)."""
        import keras

        with _untouched(self.model):
            if trainable is not None:
                for variable, value in zip(self.model.trainable_variables, trainable):
                    variable.assign(value)
            logs = self._step(_packed(batch))
        value = _reported_loss(logs)
        return float(np.asarray(keras.ops.convert_to_numpy(value)).reshape(()))

    def _step(self, data: Any) -> Any:
        import keras

        model = self.model
        if keras.backend.backend() != "jax":
            return model.train_step(data)
        state = ([v.value for v in model.trainable_variables],
                 [v.value for v in model.non_trainable_variables],
                 [v.value for v in model.optimizer.variables],
                 [v.value for v in model.metrics_variables])
        logs, _ = model.train_step(state, data)
        return logs


def _packed(batch: Batch) -> Any:
    """The batch as `fit` hands it to `train_step`: `(x, y)`, `(x, y, sample_weight)` or `x`."""
    import keras
    from keras.src.trainers.data_adapters.data_adapter_utils import pack_x_y_sample_weight

    def tensors(part: Any) -> Any:
        return None if part is None else keras.tree.map_structure(keras.ops.convert_to_tensor, part)

    return pack_x_y_sample_weight(tensors(batch.x), tensors(batch.y), tensors(batch.sample_weight))


def _reported_loss(logs: Any) -> Any:
    if not isinstance(logs, dict):
        raise ValueError(f"train_step returned {type(logs).__name__}, not a dict of logs")
    if "loss" in logs:
        return logs["loss"]
    named = [key for key in logs if "loss" in str(key)]
    if len(named) != 1:
        raise ValueError(f"train_step reports no single loss (logs: {sorted(map(str, logs))})")
    return logs[named[0]]


class _NoUpdates:
    """The model's optimizer, with every update a no-op; anything else (the learning rate,
    `iterations`, its variables) is the real optimizer's."""

    def __init__(self, optimizer: Any) -> None:
        self._optimizer = optimizer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._optimizer, name)

    def apply(self, grads: Any, trainable_variables: Any = None) -> None:
        return None

    def apply_gradients(self, grads_and_vars: Any) -> Any:
        return self._optimizer.iterations

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> None:
        return None

    def stateless_apply(self, optimizer_variables: Any, grads: Any, trainable_variables: Any) -> tuple:
        return trainable_variables, optimizer_variables


@contextmanager
def _untouched(model: Any) -> Iterator[None]:
    import keras

    variables = list({id(v): v for v in [*model.variables, *model.metrics_variables]}.values())
    saved = [np.array(keras.ops.convert_to_numpy(v.value)) for v in variables]
    gradients = _torch_gradients(model)
    optimizer = model.optimizer
    # object.__setattr__: Keras's and TensorFlow's attribute tracking must not see the stand-in.
    object.__setattr__(model, "optimizer", _NoUpdates(optimizer))
    try:
        with rng.preserved(), _normalised_by_moving_statistics(model):
            for metric in model.metrics:
                metric.reset_state()
            yield
    finally:
        object.__setattr__(model, "optimizer", optimizer)
        for variable, value in zip(variables, saved):
            variable.assign(value)
        _restore_torch_gradients(gradients)


@contextmanager
def _normalised_by_moving_statistics(model: Any) -> Iterator[None]:
    import keras

    layers = [layer for layer in model._flatten_layers(include_self=False)
              if isinstance(layer, keras.layers.BatchNormalization)]
    for layer in layers:
        call = layer.call

        def inference_call(*args: Any, training: Any = None, _call: Any = call, **kwargs: Any) -> Any:
            return _call(*args, training=False, **kwargs)

        object.__setattr__(layer, "call", inference_call)
    try:
        yield
    finally:
        for layer in layers:
            object.__delattr__(layer, "call")


def _torch_gradients(model: Any) -> list[tuple[Any, Any]]:
    """`loss.backward()` in a PyTorch train_step fills each parameter's `.grad`."""
    import keras

    if keras.backend.backend() != "torch":
        return []
    return [(v.value, v.value.grad) for v in model.trainable_variables]


def _restore_torch_gradients(gradients: list[tuple[Any, Any]]) -> None:
    for parameter, grad in gradients:
        parameter.grad = grad
