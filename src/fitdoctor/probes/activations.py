"""What every layer received and returned on a sample, from one stateless forward pass.

Each sub-layer's `call` is shadowed by a recording wrapper on the instance for the duration
of the pass and restored afterwards; weights are passed statelessly, and `training=False`
unless asked otherwise (a training-mode pass still updates nothing: the new BatchNorm
statistics and seed states it returns are dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fitdoctor.probes.loss import fixed_batch_chunks, sample_count, stateless_forward


@dataclass
class LayerRecord:
    layer: Any
    input_shapes: Any  # nested tuples, batch dimension included
    output: Any  # nested NumPy arrays

    @property
    def output_leaves(self) -> list[np.ndarray]:
        import keras

        return [np.asarray(a) for a in keras.tree.flatten(self.output)]


def first_calls(records: list[LayerRecord]) -> list[LayerRecord]:
    """Each layer's first call only (a shared layer is judged once)."""
    seen: set[int] = set()
    firsts = []
    for record in records:
        if id(record.layer) not in seen:
            seen.add(id(record.layer))
            firsts.append(record)
    return firsts


class ForwardPassError(Exception):
    """The model itself fails on the sample; `records` holds the layers that ran before."""

    def __init__(self, error: Exception, records: list[LayerRecord]) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.records = records


def record_layers(model: Any, x: Any, training: bool = False) -> list[LayerRecord]:
    """One `LayerRecord` per sub-layer call, in call order. Raises `ForwardPassError` when
    the model cannot run on `x`."""
    import keras

    records: list[LayerRecord] = []
    layers = [layer for layer in model._flatten_layers(include_self=False)]
    shadowed = []

    def recorder(layer: Any, call: Any) -> Any:
        def recording_call(*args: Any, **kwargs: Any) -> Any:
            outputs = call(*args, **kwargs)
            inputs = args[0] if args else next(iter(kwargs.values()), None)
            try:
                values = keras.tree.map_structure(lambda t: np.asarray(keras.ops.convert_to_numpy(t)), outputs)
            except Exception:  # noqa: BLE001 - a cell inside a traced loop (JAX scan) has no values
                return outputs
            records.append(LayerRecord(
                layer,
                keras.tree.map_structure(lambda t: tuple(t.shape), inputs) if inputs is not None else None,
                values,
            ))
            return outputs

        return recording_call

    try:
        for layer in layers:
            if "call" in vars(layer):
                continue
            layer.call = recorder(layer, layer.call)
            shadowed.append(layer)
        tensors = keras.tree.map_structure(keras.ops.convert_to_tensor, x)
        try:
            stateless_forward(model, [v.value for v in model.trainable_variables],
                              [v.value for v in model.non_trainable_variables], tensors, training=training)
        except Exception as error:
            raise ForwardPassError(error, records) from error
    finally:
        for layer in shadowed:
            del layer.call
    chunks = fixed_batch_chunks(model, tensors)
    return records if chunks is None else _joined(records, len(chunks), len(chunks[0]), sample_count(tensors))


def _joined(records: list[LayerRecord], passes: int, size: int, count: int) -> list[LayerRecord]:
    """The records of a model of fixed batch size `size` that took `count` samples in
    `passes` passes (probes/loss.py), joined into one record per call with `count` rows."""
    import keras

    calls = len(records) // passes
    if calls * passes != len(records):  # the passes called different layers: keep the first's
        return records[:max(calls, 1)]

    def rows(*parts: Any) -> Any:
        if any(np.ndim(part) == 0 or np.shape(part)[0] != size for part in parts):
            return parts[0]
        return np.concatenate(parts, axis=0)[:count]

    def shape(value: Any) -> Any:
        return (count, *value[1:]) if value and value[0] == size else value

    joined = []
    for index in range(calls):
        group = records[index::calls]
        first = group[0]
        joined.append(LayerRecord(
            first.layer,
            None if first.input_shapes is None else keras.tree.map_shape_structure(shape, first.input_shapes),
            keras.tree.map_structure(rows, *[record.output for record in group]),
        ))
    return joined
