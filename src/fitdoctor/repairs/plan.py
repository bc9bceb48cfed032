"""Candidate repairs of a run's findings, derived from what the checks measured.

One planner per code turns a finding (its evidence, location and the run's measurements) into
repairs: the changes to apply, their safety and the code a user would write. A code without a
planner has no mechanical fix (a contract a custom layer must honour, labels that do not fit
the inputs): it is listed as not tried, with its advice. Planners that need a measurement the
checks did not make (the best rate for another optimizer) make it on the run's pre-flight
context, on a copy, before training starts.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

import numpy as np

from fitdoctor.checks.base import Unsupported
from fitdoctor.checks.context import SHORT_RUN_STEPS
from fitdoctor.engine import RunState
from fitdoctor.findings import Finding, Severity
from fitdoctor.repairs.model import Change, Repair

Planner = Callable[[Finding, RunState], Iterable[Repair]]
PLANNERS: dict[str, Planner] = {}

# A rate at the stability limit only keeps the error from growing; half of it (about
# 1/curvature for SGD) shrinks it fastest along the stiffest direction.
STABILITY_MARGIN = 0.5
# Rates of the short-run range test for an adaptive optimizer, a decade apart in halves.
ADAPTIVE_RATES = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
# The range test finds the rate that descends fastest over a few dozen steps from the start;
# training on to convergence meets a stiffer loss near the minimum (seed 000's curvature grows
# 57-fold on the way), so a run to convergence takes the rate a step of the grid below it.
CONVERGENCE_MARGIN = 1 / 3
# Activations whose output saturates, replaced by ReLU (with He initialisation) for FD303.
SATURATING = ("sigmoid", "tanh", "hard_sigmoid", "softsign")
# A budget repair trains at most this many times the original steps, stopping earlier once
# the loss converges; the trial measures what is needed.
MAX_BUDGET_FACTOR = 50


def planner(code: str) -> Callable[[Planner], Planner]:
    def register(function: Planner) -> Planner:
        PLANNERS[code] = function
        return function
    return register


def plan(state: RunState) -> tuple[list[Repair], list[Finding]]:
    """Repairs of the run's causes at warning or above, in the diagnosis's order, and the
    causes that have no mechanical fix."""
    repairs: list[Repair] = []
    unfixable: list[Finding] = []
    for finding in state.run.ranked():
        if finding.kind != "cause" or finding.severity < Severity.WARNING:
            continue
        make = PLANNERS.get(finding.code)
        found = list(make(finding, state)) if make else []
        if found:
            repairs.extend(r for r in found if r not in repairs)
        else:
            unfixable.append(finding)
    return repairs, unfixable


def _optimizer_code(name: str, rate: float, extra: str = "") -> str:
    return f"keras.optimizers.{name}(learning_rate={rate:.2g}{extra})"


def _rate_repair(finding: Finding, state: RunState, rate: float, why: str) -> Repair:
    name = state.program.optimizer.name
    rate = float(f"{rate:.2g}")
    return Repair((finding.code,), f"{name} at learning rate {rate:g} ({why})", "changes-intent",
                  (Change("compile", "optimizer", {"config": {"learning_rate": rate}, "slot": "rate"}),),
                  f"model.compile(optimizer={_optimizer_code(name, rate)}, ...)")


def _budget_change(factor: float) -> Change:
    return Change("fit", "budget", {"factor": float(factor), "slot": "budget"})


@planner("FD301")
def _lr_too_high(finding: Finding, state: RunState) -> Iterable[Repair]:
    evidence = finding.evidence
    stable = evidence.get("largest_stable_rate")
    if stable:
        yield _rate_repair(finding, state, STABILITY_MARGIN * float(stable),
                           f"half the largest stable rate {float(stable):.2g} the curvature allows")
    if evidence.get("best_rate_measured"):
        yield _rate_repair(finding, state, float(evidence["best_rate_measured"]),
                           "the rate that made the most progress in the range test")
    norm = _gradient_norm(state)
    if norm:
        clip = float(f"{norm:.2g}")
        yield Repair((finding.code,), f"clip the gradient norm at {clip:g} (its size at the start)",
                     "changes-intent",
                     (Change("compile", "optimizer", {"config": {"clipnorm": clip}, "slot": "clipping"}),),
                     f"model.compile(optimizer=keras.optimizers.{state.program.optimizer.name}"
                     f"(learning_rate={state.program.optimizer.learning_rate:g}, clipnorm={clip:g}), ...)")


def _gradient_norm(state: RunState) -> float | None:
    try:
        norm = state.context.gradient_norm
    except Exception:  # noqa: BLE001 - no gradient, no clipping threshold to derive
        return None
    return norm if math.isfinite(norm) and norm > 0 else None


@planner("FD302")
def _lr_too_low(finding: Finding, state: RunState) -> Iterable[Repair]:
    evidence = finding.evidence
    optimizer = state.program.optimizer
    steps = int(evidence.get("steps") or state.program.budget.total_steps or 1)
    # FD302 measures both: the rate that fits the run in its budget, the steps at its rate.
    suggested, needed = evidence.get("suggested_learning_rate"), evidence.get("steps_needed")
    if suggested:
        yield _rate_repair(finding, state, float(suggested), "the rate FD302 measured for this budget")
    factor = min(max(2.0 * float(needed) / steps, 2.0), MAX_BUDGET_FACTOR) if needed else MAX_BUDGET_FACTOR
    yield Repair((finding.code,), f"train until the loss converges (up to {factor:.0f}x the {steps} steps)",
                 "changes-intent", (_budget_change(factor),),
                 "model.fit(..., epochs=<the epochs the trial needed>)", budget=True)
    if optimizer.name not in ("Adam", "AdamW", "Nadam", "Adamax", "RMSprop", "Adagrad", "Adadelta", "Lion"):
        fastest = best_rate(state, "Adam", ADAPTIVE_RATES)
        if fastest is not None:
            best = float(f"{fastest * CONVERGENCE_MARGIN:.2g}")
            yield Repair((finding.code,), f"Adam at learning rate {best:g} (a third of {fastest:g}, the "
                         f"fastest of a short-run range test), trained until the loss converges", "changes-intent",
                         (Change("compile", "optimizer", {"class_name": "Adam", "config": {"learning_rate": best},
                                                          "slot": "rate"}),
                          _budget_change(MAX_BUDGET_FACTOR)),
                         f"model.compile(optimizer={_optimizer_code('Adam', best)}, ...)\n"
                         "model.fit(..., epochs=<the epochs the trial needed>)", budget=True)


def best_rate(state: RunState, optimizer: str, rates: Iterable[float]) -> float | None:
    """The rate of `optimizer` whose short run on a copy of the model lowers the loss most
    without diverging."""
    import keras

    context = state.context
    rates = list(rates)
    context.allowance.grant(len(rates), SHORT_RUN_STEPS)
    results = []
    for rate in rates:
        try:
            run = context.short_run(lambda rate=rate: keras.optimizers.get(
                {"class_name": optimizer, "config": {"learning_rate": rate}}), steps=SHORT_RUN_STEPS)
        except Unsupported:  # pre-flight's time for short runs is spent: no measured rate
            break
        if not run.diverged and math.isfinite(run.final):
            results.append((run.final, rate))
    return min(results)[1] if results else None


@planner("FD201")
def _loss_broadcast(finding: Finding, state: RunState) -> Iterable[Repair]:
    predicted, target = finding.evidence.get("y_pred_shape"), finding.evidence.get("y_true_shape")
    if not predicted or not target:
        return
    per_sample = list(target[1:])
    if int(np.prod(predicted[1:])) != int(np.prod(per_sample or [1])):
        return
    shape = per_sample or [1]
    yield Repair(("FD201",), f"reshape the model output {tuple(predicted[1:])} to {tuple(shape)} per sample, "
                 "as the targets are", "safe",
                 (Change("model", "reshape_output", {"shape": shape}),),
                 f"outputs = keras.layers.Reshape({tuple(shape)})(outputs)")


@planner("FD104")
def _class_imbalance(finding: Finding, state: RunState) -> Iterable[Repair]:
    counts = {int(k): int(v) for k, v in (finding.evidence.get("class_counts") or {}).items()}
    if len(counts) < 2 or finding.evidence.get("class_weight_applied"):
        return
    total = sum(counts.values())
    weights = {k: float(f"{total / (len(counts) * v):.4g}") for k, v in counts.items() if v > 0}
    yield Repair(("FD104",), "weight the classes so each contributes equally to the loss", "changes-intent",
                 (Change("fit", "argument", {"name": "class_weight", "value": weights}),),
                 f"model.fit(..., class_weight={weights})")


def _binary_or_categorical(units: int) -> tuple[str, str]:
    return ("sigmoid", "binary_crossentropy") if units == 1 else ("softmax", "categorical_crossentropy")


@planner("FD202")
def _activation_loss(finding: Finding, state: RunState) -> Iterable[Repair]:
    evidence = finding.evidence
    activation, units = evidence.get("activation"), int(evidence.get("output_units") or 1)
    layer = finding.location.get("layer")
    loss_name = str(evidence.get("loss", ""))
    sparse = "sparse" in loss_name
    # Cross-entropy over classes normalises one output column to 1 whatever the activation:
    # one unit needs the binary loss as well as the sigmoid.
    categorical_on_one_unit = units == 1 and "categorical" in loss_name
    if categorical_on_one_unit or (activation == "softmax" and units == 1):
        pair = ("sigmoid", "binary_crossentropy" if categorical_on_one_unit else None)
    elif evidence.get("from_logits") and activation in ("sigmoid", "softmax"):
        pair = ("linear", None)
    elif loss_name in ("mse", "mae", "mean_squared_error", "mean_absolute_error") or "squared" in loss_name:
        pair = _binary_or_categorical(units)
    elif activation in ("sigmoid", "hard_sigmoid") and units > 1:
        pair = ("softmax", None)
    elif activation not in ("sigmoid", "softmax"):
        yield Repair(("FD202",), "tell the loss the outputs are logits", "changes-intent",
                     (Change("compile", "loss", {"name": _loss_class(loss_name), "from_logits": True}),),
                     f"loss=keras.losses.{_loss_class(loss_name)}(from_logits=True)")
        return
    else:
        return
    output, loss = pair
    if sparse and loss == "categorical_crossentropy":
        loss = "sparse_categorical_crossentropy"
    changes = [Change("model", "output_activation", {"activation": output, "layer": layer})]
    code = f"# layer {layer}: activation='{output}'"
    if loss:
        changes.append(Change("compile", "loss", {"name": loss}))
        code += f"\nmodel.compile(loss='{loss}', ...)"
    yield Repair(("FD202",), f"a {output} output" + (f" with {loss}" if loss else ""), "changes-intent",
                 tuple(changes), code)


def _loss_class(name: str) -> str:
    known = {"binary_crossentropy": "BinaryCrossentropy", "categorical_crossentropy": "CategoricalCrossentropy",
             "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy"}
    return known.get(name, name if name[:1].isupper() else "".join(p.title() for p in name.split("_")))


@planner("FD207")
def _output_range(finding: Finding, state: RunState) -> Iterable[Repair]:
    layer = finding.location.get("layer")
    yield Repair(("FD207",), "a linear output, which can reach every target", "changes-intent",
                 (Change("model", "output_activation", {"activation": "linear", "layer": layer}),),
                 f"# layer {layer}: activation=None (linear)")


@planner("FD105")
def _batch_aliasing(finding: Finding, state: RunState) -> Iterable[Repair]:
    yield Repair(("FD105",), "a fresh array for every batch", "safe", (Change("data", "copy_batches"),),
                 "return x.copy(), y  # or allocate x inside __getitem__ / the loop")


@planner("FD102")
def _unscaled_inputs(finding: Finding, state: RunState) -> Iterable[Repair]:
    index = int(finding.evidence.get("input", finding.location.get("input", 0)) or 0)
    yield Repair(("FD102",), f"standardise input {index} inside the model (a Normalization layer adapted "
                 "on the training data)", "safe",
                 (Change("model", "normalise_inputs", {"input": index}),),
                 "norm = keras.layers.Normalization()\nnorm.adapt(x_train)\noutputs = model(norm(inputs))")


@planner("FD103")
def _unscaled_targets(finding: Finding, state: RunState) -> Iterable[Repair]:
    mean, std = finding.evidence.get("target_mean"), finding.evidence.get("target_std")
    if mean is None or not std:
        return
    yield Repair(("FD103",), f"train on standardised targets ((y - {mean:.4g}) / {std:.4g}), predictions "
                 "mapped back to the targets' units", "changes-intent",
                 (Change("data", "standardise_targets", {"mean": float(mean), "std": float(std)}),),
                 f"y_scaled = (y - {mean:.4g}) / {std:.4g}\nmodel.fit(x, y_scaled, ...)\n"
                 f"prediction = model.predict(x) * {std:.4g} + {mean:.4g}")


@planner("FD106")
def _label_encoding(finding: Finding, state: RunState) -> Iterable[Repair]:
    evidence = finding.evidence
    units, classes = int(evidence.get("output_units") or 1), _class_count(evidence)
    one_based = classes is not None and evidence["label_min"] >= 1 and classes - 1 == units
    layer = finding.location.get("layer")
    if classes and classes > units and not one_based and layer and evidence.get("label_width", 1) == 1:
        loss = "sparse_categorical_crossentropy"
        changes = [Change("model", "output_units", {"layer": layer, "units": classes, "activation": "softmax",
                                                    "slot": "output_activation"})]
        if "sparse" not in str(evidence.get("loss", "")):
            changes.append(Change("compile", "loss", {"name": loss}))
        yield Repair(("FD106",), f"one softmax output unit per class ({classes}) with {loss}", "changes-intent",
                     tuple(changes), f"# layer {layer}: keras.layers.Dense({classes}, activation='softmax')\n"
                     f"model.compile(loss='{loss}', ...)")
        return
    summary = finding.fix.summary.lower() if finding.fix else ""
    if "sparse loss" in summary:
        loss = "sparse_categorical_crossentropy"
    elif "categorical_crossentropy for one-hot" in summary:
        loss = "categorical_crossentropy"
    else:
        return
    yield Repair(("FD106",), f"{loss}, which fits these labels", "changes-intent",
                 (Change("compile", "loss", {"name": loss}),), f"model.compile(loss='{loss}', ...)")


def _class_count(evidence: dict[str, Any]) -> int | None:
    """How many classes the labels name as ids 0..max, or None for labels that are not
    non-negative integers."""
    low, high, values = evidence.get("label_min"), evidence.get("label_max"), evidence.get("label_values")
    if low is None or high is None or low < 0:
        return None
    integer = all(float(v).is_integer() for v in (values or (low, high)))
    return int(high) + 1 if integer else None


@planner("FD108")
def _biased_split(finding: Finding, state: RunState) -> Iterable[Repair]:
    if not state.program.fit_kwargs.get("validation_split") or state.program.data.kind != "arrays":
        return
    yield Repair(("FD108",), "shuffle the samples before validation_split takes the last ones", "safe",
                 (Change("data", "shuffle_before_split", {"seed": 0}),),
                 "order = np.random.default_rng(0).permutation(len(x))\nx, y = x[order], y[order]")


@planner("FD206")
def _dead_units(finding: Finding, state: RunState) -> Iterable[Repair]:
    layer = finding.location.get("layer")
    activation = finding.evidence.get("activation")
    if not layer:
        return
    if activation == "relu":
        yield Repair(("FD206",), f"He initialisation and a zero bias for layer {layer}", "changes-intent",
                     (Change("model", "initialise", {"layer": layer, "kernel_initializer": "he_normal",
                                                     "bias": 0.0, "slot": f"init:{layer}"}),),
                     f"# layer {layer}: kernel_initializer='he_normal', bias_initializer='zeros'")
        yield Repair(("FD206",), f"LeakyReLU in layer {layer}, whose units cannot die", "changes-intent",
                     (Change("model", "layer_activation", {"layer": layer, "activation": "leaky_relu",
                                                           "slot": f"activation:{layer}"}),),
                     f"# layer {layer}: activation='leaky_relu'")
    elif activation in SATURATING:
        yield Repair(("FD206",), f"Glorot initialisation and a zero bias for layer {layer}", "changes-intent",
                     (Change("model", "initialise", {"layer": layer, "kernel_initializer": "glorot_uniform",
                                                     "bias": 0.0, "slot": f"init:{layer}"}),),
                     f"# layer {layer}: kernel_initializer='glorot_uniform', bias_initializer='zeros'")


@planner("FD303")
def _vanishing_gradients(finding: Finding, state: RunState) -> Iterable[Repair]:
    layers = _hidden_layers(state.program.model, SATURATING)
    if not layers:
        return
    changes = []
    for layer in layers:
        changes.append(Change("model", "layer_activation", {"layer": layer, "activation": "relu",
                                                            "slot": f"activation:{layer}"}))
        changes.append(Change("model", "initialise", {"layer": layer, "kernel_initializer": "he_normal",
                                                      "bias": 0.0, "slot": f"init:{layer}"}))
    yield Repair(("FD303",), f"ReLU with He initialisation in the saturating hidden layers ({', '.join(layers)})",
                 "changes-intent", tuple(changes),
                 "keras.layers.Dense(units, activation='relu', kernel_initializer='he_normal')")


def _hidden_layers(model: Any, activations: tuple[str, ...]) -> list[str]:
    layers = [layer for layer in model.layers if hasattr(layer, "activation") and hasattr(layer, "kernel")]
    return [layer.name for layer in layers[:-1]
            if getattr(layer.activation, "__name__", "") in activations]


@planner("FD304")
def _exploding_gradients(finding: Finding, state: RunState) -> Iterable[Repair]:
    norm = _gradient_norm(state)
    typical = finding.evidence.get("typical_gradient_norm") or norm
    if not typical or not math.isfinite(float(typical)):
        return
    clip = float(f"{float(typical):.2g}")
    yield Repair(("FD304",), f"clip the gradient norm at {clip:g} (the typical norm measured)", "safe",
                 (Change("compile", "optimizer", {"config": {"clipnorm": clip}, "slot": "clipping"}),),
                 f"keras.optimizers.{state.program.optimizer.name}(..., clipnorm={clip:g})")


@planner("FD305")
def _bad_initialisation(finding: Finding, state: RunState) -> Iterable[Repair]:
    layer = finding.location.get("layer")
    changes = [Change("model", "initialise", {"layer": layer, "kernel_initializer": "glorot_uniform",
                                              "bias": 0.0, "slot": f"init:{layer or 'output'}"})]
    yield Repair(("FD305",), f"re-initialise {'layer ' + layer if layer else 'the output layer'} with Glorot "
                 "weights and a zero bias", "changes-intent", tuple(changes),
                 "keras.layers.Dense(units, kernel_initializer='glorot_uniform', bias_initializer='zeros')")
