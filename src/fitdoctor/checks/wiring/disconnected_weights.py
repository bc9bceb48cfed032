"""FD204 disconnected-weights."""

from __future__ import annotations

import inspect
import re
from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import activation_name, output_layers
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes import backends
from fitdoctor.probes.activations import LayerRecord
from fitdoctor.probes.gradients import LayerGradient, WeightGradient

# Above this share of the trainable parameters the model mostly cannot learn.
ERROR_SHARE = 0.5
# Weights are moved by a random step of this many times their own RMS (an absolute step for
# weights that are all zero) to see whether their gradient is still zero elsewhere.
PERTURBATION = 1.0
ZERO_WEIGHT_STEP = 0.1
# A loss that changes by less than this (relative) when a layer's weights are moved does not
# depend on them at all.
UNCHANGED = 1e-12
MAX_LAYER_PROBES = 8
SHOWN = 8

# Activations with exactly zero derivative outside (low, high), by their output values.
_FLAT_OUTSIDE = {"relu": (0.0, np.inf), "relu6": (0.0, 6.0), "hard_sigmoid": (0.0, 1.0),
                 "hard_tanh": (-1.0, 1.0)}
# Operations whose derivative is zero (or undefined) wherever it exists.
_ZERO_DERIVATIVE_OPS = {
    "Round": "round", "Argmax": "argmax", "Argmin": "argmin", "Floor": "floor", "Ceil": "ceil",
    "Sign": "sign", "Trunc": "trunc", "StopGradient": "stop_gradient", "Equal": "equal",
    "Greater": "greater", "Less": "less", "GreaterEqual": "greater_equal",
    "LessEqual": "less_equal", "NotEqual": "not_equal",
}
_SOURCE_PATTERN = re.compile(
    r"\b(round|argmax|argmin|floor|ceil|sign|trunc|stop_gradient|greater|less|equal|"
    r"greater_equal|less_equal|not_equal)\s*\(|\b(cast)\s*\([^)]*(?:int|bool)")


@register
class DisconnectedWeights(Check):
    """
    What it detects:
        Trainable weights whose loss gradient is exactly zero on the sample, and still exactly
        zero after every weight of the model is moved by a random step of its own scale: the
        loss does not depend on them through anything differentiable. Each such weight is
        then moved alone to tell a layer that never reaches the loss (an unused branch, an
        output that is discarded) from one that reaches it only through an operation with
        zero derivative (round, argmax, a cast to an integer, a comparison, stop_gradient).
        A model with no trainable weight at all is reported too. Weights frozen on purpose
        (`trainable=False`) are not trainable weights and are not reported; a layer that is
        merely dead on this sample (all ReLUs off) comes back to life when the weights move,
        or is explained by an activation that passes no gradient at all, and is left to
        FD206. Only layers with no weight getting a gradient are reported: a single bias that
        a following BatchNormalization, or the difference of two branches, cancels is a
        direction the loss cannot see, which is harmless.

    Why it breaks training:
        The optimizer updates a weight by its gradient. A weight whose gradient is zero
        wherever the model can be never changes: the layer keeps its random initial values
        for the whole training, and everything computed from it is random noise that the
        rest of the network has to work around. Nothing warns: the loss still goes down a
        little through the weights that are connected.

    Example:
        h = keras.layers.Dense(32, activation="relu")(inputs)
        h = keras.ops.round(h)                     # zero derivative: Dense(32) never trains
        outputs = keras.layers.Dense(1)(h)

    Use instead:
        Keep non-differentiable operations out of the path from the weights to the loss
        (round / argmax only at prediction time), or use a straight-through estimator:
        h = h + keras.ops.stop_gradient(keras.ops.round(h) - h)

    Repair safety:
        advice: whether the operation or branch is needed is the author's decision.
    """

    code = "FD204"
    needs = "a sample batch with targets, the compiled loss and its gradient"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        model = context.model
        records = context.layer_records  # an unbuilt or failing model is unsupported
        if not model.trainable_variables:
            yield self._nothing_to_train(model)
            return
        groups = context.layer_gradients
        explained = _blocked_before(records)
        zero = [(g, w) for g in groups for w in g.weights
                if w.all_zero and _first_call(records, g.layer) > explained]
        if not zero:
            return
        probe = context.loss_probe
        confirmed = _still_zero_elsewhere(probe, [w.index for _, w in zero])
        zero = [(g, w) for g, w in zero if w.index in confirmed]
        # A layer cut off from the loss has no weight with a gradient. One weight of a layer
        # that otherwise learns (a bias cancelled by a following BatchNormalization or by a
        # difference of two branches) is a direction the loss is blind to: harmless.
        whole = {id(g.layer) for g in groups
                 if g.layer is model or all(w.index in confirmed for w in g.weights)}
        zero = [(g, w) for g, w in zero if id(g.layer) in whole]
        if not zero:
            return
        total = sum(w.size for g in groups for w in g.weights)
        disconnected = sum(w.size for _, w in zero)
        share = disconnected / total
        layers: list[LayerGradient] = []
        for g, _ in zero:
            if g not in layers:
                layers.append(g)
        reaches = {id(g.layer): _loss_moves(probe, [w for h, w in zero if h is g])
                   for g in layers[:MAX_LAYER_PROBES]}
        losses = context.program.losses
        outputs = {id(layer) for index, layer in enumerate(output_layers(model, records))
                   if losses[min(index, len(losses) - 1)].name != "none"}  # outputs with a loss
        at_output = [g.name for g in layers if id(g.layer) in outputs]
        severity = Severity.ERROR if share > ERROR_SHARE or at_output else Severity.WARNING
        suspects = _suspected_ops(model, [r.layer for r in records], layers[0].layer)
        blocked = [g.name for g in layers if reaches.get(id(g.layer)) is True]
        unused = [g.name for g in layers if reaches.get(id(g.layer)) is False]
        paths = [w.path for _, w in zero]
        shown = ", ".join(paths[:SHOWN]) + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")
        how = []
        if blocked:
            how.append(f"{_names(blocked)} change{'s' if len(blocked) == 1 else ''} the loss but "
                       f"only through an operation with zero derivative"
                       + (f" ({', '.join(suspects)} found on the path)" if suspects else ""))
        if unused:
            how.append(f"{_names(unused)} do{'es' if len(unused) == 1 else ''} not change the loss "
                       f"at all: {'its' if len(unused) == 1 else 'their'} output never reaches it")
        samples = probe.size
        yield Finding(
            self.code, severity,
            f"{len(paths)} trainable weight{'s' if len(paths) > 1 else ''} "
            f"({100 * share:.2g}% of the trainable parameters) get{'s' if len(paths) == 1 else ''} "
            f"no gradient",
            f"The loss gradient of {shown} is exactly zero on {samples} samples, and stays zero "
            f"after every weight is moved by a random step of its own size, so the optimizer will "
            f"never change {'them' if len(paths) > 1 else 'it'}: {disconnected} of {total} "
            f"trainable parameters keep their random initial values. "
            + " ".join(sentence[0].upper() + sentence[1:] + "." for sentence in how)
            + (" The output layer itself cannot learn." if at_output else ""),
            {"variables": paths, "layers": [g.name for g in layers],
             "disconnected_parameters": disconnected, "trainable_parameters": total,
             "share": share, "reaches_loss_only_through_zero_derivative": blocked,
             "does_not_reach_loss": unused, "suspected_ops": suspects, "samples": samples},
            {"layer": layers[0].name},
            _fix(suspects, blocked, unused),
        )

    def _nothing_to_train(self, model: Any) -> Finding:
        frozen = [layer.name for layer in model._flatten_layers(include_self=False)
                  if layer.weights and not layer.trainable]
        weights = int(sum(np.prod(v.shape) for v in model.weights))
        return Finding(
            self.code, Severity.ERROR, "The model has no trainable weights",
            f"model.trainable_variables is empty ({weights} weights in all, none trainable"
            + (f"; frozen layers: {', '.join(frozen[:SHOWN])}" if frozen else "")
            + "), so fit() cannot change anything and the loss stays where it starts.",
            {"trainable_parameters": 0, "parameters": weights, "frozen_layers": frozen},
            {},
            Fix("Leave at least the layers that should learn trainable (e.g. a new head on a "
                "frozen base)", "base.trainable = False\n"
                "outputs = keras.layers.Dense(n_classes)(base(inputs))  # trainable head",
                "advice"),
        )


def _first_call(records: list[LayerRecord], layer: Any) -> int:
    """Where `layer` first finished in the recorded forward pass (len(records) if never)."""
    return next((i for i, r in enumerate(records) if r.layer is layer), len(records))


def _blocked_before(records: list[LayerRecord]) -> int:
    """The last position in the forward pass of a layer whose activation passes back no
    gradient at all on the sample (every unit dead or clipped: FD206's finding); weights of
    layers that ran up to there have zero gradient because of it, not of the wiring."""
    last = -1
    for position, record in enumerate(records):
        name = activation_name(record.layer)
        limits = _FLAT_OUTSIDE.get(name or "")
        leaves = record.output_leaves
        if limits is None or not leaves or leaves[0].size == 0:
            continue
        out = leaves[0].astype(np.float64)
        low, high = limits
        if bool(((out <= low) | (out >= high)).all()):
            last = position
    return last


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names[:SHOWN]]
    return ("layer " if len(names) == 1 else "layers ") + ", ".join(quoted)


def _step(weight: np.ndarray, rng: np.random.Generator, scale: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(weight, dtype=np.float64)))) if weight.size else 0.0
    sigma = scale * rms if rms > 0 else ZERO_WEIGHT_STEP
    return rng.normal(0.0, sigma, weight.shape).astype(weight.dtype)


def _still_zero_elsewhere(probe: Any, indices: list[int]) -> set[int]:
    """The weights among `indices` whose gradient is still exactly zero with every weight
    moved by a random step (a smaller one if the first makes the loss non-finite)."""
    adapter = backends.current()
    for scale in (PERTURBATION, PERTURBATION / 10):
        rng = np.random.default_rng(0)
        moved = [p + _step(p, rng, scale) for p in probe.params]
        value, grads = adapter.value_and_grad(probe.loss_of_weights, moved)
        if np.isfinite(value):
            return {i for i in indices if not np.any(grads[i])}
    return set()


def _loss_moves(probe: Any, weights: list[WeightGradient]) -> bool | None:
    """Whether moving only these weights (a random step of their own size) changes the loss
    at all; None when it could not be measured."""
    import keras

    rng = np.random.default_rng(1)
    moved = [np.array(p) for p in probe.params]
    for w in weights:
        moved[w.index] = moved[w.index] + _step(moved[w.index], rng, PERTURBATION)
    def loss(values: list[np.ndarray]) -> float:
        tensors = [keras.ops.convert_to_tensor(v) for v in values]
        return float(keras.ops.convert_to_numpy(probe.loss_of_weights(tensors)))

    try:
        before, after = loss(probe.params), loss(moved)
    except Exception:  # noqa: BLE001 - a failed extra measurement only loses the detail
        return None
    if not (np.isfinite(before) and np.isfinite(after)):
        return None
    return abs(after - before) > UNCHANGED * max(abs(before), 1e-30)


def _suspected_ops(model: Any, layers: list[Any], first: Any) -> list[str]:
    """Zero-derivative operations in the model's graph and in the `call` of custom layers,
    from the first disconnected layer on (for the advice only; detection is by gradient)."""
    found: list[str] = []
    for operation in getattr(model, "operations", None) or []:
        name = _ZERO_DERIVATIVE_OPS.get(type(operation).__name__)
        if type(operation).__name__ == "Cast" and _is_discrete(getattr(operation, "dtype", None)):
            name = "cast"  # to an integer or boolean type: the derivative is lost
        if name and name not in found:
            found.append(name)
    candidates = list(layers)
    if first in candidates:
        candidates = candidates[candidates.index(first):]
    for layer in candidates + [model]:
        cls = type(layer)
        if cls.__module__.startswith("keras"):
            continue
        try:
            source = inspect.getsource(cls.call)
        except (OSError, TypeError, AttributeError):
            continue
        for match in _SOURCE_PATTERN.finditer(source):
            name = match.group(1) or match.group(2)
            if name not in found:
                found.append(name)
    return found


def _is_discrete(dtype: Any) -> bool:
    text = str(dtype or "")
    return "int" in text or "bool" in text


def _fix(suspects: list[str], blocked: list[str], unused: list[str]) -> Fix:
    if blocked:
        ops = " / ".join(f"keras.ops.{s}" for s in suspects) if suspects else \
            "the non-differentiable operation"
        first = suspects[0] if suspects else "round"
        if first == "stop_gradient":
            return Fix("Remove keras.ops.stop_gradient from the path of weights that should "
                       "learn, or make the branch non-trainable if it is frozen on purpose",
                       "branch_layer.trainable = False  # if it is meant to stay fixed",
                       "advice")
        if first in ("argmax", "argmin"):
            return Fix(f"Remove {ops} from the differentiable path (apply it only when "
                       "predicting); inside the model pass on the softmax probabilities",
                       "h = keras.layers.Dense(k, activation='softmax')(h)  # not argmax(h)",
                       "advice")
        return Fix(f"Remove {ops} from the differentiable path (apply it only when predicting), "
                   "or use a straight-through estimator",
                   f"h = h + keras.ops.stop_gradient(keras.ops.{first}(h) - h)  "
                   f"# forward: {first}, backward: identity", "advice")
    return Fix("Use the layer's output in what the model returns, or remove the layer (or make "
               "it non-trainable if it is kept on purpose)",
               "layer.trainable = False  # if the branch is kept on purpose", "advice")
