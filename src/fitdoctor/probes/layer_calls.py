"""Which layers really run in a forward pass, and which of a layer's plain tensor attributes
the outputs depend on; backend-independent.

`record_layer_calls` sees every `keras.layers.Layer` whose `__call__` runs during one
stateless forward pass, also layers the model does not track (created outside and called
inside a `Lambda` or a plain Python function, created in `call`, kept in an object Keras does
not look into), with the layer that was running when each was called. `Layer.__call__` is
wrapped on the class for the duration of the pass and restored in `finally`.

`output_change` measures how much the model's outputs move when one attribute of one layer is
temporarily replaced by a perturbed copy (restored in `finally`), in a fresh stateless pass.
Neither writes a variable, a seed generator or a global RNG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fitdoctor.probes.loss import fixed_batch_chunks, stateless_forward


@dataclass(eq=False)
class LayerCall:
    layer: Any
    caller: Any  # the layer whose __call__ was running when this one was called (None: the model's own call)


def record_layer_calls(model: Any, x: Any, training: bool = False) -> list[LayerCall]:
    """Every `Layer.__call__` of one stateless forward pass on `x`, in call order (the
    model's own `call` is not one: it is the caller `None`)."""
    import keras

    layer_class = keras.layers.Layer
    original = layer_class.__dict__["__call__"]
    calls: list[LayerCall] = []
    stack: list[Any] = []

    def recording_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(LayerCall(self, stack[-1] if stack else None))
        stack.append(self)
        try:
            return original(self, *args, **kwargs)
        finally:
            stack.pop()

    tensors = keras.tree.map_structure(keras.ops.convert_to_tensor, x)
    layer_class.__call__ = recording_call
    try:
        stateless_forward(model, [v.value for v in model.trainable_variables],
                          [v.value for v in model.non_trainable_variables], tensors, training=training)
    finally:
        layer_class.__call__ = original
    # A model of fixed batch size makes the same calls once per pass (probes/loss.py).
    chunks = fixed_batch_chunks(model, tensors)
    passes = len(chunks) if chunks else 1
    return calls[:len(calls) // passes] if len(calls) % passes == 0 else calls


def forward_outputs(model: Any, x: Any) -> list[np.ndarray]:
    """The model's outputs on `x` (inference mode) from a stateless pass, as float64 arrays."""
    import keras

    tensors = keras.tree.map_structure(keras.ops.convert_to_tensor, x)
    outputs, _ = stateless_forward(model, [v.value for v in model.trainable_variables],
                                   [v.value for v in model.non_trainable_variables], tensors,
                                   training=False)
    return [np.asarray(keras.ops.convert_to_numpy(o), dtype=np.float64)
            for o in keras.tree.flatten(outputs)]


def output_change(model: Any, x: Any, layer: Any, name: str, replacement: np.ndarray,
                  reference: list[np.ndarray]) -> float:
    """The largest absolute change of the model's outputs on `x` (against `reference`, the
    outputs with nothing replaced) while `layer.<name>` is `replacement` (converted to the
    attribute's own kind: a NumPy array stays one, anything else becomes a backend tensor of
    the same dtype). The attribute is restored in `finally`."""
    import keras

    original = vars(layer)[name]
    if isinstance(original, np.ndarray):
        value: Any = replacement.astype(original.dtype)
    else:
        dtype = keras.backend.standardize_dtype(original.dtype)
        value = keras.ops.convert_to_tensor(replacement, dtype=dtype)
    object.__setattr__(layer, name, value)
    try:
        moved = forward_outputs(model, x)
    finally:
        object.__setattr__(layer, name, original)
    change = 0.0
    for before, after in zip(reference, moved):
        if before.shape != after.shape:
            return float("inf")
        with np.errstate(invalid="ignore"):
            difference = np.abs(after - before)
        if not np.isfinite(difference).all():
            return float("inf")
        if difference.size:
            change = max(change, float(difference.max()))
    return change
