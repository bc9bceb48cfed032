"""The loss gradient at the starting point, grouped by the layer that owns each weight.

Layers come in the order they ran in a forward pass on the sample (input side first); a
layer's *kernels* are its weights with two or more axes (Dense / Conv kernels, embedding
tables, recurrent kernels), the ones whose gradient norms are compared across depth.
Nothing is computed here that the loss probe has not measured already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from fitdoctor.probes.activations import LayerRecord


@dataclass(eq=False)
class WeightGradient:
    index: int  # position in model.trainable_variables (and in the gradient list)
    path: str
    weight: np.ndarray
    gradient: np.ndarray

    @property
    def size(self) -> int:
        return int(self.weight.size)

    @property
    def is_kernel(self) -> bool:
        return self.weight.ndim >= 2

    # Measured once each: on a large model every pass over a kernel costs a noticeable time.
    @cached_property
    def all_zero(self) -> bool:
        return not np.any(self.gradient)

    @cached_property
    def largest(self) -> float:
        """The largest gradient entry in magnitude."""
        return largest_magnitude(self.gradient)

    @cached_property
    def finite(self) -> bool:
        return bool(np.isfinite(self.gradient).all())

    @cached_property
    def gradient_square_sum(self) -> float:
        return _square_sum(self.gradient)

    @cached_property
    def weight_square_sum(self) -> float:
        return _square_sum(self.weight)


def largest_magnitude(array: np.ndarray) -> float:
    """max(|array|) without an absolute-value copy (a tenth of a second on a 38M kernel);
    0 for an empty array, nan when it holds a nan."""
    if not array.size:
        return 0.0
    return float(max(np.max(array), -np.min(array)))


def _square_sum(array: np.ndarray) -> float:
    """Without a float64 copy of a large array (a tenth of a second per 38M weights): BLAS's
    norm scales as it sums, so a float32 array's sum neither overflows nor rounds away (inf
    and nan stay so)."""
    from scipy.linalg import blas

    flat = np.ravel(array)
    if flat.dtype == np.float32 and flat.size < 2 ** 31:
        return float(blas.snrm2(flat)) ** 2
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sum(np.square(flat, dtype=np.float64)))


def global_norm(arrays: list[np.ndarray]) -> float:
    """The Euclidean norm of all `arrays` together, in float64 (inf on overflow)."""
    return _norm([_square_sum(a) for a in arrays])


def _norm(square_sums: list[float]) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(sum(square_sums))) if square_sums else 0.0


@dataclass(eq=False)
class LayerGradient:
    """One layer's trainable weights and their loss gradients on the sample."""

    layer: Any
    name: str
    weights: list[WeightGradient] = field(default_factory=list)

    @property
    def kernels(self) -> list[WeightGradient]:
        return [w for w in self.weights if w.is_kernel]

    @property
    def has_kernel(self) -> bool:
        return bool(self.kernels)

    @property
    def kernel_size(self) -> int:
        return sum(w.size for w in self.kernels)

    @property
    def kernel_grad_norm(self) -> float:
        return _norm([w.gradient_square_sum for w in self.kernels])

    @property
    def kernel_weight_norm(self) -> float:
        return _norm([w.weight_square_sum for w in self.kernels])

    @property
    def kernel_grad_rms(self) -> float:
        """Root-mean-square gradient per kernel parameter: ||grad|| / sqrt(parameters)."""
        size = self.kernel_size
        return float(self.kernel_grad_norm / np.sqrt(size)) if size else 0.0

    @property
    def size(self) -> int:
        return sum(w.size for w in self.weights)

    @property
    def grad_norm(self) -> float:
        return _norm([w.gradient_square_sum for w in self.weights])

    @property
    def weight_norm(self) -> float:
        return _norm([w.weight_square_sum for w in self.weights])


def group_by_layer(model: Any, params: list[np.ndarray], grads: list[np.ndarray],
                   records: list[LayerRecord]) -> list[LayerGradient]:
    """`params` and `grads` follow `model.trainable_variables`; returns one `LayerGradient`
    per layer owning trainable weights, in call order (layers never called come last, weights
    owned by no sub-layer are grouped under the model itself)."""
    variables = list(model.trainable_variables)
    owner: dict[int, Any] = {}
    layers = list(model._flatten_layers(include_self=False))
    for layer in layers:
        for variable in getattr(layer, "_trainable_variables", []):
            owner[id(variable)] = layer
    called: dict[int, int] = {}
    for position, record in enumerate(records):
        called.setdefault(id(record.layer), position)
    # A layer called inside another one's loop (a recurrent cell inside JAX's scan) may not
    # be recorded: it ran where the layer that contains it ran.
    for position, record in enumerate(records):
        for inner in record.layer._flatten_layers(include_self=False):
            called.setdefault(id(inner), position)
    listed = {id(layer): position for position, layer in enumerate(layers)}

    groups: dict[int, LayerGradient] = {}
    for index, (variable, weight, gradient) in enumerate(zip(variables, params, grads)):
        layer = owner.get(id(variable), model)
        group = groups.get(id(layer))
        if group is None:
            group = groups[id(layer)] = LayerGradient(layer, getattr(layer, "name", str(layer)))
        group.weights.append(WeightGradient(index, getattr(variable, "path", variable.name),
                                            np.asarray(weight), np.asarray(gradient)))

    def order(group: LayerGradient) -> tuple[int, int]:
        key = id(group.layer)
        if key in called:
            return 0, called[key]
        return 1, listed.get(key, len(layers))

    return sorted(groups.values(), key=order)


def kernel_chain(groups: list[LayerGradient]) -> list[LayerGradient]:
    """The layers with kernels whose gradient is finite and not identically zero, input side
    first: the chain along which gradients vanish or explode. Layers with an all-zero
    gradient are disconnected or dead (FD204 / FD206), not part of a trend."""
    return [g for g in groups
            if g.has_kernel and np.isfinite(g.kernel_grad_rms) and g.kernel_grad_rms > 0]


def layer_table(groups: list[LayerGradient]) -> list[dict[str, Any]]:
    """Per layer: name, kernel gradient norm, RMS gradient per kernel parameter, kernel norm."""
    return [{"layer": g.name, "grad_norm": g.kernel_grad_norm, "grad_rms": g.kernel_grad_rms,
             "weight_norm": g.kernel_weight_norm, "parameters": g.kernel_size} for g in groups]
