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
        Weights the optimizer never sees are reported too: layers whose `__call__` runs in a
        forward pass on the sample but whose variables are not among the model's (a layer
        created outside and called inside a `Lambda` or a plain function, created in `call`,
        kept in an object Keras does not track), and float tensors or NumPy arrays kept as
        plain attributes of a custom layer instead of `add_weight` variables, when the
        outputs depend on them, they are named like a weight and their values look drawn at
        random (a smooth, symmetric or repeated constant such as a positional encoding, a
        blur kernel or a mask is a constant by design and is not reported).

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
        Create weights with self.add_weight(...) in build(), and call layers as layers of the
        model (or assign them to attributes of a layer), never only inside a Lambda.

    Repair safety:
        advice: whether the operation or branch is needed is the author's decision.
    """

    code = "FD204"
    needs = "a sample batch with targets, the compiled loss and its gradient"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        model = context.model
        records = context.layer_records  # an unbuilt or failing model is unsupported
        untracked = untracked_weights(context)
        if untracked is not None:
            yield untracked
        yield from constant_tensors(context)
        if not model.trainable_variables:
            if untracked is None:
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
        out = leaves[0]  # in its own precision: a float64 copy of a large activation costs seconds
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
    rng = np.random.default_rng(1)
    moved = list(probe.params)
    for w in weights:
        moved[w.index] = moved[w.index] + _step(moved[w.index], rng, PERTURBATION)
    try:
        before, after = probe.loss_at(probe.params), probe.loss_at(moved)
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


# --- Weights that take part in the forward pass but that the model does not track ---------
# (fit() only updates model.trainable_variables, so these never change whatever the gradient.)

# Untracked parameters from this share of all trainable parameters taking part: the model
# mostly cannot learn.
UNTRACKED_ERROR_SHARE = 0.5
# A plain tensor attribute is "used" when replacing it by a perturbed copy moves the model's
# outputs by more than this (relative to the outputs' scale).
USED = 1e-6
MAX_ATTRIBUTE_PROBES = 8
# Attribute names that say "a learned parameter" (split at underscores and digits).
_WEIGHT_WORDS = {"kernel", "kernels", "weight", "weights", "w", "filter", "filters", "bias",
                 "biases", "embedding", "embeddings", "taps", "coef", "coefs", "coefficients"}
# Random values are nearly all distinct, not symmetric and not smooth along any axis: a
# neighbour correlation above this (above the stricter one on axes shorter than
# SHORT_AXIS, where a random estimate is noisy) says the values were computed, not drawn.
SMOOTH_CORRELATION = 0.5
SHORT_AXIS_SMOOTH_CORRELATION = 0.8
SHORT_AXIS = 8
DISTINCT_SHARE = 0.9


def _describe(layer: Any) -> str:
    return f"'{getattr(layer, 'name', '?')}' ({type(layer).__name__})"


def untracked_weights(context: PreflightContext) -> Finding | None:
    """Layers whose `__call__` runs in a forward pass of the model but whose trainable
    variables are not among the model's variables (created outside and called inside a
    Lambda or a plain function, created in `call`, kept in an object Keras does not track):
    no optimizer step ever updates them. Frozen layers (trainable=False) have no trainable
    variables and are not reported."""
    model = context.model
    calls = context.layer_calls
    tracked_layers = {id(layer) for layer in model._flatten_layers(include_self=True)}
    tracked_variables = {id(v) for v in model.variables}
    caller_of: dict[int, Any] = {}
    untracked: dict[int, tuple[Any, list[Any]]] = {}
    for call in calls:
        layer = call.layer
        if id(layer) in caller_of:
            continue
        caller_of[id(layer)] = call.caller
        own = [v for v in layer.trainable_weights if id(v) not in tracked_variables]
        if own:
            untracked[id(layer)] = (layer, own)
    if not untracked:
        return None
    # Report the outermost untracked layers (a Sequential called in a Lambda, not also its
    # Dense layers); count each variable once.
    outer = [(layer, own) for layer, own in untracked.values()
             if id(caller_of.get(id(layer))) not in untracked]
    variables: dict[int, Any] = {}
    for layer, own in untracked.values():
        for v in own:
            variables[id(v)] = v
    untracked_parameters = int(sum(np.prod(v.shape) for v in variables.values()))
    tracked_parameters = int(sum(np.prod(v.shape) for v in model.trainable_variables))
    total = untracked_parameters + tracked_parameters
    share = untracked_parameters / total if total else 1.0
    containers: list[str] = []
    for layer, _ in outer:
        caller = caller_of.get(id(layer))
        while caller is not None and id(caller) not in tracked_layers:
            caller = caller_of.get(id(caller))
        where = (f"inside {_describe(caller)}" if caller is not None
                 else f"from the model's own call() ({type(model).__name__})")
        if where not in containers:
            containers.append(where)
    names = [_describe(layer) for layer, _ in outer]
    shown = ", ".join(names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
    plural = len(outer) > 1
    in_lambda = any("(Lambda)" in c for c in containers)
    severity = Severity.ERROR if share >= UNTRACKED_ERROR_SHARE else Severity.WARNING
    samples = context.call_sample.size
    return Finding(
        "FD204", severity,
        f"{'Layers' if plural else 'Layer'} {shown} run{'' if plural else 's'} in the forward "
        f"pass but {'their' if plural else 'its'} {len(variables)} weight"
        f"{'s are' if len(variables) > 1 else ' is'} not tracked by the model "
        f"({100 * share:.2g}% of the trainable parameters)",
        f"A forward pass on {samples} samples calls {shown} "
        f"{' and '.join(containers)}, but {'their' if plural else 'its'} {len(variables)} "
        f"trainable weight{'s' if len(variables) > 1 else ''} ({untracked_parameters} parameters) "
        f"{'are' if len(variables) > 1 else 'is'} not among model.trainable_weights "
        f"({tracked_parameters} parameters), so the optimizer never updates "
        f"{'them' if len(variables) > 1 else 'it'}: {untracked_parameters} of the {total} "
        f"trainable parameters taking part keep their random initial values, and the rest of "
        f"the network trains against them. Keras tracks a layer's weights only when the layer is "
        f"a layer of the model's graph or an attribute (or a list/dict attribute) of a tracked "
        f"layer; a layer called from a Lambda or a plain function, or created in call(), is not.",
        {"layers": [getattr(layer, "name", "?") for layer, _ in outer],
         "classes": [type(layer).__name__ for layer, _ in outer],
         "called_from": containers,
         "variables": [getattr(v, "path", getattr(v, "name", "?")) for v in variables.values()],
         "untracked_parameters": untracked_parameters, "tracked_trainable_parameters": tracked_parameters,
         "share": share, "samples": samples},
        {"layer": getattr(outer[0][0], "name", "?")},
        Fix("Call the layers as layers of the model (in the functional graph), not inside a "
            "Lambda", "h = hidden(h)\noutputs = head(h)  # not Lambda(lambda t: head(hidden(t)))(h)",
            "safe") if in_lambda else
        Fix("Create sub-layers once, in __init__ or build(), and assign them to an attribute of "
            "the layer or model (a list or dict attribute is tracked too)",
            "self.dense = keras.layers.Dense(32)  # in __init__; call self.dense(x) in call()",
            "safe"),
    )


def _float_array(value: Any) -> np.ndarray | None:
    """`value` as a NumPy array when it is a float NumPy array or backend tensor (not a
    Keras variable); else None."""
    import keras

    if isinstance(value, keras.Variable):
        return None
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            if not keras.ops.is_tensor(value):
                return None
            array = np.asarray(keras.ops.convert_to_numpy(value))
        except Exception:  # noqa: BLE001 - not a concrete tensor (a symbolic one)
            return None
    if not np.issubdtype(array.dtype, np.floating):
        return None
    return array


def _weight_like(name: str) -> bool:
    return any(word in _WEIGHT_WORDS for word in re.split(r"[_\d]+", name.lstrip("_").lower()) if word)


def _structured(array: np.ndarray) -> str | None:
    """Why the values look computed rather than drawn at random (None: they look random)."""
    a = np.asarray(array, dtype=np.float64)
    if not np.isfinite(a).all():
        return "non-finite values"
    flat = a.ravel()
    if np.unique(flat).size < DISTINCT_SHARE * flat.size:
        return "repeated values"
    scale = float(np.max(np.abs(flat))) or 1.0
    centred = a - a.mean()
    energy = float(np.sum(centred * centred))
    for axis in range(a.ndim):
        n = a.shape[axis]
        if n < 2:
            continue
        if np.allclose(a, np.flip(a, axis), rtol=1e-5, atol=1e-7 * scale):
            return f"symmetric along axis {axis}"
        if n < 3 or energy == 0.0:
            continue
        head = np.take(centred, range(n - 1), axis=axis)
        tail = np.take(centred, range(1, n), axis=axis)
        correlation = float(np.sum(head * tail)) / energy
        limit = SMOOTH_CORRELATION if n >= SHORT_AXIS else SHORT_AXIS_SMOOTH_CORRELATION
        if correlation > limit:
            return f"smooth along axis {axis} (neighbour correlation {correlation:.2f})"
    return None


def _assigned_in(cls: type, name: str) -> str | None:
    """The method of `cls` (build or __init__) whose source assigns `self.<name>`."""
    pattern = re.compile(rf"self\.{re.escape(name)}\s*=(?!=)")
    for method in ("build", "__init__"):
        function = getattr(cls, method, None)
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if pattern.search(source):
            return method
    return None


def constant_tensors(context: PreflightContext) -> list[Finding]:
    """Float tensors (backend tensors or NumPy arrays, >= 2 values) kept as plain attributes
    of a custom layer, named like a learned parameter, with values that look drawn at random
    (not smooth, symmetric or repeated, as positional encodings, blur kernels, masks and
    lookup tables are), and that the forward pass uses (perturbing them moves the outputs):
    a weight created without add_weight, which the optimizer never sees. The evidence that
    it was meant to learn is circumstantial, so the finding is a warning."""
    from fitdoctor.probes.layer_calls import forward_outputs, output_change

    model = context.model
    candidates: list[tuple[Any, str, np.ndarray]] = []
    for layer in model._flatten_layers(include_self=True):
        if type(layer).__module__.startswith("keras"):
            continue  # Keras's own layers create their weights with add_weight
        for name, value in list(vars(layer).items()):
            if not _weight_like(name):
                continue
            array = _float_array(value)
            if array is None or array.size < 2 or _structured(array) is not None:
                continue
            candidates.append((layer, name, array))
    if not candidates:
        return []
    x = context.call_sample.x
    samples = context.call_sample.size
    reference = forward_outputs(model, x)
    output_scale = max((float(np.max(np.abs(r))) for r in reference if r.size), default=0.0)
    findings = []
    rng = np.random.default_rng(2)
    for layer, name, array in candidates[:MAX_ATTRIBUTE_PROBES]:
        try:
            change = output_change(model, x, layer, name, array + _step(array, rng, PERTURBATION),
                                   reference)
        except Exception:  # noqa: BLE001 - the layer rejects a replaced attribute: not judged
            continue
        if not change > USED * max(output_scale, 1e-12):
            continue
        own = [v for v in layer.trainable_weights]
        assigned = _assigned_in(type(layer), name)
        kind = "NumPy array" if isinstance(vars(layer)[name], np.ndarray) else "backend tensor"
        supporting = [f"its name '{name}' is a weight's name",
                      "its values look drawn at random (not smooth, symmetric or repeated)"]
        if own:
            supporting.append(f"the layer creates {len(own)} other weight"
                              f"{'s' if len(own) > 1 else ''} with add_weight")
        if assigned:
            supporting.append(f"it is assigned in {assigned}()")
        findings.append(Finding(
            "FD204", Severity.WARNING,
            f"Layer {_describe(layer)} keeps '{name}' ({array.size} values) as a constant "
            f"{kind}, not a weight",
            f"'{name}' of shape {tuple(array.shape)} is used by the forward pass (perturbing it "
            f"moves the outputs on {samples} samples by up to {change:.3g}), but it is a plain "
            f"{kind}, not a variable created with add_weight: it is not among "
            f"model.trainable_weights, gets no gradient, and keeps its initial values for the "
            f"whole training. It looks like a forgotten weight because "
            + "; ".join(supporting)
            + ". If it is a constant on purpose (a fixed filter or projection), this is harmless.",
            {"layer": getattr(layer, "name", "?"), "class": type(layer).__name__,
             "attribute": name, "shape": list(array.shape), "parameters": int(array.size),
             "kind": kind, "max_output_change": change, "assigned_in": assigned,
             "layer_trainable_weights": len(own), "samples": samples},
            {"layer": getattr(layer, "name", "?")},
            Fix(f"Create '{name}' with add_weight so it is tracked and trained",
                f"self.{name} = self.add_weight(shape={tuple(array.shape)}, "
                f"initializer='glorot_uniform', name='{name}')  # in build()",
                "safe"),
        ))
    return findings
