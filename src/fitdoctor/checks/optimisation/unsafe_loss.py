"""FD304's second measurement: a loss whose value or gradient is not finite at outputs the
model's output activation can produce in float32 (a latent NaN).

Not a check of its own (the registry holds one check per code): `ExplodingGradients` in
exploding_gradients.py calls `unsafe_loss_findings` after its gradient-growth measurement.

The mechanism, whatever code computes the loss: the compiled loss is evaluated, with its
gradient with respect to the predictions, on the pre-flight sample (the loss probe's batch,
at most 1024 samples), with one
output's predictions replaced by values its activation really returns in float32 for large
pre-activations, evaluated by the activation itself on this backend:

- every output pushed to a saturating side (pre-activation +-CONFIDENT_LOGIT), for each
  side on which the activation is bounded: a float32 sigmoid returns exactly 1.0 there,
  tanh exactly +-1, relu exactly 0;
- each output equal to its target, where the target is the activation's float32 limit
  (binary targets of a sigmoid, one-hot or class-id targets of a softmax, zero targets of a
  relu): training drives those outputs there without bound, so the limit itself (reached at
  a pre-activation of CONVERGED_LOGIT) is tested;
- each output confidently opposite its target (pre-activation CONFIDENT_LOGIT the wrong way).

Other outputs and samples keep their current predictions. Activations unbounded on both
sides (linear) or whose range cannot be reasoned about (custom callables) are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import effective_activation, output_layers
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes import backends
from fitdoctor.probes.loss import LossProbe

# Pre-activation margin of a confident prediction: beyond float32 saturation of sigmoid
# (about 17) and tanh (about 9), well inside the float32 exponent range.
CONFIDENT_LOGIT = 30.0
# Pre-activation beyond the float32 exponent range (exp underflows below about -104): the
# limit a prediction driven towards its target without bound ends at.
CONVERGED_LOGIT = 200.0
# A current prediction this many float32 steps from a value where the loss is not finite is
# already there for the purpose of the next update.
ROUNDING_ULPS = 4

# Activations whose output is bounded on at least one side, by Keras's names.
SATURATING = {"sigmoid", "hard_sigmoid", "sparse_sigmoid", "softmax", "tanh", "hard_tanh",
              "softsign", "relu", "relu6", "softplus", "exponential", "elu", "selu", "celu"}


@dataclass
class Probe:
    label: str
    predictions: np.ndarray
    loss: float = 0.0
    bad_samples: int = 0
    nan: bool = False
    # (prediction, target or None) at the entries whose gradient is not finite
    pairs: list[tuple[float, float | None]] = field(default_factory=list)
    # those entries, as a boolean mask over the predictions
    mask: np.ndarray | None = None

    @property
    def finite(self) -> bool:
        return bool(np.isfinite(self.loss)) and self.bad_samples == 0


def activation_function(name: str, layer: Any) -> Callable[[np.ndarray], np.ndarray] | None:
    """The output activation as a NumPy-in, NumPy-out function on this backend, or None when
    its range cannot be reasoned about. Softmax is taken over the last axis only."""
    import keras

    kind = type(layer).__name__
    if kind == "Softmax":
        axis = getattr(layer, "axis", -1)
        if axis not in (-1, [-1], (-1,)):
            return None
        raw = lambda z: keras.activations.softmax(z, axis=-1)  # noqa: E731
    elif kind == "ReLU":
        raw = lambda z: keras.activations.relu(  # noqa: E731
            z, negative_slope=float(getattr(layer, "negative_slope", 0.0) or 0.0),
            max_value=getattr(layer, "max_value", None),
            threshold=float(getattr(layer, "threshold", 0.0) or 0.0))
    elif name in SATURATING and getattr(layer, "activation", None) is not None:
        raw = keras.activations.get(name)
        if name == "softmax":
            raw = lambda z: keras.activations.softmax(z, axis=-1)  # noqa: E731
    else:
        return None

    def apply(z: np.ndarray) -> np.ndarray:
        return np.asarray(keras.ops.convert_to_numpy(raw(keras.ops.convert_to_tensor(z))))

    return apply


def unsafe_loss_findings(code: str, context: PreflightContext) -> list[Finding]:
    """One finding per output whose loss is not finite at predictions its activation can
    reach; nothing when every output is safe or cannot be analysed."""
    probe = context.loss_probe
    if probe.batch.y is None:
        return []  # a loss added in the forward pass: no targets to probe it against
    layers = output_layers(context.model, context.layer_records)
    # The whole probe batch: its predictions are already computed, and on JAX the loss's
    # operations are already compiled for its shapes (a new sub-batch costs seconds there).
    import keras

    current = [np.asarray(p) for p in keras.tree.flatten(probe.predictions)]
    targets = probe.batch.target_leaves()
    if len(layers) != len(current):
        return []
    if not all(np.isfinite(np.asarray(a, dtype=np.float64)).all() for a in current + targets
               if np.issubdtype(np.asarray(a).dtype, np.number)):
        return []  # non-finite data or an overflowing forward pass: FD101 / the growth check
    findings = []
    for index, layer in enumerate(layers):
        name, source = effective_activation(layer, context.layer_records)
        f = activation_function(name, source)
        leaf = current[index]
        if f is None or not np.issubdtype(leaf.dtype, np.floating) or leaf.ndim < 1:
            continue
        target = targets[index] if len(targets) == len(current) else None
        finding = _judge_output(code, probe, current, index, target, f, name, source, len(layers))
        if finding is not None:
            findings.append(finding)
    return findings


def _limit(f: Callable, side: float, dtype: Any, softmax: bool) -> float | None:
    """The value the activation settles at for pre-activations towards `side`, or None when
    it keeps changing (unbounded on that side)."""
    if softmax:
        return 1.0 if side > 0 else 0.0
    z = np.array([side * CONVERGED_LOGIT, 2 * side * CONVERGED_LOGIT], dtype=dtype)
    values = f(z)
    if not np.isfinite(values).all() or values[0] != values[1]:
        return None
    return float(values[0])


def _saturating_input(f: Callable, value: float, dtype: Any, softmax: bool) -> float | None:
    """The pre-activation nearest zero (signed; for softmax the logit margin) at which the
    activation returns exactly `value` in this dtype, measured on a grid of step 0.05."""
    grid = np.arange(0.0, CONVERGED_LOGIT + 0.05, 0.05).astype(dtype)
    if softmax:
        rows = np.stack([grid, np.zeros_like(grid)], axis=1)
        out = f(rows)
        hits = out[:, 0] == 1.0 if value == 1.0 else out[:, 1] == 0.0
        where = np.flatnonzero(hits)
        return float(grid[where[0]]) if where.size else None
    found = []
    for side in (1.0, -1.0):
        where = np.flatnonzero(f(side * grid) == np.asarray(value, dtype=dtype))
        if where.size:
            found.append(side * float(grid[where[0]]))
    return min(found, key=abs) if found else None


def _aligned(target: np.ndarray | None, shape: tuple) -> np.ndarray | None:
    if target is None:
        return None
    target = np.asarray(target)
    if not np.issubdtype(target.dtype, np.number) or target.size != int(np.prod(shape)):
        return None
    return target.reshape(shape).astype(np.float64)


def _class_ids(target: np.ndarray | None, shape: tuple) -> tuple[np.ndarray, bool] | None:
    """For a softmax output of `shape`: each row's target class and whether the targets are
    exact (one-hot rows or integer class ids), or None when they cannot be read."""
    if target is None:
        return None
    target = np.asarray(target)
    if not np.issubdtype(target.dtype, np.number):
        return None
    classes = shape[-1]
    rows = int(np.prod(shape[:-1]))
    if target.size == rows * classes:
        t = target.reshape(rows, classes).astype(np.float64)
        exact = bool(np.isin(t, (0.0, 1.0)).all() and np.allclose(t.sum(axis=1), 1.0))
        return t.argmax(axis=1).reshape(shape[:-1]), exact
    if target.size == rows:
        ids = target.reshape(shape[:-1]).astype(np.float64)
        if not np.allclose(ids, np.round(ids)):
            return None
        return ids.astype(np.int64), True
    return None


def _probes(f: Callable, current: np.ndarray, target: np.ndarray | None,
            softmax: bool) -> list[Probe]:
    dtype = current.dtype
    shape = current.shape
    if softmax:
        classes = shape[-1]
        ids = _class_ids(target, shape)
        if classes < 2 or ids is None:
            return []
        ids, exact = ids
        valid = (ids >= 0) & (ids < classes)  # ignored positions keep their predictions
        if not valid.any():
            return []

        def rows(offset: int, margin: float) -> np.ndarray:
            logits = np.zeros(shape, dtype=dtype)
            chosen = np.eye(classes, dtype=bool)[np.where(valid, (ids + offset) % classes, 0)]
            logits[chosen] = margin
            values = f(logits)
            return np.where(valid[..., None], values, current)

        probes = [Probe("each output confident in its target class", rows(0, CONFIDENT_LOGIT)),
                  Probe("each output confident in a wrong class", rows(1, CONFIDENT_LOGIT))]
        if exact:
            probes.append(Probe("each output equal to its one-hot target (the float32 limit)",
                                rows(0, CONVERGED_LOGIT)))
        return probes
    probes = []
    limits = {side: _limit(f, side, dtype, False) for side in (1.0, -1.0)}
    confident = {side: f(np.full(shape, side * CONFIDENT_LOGIT, dtype=dtype)) for side in (1.0, -1.0)}
    for side, limit in limits.items():
        if limit is not None:
            value = float(confident[side].flat[0])
            probes.append(Probe(f"every output at {value:.4g} (pre-activation "
                                f"{side * CONFIDENT_LOGIT:+g})", confident[side]))
    t = _aligned(target, shape)
    if t is not None:
        right, wrong = current.copy(), current.copy()
        touched = np.zeros(shape, dtype=bool)
        opposable = np.zeros(shape, dtype=bool)
        for side, limit in limits.items():
            if limit is None:
                continue
            at_limit = t == limit
            right[at_limit] = limit
            touched |= at_limit
            if limits[-side] is not None:
                wrong[at_limit] = confident[-side][at_limit]
                opposable |= at_limit
        if touched.any():
            probes.append(Probe("each output equal to its target (the float32 limit)", right))
        if opposable.any():
            probes.append(Probe("each output confidently opposite its target", wrong))
    return probes


def _evaluate(loss_probe: LossProbe, current: list[np.ndarray], index: int, probe: Probe,
              target: np.ndarray | None) -> None:
    adapter = backends.current()
    predictions = list(current)
    predictions[index] = probe.predictions.astype(current[index].dtype)
    value, grads = adapter.value_and_grad(loss_probe.loss_of_predictions(loss_probe.batch.y),
                                          predictions)
    gradient = np.asarray(grads[index], dtype=np.float64)
    probe.loss = float(value)
    probe.nan = bool(np.isnan(probe.loss) or np.isnan(gradient).any())
    bad = ~np.isfinite(gradient)
    probe.mask = bad
    rows = bad.reshape(bad.shape[0], -1).any(axis=1) if bad.ndim else bad.reshape(1)
    probe.bad_samples = int(rows.sum())
    t = _aligned(target, predictions[index].shape)
    seen: list[tuple[float, float | None]] = []
    for position in zip(*np.nonzero(bad)):
        pair = (float(probe.predictions[position]), None if t is None else float(t[position]))
        if pair not in seen:
            seen.append(pair)
        if len(seen) >= 4:
            break
    probe.pairs = seen


def _describe(probe: Probe) -> str:
    shown = ", ".join(f"prediction {p:.8g}" + ("" if t is None else f" for target {t:.4g}")
                      for p, t in probe.pairs)
    loss = "NaN" if np.isnan(probe.loss) else ("inf" if np.isinf(probe.loss) else f"{probe.loss:.4g}")
    total = probe.predictions.shape[0]
    return (f"{probe.label}: loss {loss}, gradient non-finite for {probe.bad_samples} of "
            f"{total} samples"
            + (f" (at {shown})" if shown else ""))


def _near(current: np.ndarray, probe: Probe) -> int:
    """Current predictions within ROUNDING_ULPS float32 steps of a value where the probe's
    gradient is not finite."""
    if probe.mask is None or not probe.mask.any():
        return 0
    bad_values = probe.predictions[probe.mask].astype(current.dtype)
    tolerance = ROUNDING_ULPS * np.spacing(np.abs(bad_values))
    return int((np.abs(current[probe.mask] - bad_values) <= tolerance).sum())


def _judge_output(code: str, loss_probe: LossProbe, current: list[np.ndarray], index: int,
                  target: np.ndarray | None, f: Callable, name: str, layer: Any,
                  outputs: int) -> Finding | None:
    softmax = name == "softmax"
    leaf = current[index]
    probes = _probes(f, leaf, target, softmax)
    if not probes:
        return None
    now = Probe("the current predictions", leaf)
    _evaluate(loss_probe, current, index, now, target)
    for probe in probes:
        _evaluate(loss_probe, current, index, probe, target)
    failing = [p for p in probes if not p.finite]
    if not failing:
        return None
    n = loss_probe.size
    if now.finite:
        near = max(_near(leaf, p) for p in failing)
        severity = Severity.ERROR if near else Severity.WARNING
        state = (f"At the current predictions ({float(leaf.min()):.4g} to {float(leaf.max()):.4g}) "
                 f"the loss ({now.loss:.4g}) and its gradient are finite, so the failure is latent"
                 + (f", but {near} current predictions are already within {ROUNDING_ULPS} float32 "
                    f"steps of such a value" if near else "")
                 + ". ")
    else:
        # Already not finite: only this measurement's business when the samples at fault
        # have saturated outputs (otherwise the loss is undefined on moderate values: FD401).
        limits = {v for v in (_limit(f, 1.0, leaf.dtype, softmax), _limit(f, -1.0, leaf.dtype, softmax))
                  if v is not None}
        at_fault = now.mask if now.mask is not None else np.zeros(leaf.shape, dtype=bool)
        if not (at_fault.any() and np.isin(leaf[at_fault], list(limits)).any()):
            return None
        near = int(np.isin(leaf[at_fault], list(limits)).sum())
        severity = Severity.ERROR
        state = (f"The current predictions already include {near} saturated values, and the "
                 f"loss ({now.loss:.4g}) or its gradient is already non-finite for "
                 f"{now.bad_samples} of {n} samples. ")
    worst = max(failing, key=lambda p: p.bad_samples)
    values = sorted({p for probe in failing for p, _ in probe.pairs})
    reach = {v: _saturating_input(f, v, leaf.dtype, softmax) for v in values}
    reached = [(v, z) for v, z in reach.items() if z is not None]
    if reached:
        if softmax:
            parts = [f"a class probability of exactly {v:.8g} once the logit margin exceeds "
                     f"about {z:.3g}" for v, z in reached]
        else:
            parts = [f"exactly {v:.8g} for every input {'above' if z > 0 else 'below'} "
                     f"{'about ' if z else ''}{z:.3g}" for v, z in reached]
        confident = any(abs(z) >= 1.0 for _, z in reached)
        why = (f"Measured on this backend, a float32 {name} returns {' and '.join(parts)}"
               + (": no weights need to be extreme for that, only a confident model. "
                  if confident else ". "))
    else:
        why = ""
    described = "; ".join(_describe(p) for p in failing)
    kind = "NaN" if any(p.nan for p in failing) else "infinite"
    location: dict[str, Any] = {"layer": getattr(layer, "name", str(layer))}
    if outputs > 1:
        location["output"] = index
    shown_values = ", ".join(f"{v:.8g}" for v in values) or "its saturated values"
    return Finding(
        code, severity,
        f"The loss's gradient is {kind} where the {name} output saturates to exactly "
        f"{shown_values}",
        f"The compiled loss was evaluated on {n} samples with the {name} output of layer "
        f"'{location['layer']}' set to values it produces in float32: {described}. {state}{why}"
        f"From the first batch with such an output the gradient is NaN, the optimizer writes "
        f"NaN into the weights and the loss stays NaN (\"loss becomes NaN after a few "
        f"epochs\"). Keras's built-in losses keep the predictions away from such values "
        f"(epsilon 1e-7) and stay finite there.",
        {"activation": name, "offending_outputs": values,
         "saturating_input": {f"{v:.8g}": z for v, z in reach.items()},
         "probes": [{"probe": p.label, "loss": p.loss, "nonfinite_gradient_samples": p.bad_samples,
                     "at": [{"prediction": v, "target": t} for v, t in p.pairs]} for p in probes],
         "current_loss": now.loss, "current_finite": now.finite,
         "current_prediction_range": [float(leaf.min()), float(leaf.max())],
         "worst_probe": worst.label, "samples": n},
        location,
        _fix(f, name, leaf.dtype, softmax),
    )


def _fix(f: Callable, name: str, dtype: Any, softmax: bool) -> Fix:
    low, high = _limit(f, -1.0, dtype, softmax), _limit(f, 1.0, dtype, softmax)
    if low is not None and high is not None:
        clip = (f"y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)" if (low, high) == (0.0, 1.0)
                else f"y_pred = ops.clip(y_pred, {low:g} + 1e-7, {high:g} - 1e-7)")
    elif low is not None:
        clip = ("y_pred = ops.maximum(y_pred, 1e-7)" if low == 0.0
                else f"y_pred = ops.maximum(y_pred, {low:g} + 1e-7)")
    else:
        clip = f"y_pred = ops.minimum(y_pred, {high:g} - 1e-7)"
    builtin = ("\n# or a built-in loss, which clips: keras.losses.BinaryCrossentropy() / "
               "CategoricalCrossentropy(), or a linear output with from_logits=True"
               if name in ("sigmoid", "softmax") else "")
    return Fix(f"Keep the predictions away from the {name}'s limits inside the loss before "
               f"taking logs, powers below 1, square roots or divisions",
               f"{clip}  # first line of the loss function{builtin}", "safe")

