"""The training loss of a model on a fixed batch, as a pure function of its trainable weights.

Everything goes through `stateless_call` / `stateless_compute_loss`, so no variable of the
model, its optimizer or its metrics is written, and no seed generator advances.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from typing import Any, Callable, Iterator

import numpy as np

from fitdoctor.data import Batch
from fitdoctor.probes import backends


def stateless_forward(model: Any, trainable: list[Any], non_trainable: list[Any], x: Any,
                      training: bool, return_losses: bool = False) -> tuple[Any, ...]:
    """`model.stateless_call`, passing `training` only to a `call` that accepts it (as
    `Layer.__call__` does). A model whose inputs fix the batch size (`batch_shape=`, which a
    stateful RNN needs: its state holds one row per sample of a batch) takes any other number
    of samples in passes of its own size, each from the same state (see `fixed_batch_chunks`);
    the outputs are those of the samples in order, the state and the losses the first pass's."""
    import keras

    kwargs = {"training": training} if getattr(model, "_call_has_training_arg", True) else {}
    chunks = fixed_batch_chunks(model, x)
    if chunks is None:
        return model.stateless_call(trainable, non_trainable, x, return_losses=return_losses, **kwargs)
    passes = [model.stateless_call(trainable, non_trainable,
                                   keras.tree.map_structure(lambda t: keras.ops.take(t, rows, axis=0), x),
                                   return_losses=return_losses, **kwargs)
              for rows in chunks]
    count = sample_count(x)
    outputs = keras.tree.map_structure(lambda *parts: _joined_rows(parts, count),
                                       *[result[0] for result in passes])
    return (outputs, *passes[0][1:])


def predict_now(model: Any, x: Any) -> list[np.ndarray]:
    """The model's outputs for `x` at its current weights, in inference mode, as host arrays
    (one per output), through a stateless call: the model's state is left as it was."""
    import keras

    outputs, _ = stateless_forward(model, [v.value for v in model.trainable_variables],
                                   [v.value for v in model.non_trainable_variables], x, training=False)
    return [np.asarray(keras.ops.convert_to_numpy(leaf)) for leaf in keras.tree.flatten(outputs)]


def _joined_rows(parts: tuple[Any, ...], count: int) -> Any:
    """The first `count` rows of `parts` one after the other, with the logits that Keras on
    TensorFlow keeps beneath a sigmoid or softmax output (its losses compute from them) joined
    the same way."""
    import keras

    joined = keras.ops.concatenate(parts, axis=0)[:count]
    logits = [getattr(part, "_keras_logits", None) for part in parts]
    if all(value is not None for value in logits):
        try:
            joined._keras_logits = keras.ops.concatenate(logits, axis=0)[:count]
        except AttributeError:  # a tensor type that takes no attributes
            pass
    return joined


def fixed_batch_size(model: Any) -> int | None:
    """The batch size the model's inputs declare, or None when they leave it open."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # a subclassed model declares none
        return None
    sizes = {tensor.shape[0] for tensor in inputs or []}
    return sizes.pop() if len(sizes) == 1 and None not in sizes else None


def fixed_batch_chunks(model: Any, x: Any) -> list[np.ndarray] | None:
    """The rows of `x` for each pass of a model of fixed batch size, or None when `x` already
    has that size (or the model takes any): consecutive runs of that many samples, the last
    filled up from the first samples again."""
    size = fixed_batch_size(model)
    count = sample_count(x)
    if size is None or count in (None, size):
        return None
    return [np.arange(start, start + size) % count for start in range(0, count, size)]


def sample_count(x: Any) -> int | None:
    """The number of samples in `x` (its first leaf's leading axis), None when unknown."""
    import keras

    leaves = keras.tree.flatten(x)
    return int(leaves[0].shape[0]) if leaves and leaves[0].shape and leaves[0].shape[0] is not None else None


def stateless_loss(model: Any, trainable: list[Any], non_trainable: list[Any], metrics: list[Any],
                   batch: tuple[Any, Any, Any], training: bool) -> Any:
    """The training loss as `fit` computes it: the compiled loss (or an overridden
    `compute_loss`) plus the losses the forward pass adds (`add_loss`, regularizers), the way
    Keras's JAX trainer does it statelessly."""
    x, y, sample_weight = batch
    y_pred, non_trainable, forward = stateless_forward(model, trainable, non_trainable, x,
                                                       training=training, return_losses=True)
    with _forward_losses(model, forward):
        loss, _ = model.stateless_compute_loss(trainable, non_trainable, metrics, x=x, y=y,
                                               y_pred=y_pred, sample_weight=sample_weight,
                                               training=training)
    return loss


@contextmanager
def _forward_losses(model: Any, losses: list[Any]) -> Iterator[None]:
    """Makes `model.losses` return the forward pass's `losses` (Keras's own override, which
    `compute_loss` reads), and nothing more, for the duration of the block."""
    if not losses:
        yield
        return
    previous = model._losses_override
    model._losses_override = list(losses)
    try:
        yield
    finally:
        model._losses_override = previous


def computes_loss(model: Any, x: Any) -> bool:
    """Whether training `model` computes a loss at all: a compiled loss, an overridden
    `compute_loss`, or losses its forward pass adds (`add_loss` endpoints, regularizers)."""
    import keras

    if getattr(model, "_compile_loss", None) is not None or model.losses:
        return True
    if type(model).compute_loss is not keras.Model.compute_loss:
        return True
    return bool(forward_losses(model, x))


def forward_losses(model: Any, x: Any) -> list[Any]:
    """The losses one stateless forward pass on `x` adds (`add_loss`, regularizers)."""
    _, _, losses = stateless_forward(model, [v.value for v in model.trainable_variables],
                                     [v.value for v in model.non_trainable_variables], x,
                                     training=False, return_losses=True)
    return losses


class LossProbe:
    """Loss, gradient and Hessian-vector products of `model`'s compiled loss on `batch`, at
    the model's current trainable weights or at `params` (host arrays in the same order)."""

    def __init__(self, model: Any, batch: Batch, training: bool = True,
                 params: list[np.ndarray] | None = None) -> None:
        import keras

        self.model = model
        self.batch = batch
        self.training = training
        self._adapter = backends.current()
        self._x, self._y, self._sw = self.tensors(batch)
        self._non_trainable = [v.value for v in model.non_trainable_variables]
        _ensure_compile_loss_built(model, self._y, lambda: self.predictions_tensor)
        self._metrics = [v.value for v in model.metrics_variables]
        self.params = params if params is not None else host_weights(model)

    @property
    def size(self) -> int:
        return self.batch.size

    @property
    def dimension(self) -> int:
        return int(sum(p.size for p in self.params))

    @cached_property
    def predictions_tensor(self) -> Any:
        trainable = [v.value for v in self.model.trainable_variables]
        outputs, _ = stateless_forward(self.model, trainable, self._non_trainable, self._x, training=False)
        return outputs

    @cached_property
    def predictions(self) -> Any:
        import keras

        return keras.tree.map_structure(lambda t: np.asarray(keras.ops.convert_to_numpy(t)),
                                        self.predictions_tensor)

    def loss_of_weights(self, trainable: list[Any]) -> Any:
        return self.loss_of_batch(trainable, (self._x, self._y, self._sw))

    def loss_of_batch(self, trainable: list[Any], batch: tuple[Any, Any, Any]) -> Any:
        """The loss of the weights `trainable` on another `(x, y, sample_weight)` of tensors
        structured like this probe's batch."""
        return stateless_loss(self.model, trainable, self._non_trainable, self._metrics, batch,
                              self.training)

    def tensors(self, batch: Batch) -> tuple[Any, Any, Any]:
        """`batch` as the backend tensors `loss_of_batch` takes."""
        import keras

        return tuple(None if part is None else keras.tree.map_structure(keras.ops.convert_to_tensor, part)
                     for part in (batch.x, batch.y, batch.sample_weight))

    def loss_of_predictions(self, y_true: Any) -> Callable[[list[Any]], Any]:
        """The compiled loss as a function of the (flattened) predictions, for targets `y_true`."""
        import keras

        model = self.model
        trainable = [v.value for v in model.trainable_variables]
        structure = self.predictions_tensor
        targets = keras.tree.map_structure(keras.ops.convert_to_tensor, y_true)

        def fn(flat_predictions: list[Any]) -> Any:
            y_pred = keras.tree.pack_sequence_as(structure, flat_predictions)
            loss, _ = model.stateless_compute_loss(trainable, self._non_trainable, self._metrics,
                                                   x=self._x, y=targets, y_pred=y_pred,
                                                   sample_weight=self._sw, training=False)
            return loss

        return fn

    def value(self) -> float:
        value, _ = self.value_and_grad()
        return value

    def value_alone(self) -> float:
        """The loss at `params` by a forward pass only, for a loss that is not differentiated
        (a trained model's), unless the gradient was measured already."""
        return self.value() if "_value_and_grad" in vars(self) else self.loss_at(self.params)

    def loss_at(self, weights: list[Any]) -> float:
        """The loss at `weights` (host arrays or tensors), by a forward pass only."""
        import keras

        tensors = [keras.ops.convert_to_tensor(w) for w in weights]
        return float(keras.ops.convert_to_numpy(self.loss_of_weights(tensors)))

    @cached_property
    def _value_and_grad(self) -> tuple[float, list[np.ndarray]]:
        if not self.params:  # nothing to differentiate (a fully frozen model)
            import keras

            return float(keras.ops.convert_to_numpy(self.loss_of_weights([]))), []
        return self._adapter.value_and_grad(self.loss_of_weights, self.params)

    def value_and_grad(self) -> tuple[float, list[np.ndarray]]:
        return self._value_and_grad

    def measured(self, value_and_grad: tuple[float, list[np.ndarray]]) -> None:
        """The value and gradient at `params`, computed elsewhere (a timed pass)."""
        vars(self)["_value_and_grad"] = value_and_grad

    @cached_property
    def _hvp(self) -> Callable:
        return self._adapter.hvp_function(self.loss_of_weights)

    def hvp(self, vector: np.ndarray) -> np.ndarray:
        """Hessian-vector product with a flat vector over all trainable weights."""
        return flatten(self._hvp(self.params, self.unflatten(vector)))

    def unflatten(self, vector: np.ndarray) -> list[np.ndarray]:
        parts, offset = [], 0
        for p in self.params:
            parts.append(vector[offset:offset + p.size].reshape(p.shape).astype(p.dtype))
            offset += p.size
        return parts


def host_weights(model: Any) -> list[np.ndarray]:
    """A host copy of `model`'s trainable weights."""
    import keras

    return [_own_copy(keras.ops.convert_to_numpy(v.value)) for v in model.trainable_variables]


def _own_copy(array: np.ndarray) -> np.ndarray:
    """`array` if it is already a writeable array of its own (TensorFlow's conversion copies),
    else a copy (PyTorch's and JAX's can share the tensor's memory): on a 38M-parameter model
    a second copy costs a tenth of a second or more."""
    return array if array.flags.owndata and array.flags.writeable else np.array(array)


def flatten(arrays: list[np.ndarray]) -> np.ndarray:
    if not arrays:
        return np.zeros(0)
    return np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])


def _ensure_compile_loss_built(model: Any, y: Any, y_pred: Callable[[], Any]) -> None:
    """Keras builds the compiled loss (and its metric trackers) on the first training step;
    building it here, outside any stateless scope, creates the same variables fit would.
    `y_pred` makes the predictions it is built from, only when needed (a forward pass)."""
    compile_loss = getattr(model, "_compile_loss", None)
    if compile_loss is not None and not compile_loss.built and y is not None:
        compile_loss.build(y, y_pred())
