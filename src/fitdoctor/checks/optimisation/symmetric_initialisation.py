"""FD305 bad-initialisation, second mechanism: symmetric initialisation.

A layer's units (the columns of the last axis of its kernels, with the matching entries of
its biases) are interchangeable copies when their weights are identical AND the loss gradient
gives each the identical update. Every optimizer in Keras acts element-wise, so identical
weights with identical gradients stay identical after every step, and so do the gradients:
the units never become different and the layer has the width of one unit.

Both facts are measured: the weights as they are, the gradients on the sample (the gradient
`PreflightContext.layer_gradients` holds, taken with `training=True` so that a Dropout, which
does break the symmetry, is accounted for). Identical weights with different gradients (a
zero-initialised output layer, each unit with its own error; a zero hidden layer before a
random one) are not symmetric: the first step makes the units different.

The module is not a registered check (a code has one check): `BadInitialisation` (FD305)
yields what `symmetric_layers` finds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from fitdoctor.checks.model_graph import activation_name
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.gradients import LayerGradient, WeightGradient, largest_magnitude

# Two units are the same when every part of them (a kernel's column, a bias entry, and the
# gradients of both) differs by at most this fraction of that part's largest magnitude in
# the layer: float32 rounding of identical computations, orders of magnitude below how much
# distinct units (random initialisers) differ.
RELATIVE_TOLERANCE = 1e-5
# An error when the layer keeps at most this share of its width as distinct units (one unit
# always counts); a warning when at most WARNING_SHARE. A few duplicated units are not worth
# a report.
# Gradients are compared at least to this fraction of the largest gradient entry in the model:
# a layer whose gradient is float32 rounding noise around zero (errors that cancel, as under a
# softmax fed by identical rows) has identical units all the same.
GRADIENT_FLOOR = 1e-3
ERROR_SHARE = 0.25
# A layer's gradient below this fraction of the model's largest is called negligible.
NEGLIGIBLE_GRADIENT = 1e-6
WARNING_SHARE = 0.5
# Rows of a kernel compared first (see `_distinct_on_first_rows`).
SCREEN_ROWS = 64
# Per-weight initialiser arguments of Keras layers, by the weight's name.
_INITIALISER_ARGUMENT = {"kernel": "kernel_initializer", "embeddings": "embeddings_initializer",
                         "depthwise_kernel": "depthwise_initializer",
                         "pointwise_kernel": "pointwise_initializer",
                         "recurrent_kernel": "recurrent_initializer"}
_RELU_LIKE = {"relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "mish"}


@dataclass
class Symmetry:
    """A group of one layer's weights that share the last axis (its units), and how many
    distinct units they make."""

    layer: LayerGradient
    weights: list[WeightGradient]
    units: int
    distinct: int
    largest_class: int
    gradient_max: float  # the largest gradient entry of these weights

    @property
    def kernels(self) -> list[WeightGradient]:
        return [w for w in self.weights if w.is_kernel]


def _name(weight: WeightGradient) -> str:
    return weight.path.rsplit("/", 1)[-1]


def _columns(array: np.ndarray, units: int) -> np.ndarray:
    return np.asarray(array).reshape(-1, units)


def unit_classes(parts: list[np.ndarray], floors: list[float] | None = None,
                 tolerance: float = RELATIVE_TOLERANCE) -> np.ndarray:
    """Labels the columns of `parts` (2-D arrays with the same number of columns) so that two
    columns share a label when, in every part, they differ by at most `tolerance` times that
    part's largest magnitude (or its floor in `floors`, if larger). A random projection sorts
    the candidates; only columns whose projections are close are compared in full, so distinct
    columns cost O(size)."""
    units = parts[0].shape[1]
    scaled = []
    for position, part in enumerate(parts):
        part = np.asarray(part, dtype=np.float64)
        scale = float(np.max(np.abs(part))) if part.size else 0.0
        if floors is not None:
            scale = max(scale, floors[position])
        scaled.append(part / scale if scale > 0 else part)
    rng = np.random.default_rng(0)  # private: no global RNG is touched
    projection = np.zeros(units)
    spread = 0.0
    for part in scaled:
        direction = rng.standard_normal(part.shape[0])
        projection += direction @ part
        spread += float(np.abs(direction).sum())
    gap = spread * tolerance * 1.01 + 1e-300
    order = np.argsort(projection, kind="stable")
    labels = np.full(units, -1, dtype=np.int64)
    next_label, start = 0, 0
    for end in range(1, units + 1):
        if end < units and projection[order[end]] - projection[order[end - 1]] <= gap:
            continue
        run = list(order[start:end])
        while run:
            head, rest = run[0], []
            labels[head] = next_label
            for column in run[1:]:
                if all(np.max(np.abs(p[:, column] - p[:, head]), initial=0.0) <= tolerance
                       for p in scaled):
                    labels[column] = next_label
                else:
                    rest.append(column)
            next_label += 1
            run = rest
        start = end
    return labels


def _unit_axis_last(layer: Any, array: np.ndarray) -> np.ndarray:
    """`array` with its units on the last axis: a transposed convolution's kernel is
    (..., filters, input channels)."""
    if "Transpose" in type(layer).__name__ and array.ndim >= 3:
        return np.swapaxes(array, -1, -2)
    return array


def _unit_count(layer: Any, weight: WeightGradient) -> int:
    """How many units the last axis of `weight` holds: the layer's `units` when the axis is a
    multiple of it (an LSTM's 4 * units gate columns: a unit is its i, f, c, o columns
    together, which `reshape(-1, units)` gathers into one column), else the axis itself."""
    last = int(_unit_axis_last(layer, weight.weight).shape[-1]) if weight.weight.ndim else 0
    units = getattr(layer, "units", None)
    if isinstance(units, int) and not isinstance(units, bool) and units >= 1 and last and \
            last % units == 0:
        return units
    return last


def _distinct_on_first_rows(parts: list[np.ndarray]) -> int:
    """How many distinct columns `parts` have on their first SCREEN_ROWS rows, judged at the
    whole parts' scales: columns that differ there differ in full, so this bounds the count
    from above at the cost of a few rows (a 38M-entry kernel otherwise took seconds)."""
    scales = [largest_magnitude(part) for part in parts]
    return len(set(unit_classes([part[:SCREEN_ROWS] for part in parts], scales).tolist()))


def measure(layer: LayerGradient, gradient_scale: float = 0.0) -> list[Symmetry]:
    """For each unit count among the layer's kernel-like weights (two or more axes: Dense /
    Conv kernels, embedding tables, recurrent kernels) with at least two units: the number of
    distinct units, judged on the weights (with the 1-D weights of as many units: biases),
    then on the weights and gradients (`gradient_scale`: the model's largest gradient entry,
    see GRADIENT_FLOOR)."""
    found = []
    counts = {id(w): _unit_count(layer.layer, w) for w in layer.weights}
    widths = sorted({counts[id(w)] for w in layer.kernels})
    for units in widths:
        if units < 2:
            continue
        group = [w for w in layer.weights
                 if counts[id(w)] == units and (w.is_kernel or w.weight.ndim == 1)]
        if not all(np.isfinite(w.weight).all() and w.finite for w in group):
            continue  # non-finite values are FD101 / FD304's
        weights = [_columns(_unit_axis_last(layer.layer, w.weight), units) for w in group]
        if _distinct_on_first_rows(weights) > units * WARNING_SHARE:
            continue  # the weights alone already make the units different
        floors = [0.0] * len(group) + [GRADIENT_FLOOR * gradient_scale] * len(group)
        gradients = [_columns(_unit_axis_last(layer.layer, w.gradient), units) for w in group]
        labels = unit_classes(weights + gradients, floors)
        distinct = len(set(labels.tolist()))
        gradient_max = max(w.largest for w in group)
        found.append(Symmetry(layer, group, units, distinct, int(np.bincount(labels).max()),
                              gradient_max))
    return found


def _fix(symmetry: Symmetry) -> Fix:
    layer = symmetry.layer.layer
    activation = activation_name(layer) or "linear"
    initialiser = "he_normal" if activation in _RELU_LIKE else "glorot_uniform"
    arguments = []
    config: dict[str, Any] = {}
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - a custom layer without a config: generic arguments
        pass
    for key in ("units", "filters", "output_dim"):
        if key in config:
            arguments.append(repr(config[key]))
            break
    if "kernel_size" in config:
        size = config["kernel_size"]
        arguments.append(repr(tuple(size) if isinstance(size, list) else size))
    if not arguments:
        arguments.append("...")
    if "activation" in config and activation != "linear":
        arguments.append(f"activation={activation!r}")
    names = [_name(w) for w in symmetry.kernels]
    for name in names:
        argument = _INITIALISER_ARGUMENT.get(name, "kernel_initializer")
        chosen = "orthogonal" if name == "recurrent_kernel" else \
            ("uniform" if name == "embeddings" else initialiser)
        arguments.append(f"{argument}={chosen!r}")
    if any(_name(w) == "bias" for w in symmetry.weights):
        arguments.append("bias_initializer='zeros'")
    kind = type(layer).__name__
    if kind.endswith("Cell") and len(kind) > 4:
        kind = kind[:-4]  # an RNN's cell owns the weights; the user writes keras.layers.LSTM
    return Fix(f"Initialise layer '{symmetry.layer.name}' with a random initialiser "
               f"({initialiser} for its {activation} activation) so its units start different",
               f"keras.layers.{kind}({', '.join(arguments)})", "safe")


def symmetric_layers(code: str, groups: list[LayerGradient], heads: set[int],
                     samples: int) -> Iterable[Finding]:
    """Findings for the hidden layers (not in `heads`, the layers making the outputs) whose
    units are copies of each other in weights and gradient."""
    gradient_scale = max((w.largest for g in groups for w in g.weights
                          if w.size and w.finite), default=0.0)
    for layer in groups:
        if id(layer.layer) in heads or layer.layer is None:
            continue
        for symmetry in measure(layer, gradient_scale):
            share = symmetry.distinct / symmetry.units
            if share > WARNING_SHARE:
                continue
            yield _finding(code, symmetry, share, samples, gradient_scale)


def _finding(code: str, symmetry: Symmetry, share: float, samples: int,
             gradient_scale: float) -> Finding:
    units, distinct = symmetry.units, symmetry.distinct
    name = symmetry.layer.name
    severity = Severity.ERROR if distinct == 1 or share <= ERROR_SHARE else Severity.WARNING
    weights = ", ".join(_name(w) for w in symmetry.weights)
    kernel_values = np.concatenate([w.weight.ravel() for w in symmetry.kernels])
    spread = float(np.ptp(kernel_values)) if kernel_values.size else 0.0
    constant = spread == 0.0
    what = (f"every {'entry' if constant else 'column'} of its kernel is "
            + (f"{float(kernel_values[0]):.4g}" if constant else "the same"))
    if distinct == 1:
        title = (f"The {units} units of layer '{name}' are identical copies: same weights, same "
                 f"gradient")
        width = "the layer effectively has one unit"
    else:
        title = (f"The {units} units of layer '{name}' are only {distinct} distinct units: "
                 f"copies with the same weights and gradient")
        width = f"the layer effectively has {distinct} units"
    largest = symmetry.gradient_max
    if largest == 0.0:
        gradient = ("their gradient is exactly zero on the sample, so they do not even move "
                    "yet, and when they do they move together")
    elif largest <= NEGLIGIBLE_GRADIENT * gradient_scale:
        gradient = (f"their gradients are identical and negligible (at most {largest:.3g}, "
                    f"against {gradient_scale:.3g} elsewhere in the model)")
    else:
        gradient = (f"their loss gradients (up to {largest:.3g}) are identical too, column for "
                    f"column")
    message = (f"In layer '{name}' {what}, so its {units} units compute the same function; "
               f"measured on {samples} samples, {gradient}. Every optimizer (SGD, momentum, "
               f"Adam, RMSprop) updates each weight from its own gradient, so identical units "
               f"receive identical updates and stay identical for the whole run: {width}, "
               f"whatever the budget, and everything after it sees {distinct} distinct "
               f"feature{'s' if distinct > 1 else ''} instead of {units}. The symmetry is broken "
               f"only by starting from different (random) weights.")
    evidence = {"units": units, "distinct_units": distinct, "largest_copy_group": symmetry.largest_class,
                "weights": weights, "gradients_identical": True,
                "gradient_max": symmetry.gradient_max, "model_gradient_max": gradient_scale,
                "kernel_value": float(kernel_values[0]) if constant and kernel_values.size else None,
                "samples": samples}
    return Finding(code, severity, title, message,
                   {k: v for k, v in evidence.items() if v is not None}, {"layer": name},
                   _fix(symmetry))
