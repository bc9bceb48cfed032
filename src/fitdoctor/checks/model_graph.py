"""Where things are in a model: which layer makes each output, which layers read each input,
and which activation a layer applies."""

from __future__ import annotations

from typing import Any

from fitdoctor.probes.activations import LayerRecord


def activation_name(layer: Any) -> str | None:
    """The activation a layer applies to its output, by Keras's own name, or None."""
    kind = type(layer).__name__
    if kind == "Softmax":
        return "softmax"
    if kind == "ReLU":
        return "relu"
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    return getattr(activation, "__name__", None) or type(activation).__name__.lower()


# Layers that move values around without changing them: an activation before them is still
# the output's activation.
_SHAPE_ONLY = {"Flatten", "Reshape", "Permute", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
               "SpatialDropout3D", "GaussianDropout", "AlphaDropout", "Cropping1D", "Cropping2D",
               "Cropping3D", "Identity", "RepeatVector", "ActivityRegularization", "Masking"}


def effective_activation(layer: Any, records: list[LayerRecord]) -> tuple[str, Any]:
    """The activation that last shaped `layer`'s values, looking through layers that only
    reshape or drop values; `"linear"` when there is none. Returns it and its layer."""
    called = [record.layer for record in records]
    while type(layer).__name__ in _SHAPE_ONLY:
        nodes = getattr(layer, "_inbound_nodes", None) or []
        tensors = nodes[0].input_tensors if nodes else []
        if tensors and hasattr(tensors[0], "_keras_history"):
            layer = tensors[0]._keras_history.operation
        elif layer in called and called.index(layer) > 0:
            layer = called[called.index(layer) - 1]
        else:
            break
    return activation_name(layer) or "linear", layer


def output_layers(model: Any, records: list[LayerRecord]) -> list[Any]:
    """The layer producing each model output (graph models), else the last layer called."""
    outputs = getattr(model, "outputs", None)
    try:
        if outputs:
            return [tensor._keras_history.operation for tensor in outputs]
    except AttributeError:
        pass
    return [records[-1].layer] if records else []


def input_consumers(model: Any, records: list[LayerRecord]) -> list[list[Any]]:
    """For each model input, the layers that read it directly."""
    inputs = getattr(model, "inputs", None)
    try:
        if inputs:
            consumers: list[list[Any]] = [[] for _ in inputs]
            for operation in model.operations:
                for node in getattr(operation, "_inbound_nodes", []):
                    for position, tensor in enumerate(inputs):
                        if any(t is tensor for t in node.input_tensors):
                            consumers[position].append(operation)
            return [[op for op in ops if type(op).__name__ != "InputLayer"] for ops in consumers]
    except AttributeError:
        pass
    return [[records[0].layer]] if records else [[]]
