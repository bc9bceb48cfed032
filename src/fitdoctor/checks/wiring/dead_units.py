"""FD206 dead-units."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import ACTIVATION_SAMPLES, PreflightContext
from fitdoctor.checks.model_graph import activation_name, output_layers
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.activations import first_calls

# Derivative below which a sigmoid/tanh unit counts as saturated: it passes on less than a
# millionth of its output gradient (|pre-activation| > ~14 for sigmoid, > ~7.3 for tanh).
SATURATED_DERIVATIVE = 1e-6
# A layer is reported when at least half of its units are dead on every sample, or when at
# least 90% of all its (sample, unit) derivatives are zero: then most of the gradient is
# blocked even if every unit still fires for a few samples. A healthy ReLU layer blocks about
# half (AUTOTRAINER calls 70% "dying ReLU"; we stay well above healthy variation).
DEAD_UNIT_SHARE = 0.5
BLOCKED_SHARE = 0.9
# A layer with live units left is only worth a warning when it holds training back: a short
# run of the user's own training that removes this share of the starting loss trains anyway
# (the live units suffice), and the dead ones are reported as info.
TRAINS_ANYWAY = 0.5


def _zero_derivative(name: str, output: np.ndarray) -> np.ndarray | None:
    """Where the activation's derivative is (numerically) zero, from its output values."""
    # Thresholds compare exactly in the output's own dtype; a float64 copy of a large
    # convolution's outputs costs seconds and is needed only for the products below.
    if name == "relu":
        return output <= 0.0
    if name == "relu6":
        return (output <= 0.0) | (output >= 6.0)
    if name == "hard_sigmoid":
        return (output <= 0.0) | (output >= 1.0)
    out = output.astype(np.float64)
    if name == "sigmoid":
        return out * (1.0 - out) < SATURATED_DERIVATIVE
    if name == "tanh":
        return 1.0 - out * out < SATURATED_DERIVATIVE
    return None


def _dead_units(name: str, output: np.ndarray) -> tuple[int, int, float] | None:
    """Units dead on every sample, units in all, and the share of zero derivatives."""
    zero = _zero_derivative(name, output)
    if zero is None or output.ndim < 2:
        return None
    per_unit = zero.reshape(-1, output.shape[-1]).all(axis=0)
    return int(per_unit.sum()), int(per_unit.size), float(zero.mean())


@register
class DeadUnits(Check):
    """
    What it detects:
        Units whose activation has zero derivative on every sample looked at: ReLU units that
        output 0 for all inputs, sigmoid / tanh units saturated at their limits, hard_sigmoid
        units clipped at 0 or 1. Measured from each layer's outputs on a real batch; a layer is
        reported when half its units are dead on every sample, or when 90% of all its
        derivatives are zero.

        An output ReLU unit is also dead when it is inactive on every sample whose target
        needs it (a target above 0): it is active only where the target is 0, so the
        gradient there pushes it further down and nothing ever pushes it across (a single
        ReLU unit whose weight starts on the wrong side).

    Why it breaks training:
        The gradient through a unit is its output gradient times the activation's
        derivative. Where that derivative is zero for every sample, the unit's weights and
        everything feeding only into it receive no gradient at all, so they never change.
        When every unit of a layer is dead, nothing below that layer trains.

    Example:
        keras.layers.Dense(64, activation="relu", bias_initializer=Constant(-10.0))

    Use instead:
        keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal")
        and inputs scaled to unit range; or a non-saturating activation.

    Repair safety:
        changes-intent: re-initialising or changing the activation changes the model.
    """

    code = "FD206"
    needs = "a forward pass on a sample batch"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        reported = yield from self._dead_everywhere(context)
        yield from self._dead_where_needed(context, reported)

    def _dead_everywhere(self, context: PreflightContext):
        """Layers with half their units dead on every sample; returns their names."""
        reported: set[str] = set()
        for record in first_calls(context.layer_records):
            layer = record.layer
            name = activation_name(layer)
            if name is None:
                continue
            counted = _dead_units(name, record.output_leaves[0])
            if counted is None:
                continue
            dead, total, blocked = counted
            fraction = dead / total
            if fraction < DEAD_UNIT_SHARE and blocked < BLOCKED_SHARE:
                continue
            severity = Severity.ERROR if dead == total else Severity.WARNING
            progress = _short_run_progress(context) if dead < total else None
            if progress is not None and progress >= TRAINS_ANYWAY:
                severity = Severity.INFO
            samples = int(record.output_leaves[0].shape[0])
            if fraction >= DEAD_UNIT_SHARE:
                title = (f"{dead} of {total} {name} units of layer '{layer.name}' have zero "
                         f"gradient on all {samples} samples")
            else:
                title = (f"{blocked:.0%} of the {name} derivatives of layer '{layer.name}' are "
                         f"zero on {samples} samples")
            reported.add(layer.name)
            yield Finding(
                self.code, severity, title,
                f"The {name} derivative is zero for {blocked:.0%} of the (sample, unit) pairs "
                f"looked at, and {dead} of {total} units are dead on every sample, so "
                + ("no gradient passes through this layer and nothing before it can train."
                   if dead == total else
                   f"those units never learn; the live ones still do (a short run of this training "
                   f"removed {progress:.0%} of the starting loss)." if severity == Severity.INFO else
                   "most of the gradient is blocked here and the layer barely learns."),
                {"dead_units": dead, "units": total, "dead_fraction": fraction,
                 "zero_derivative_share": blocked, "activation": name, "samples": samples,
                 "short_run_progress": progress},
                {"layer": layer.name},
                _fix(name, layer),
            )
        return reported

    def _dead_where_needed(self, context: PreflightContext, reported: set[str]) -> Iterable[Finding]:
        """Output ReLU units inactive on every sample whose target is above their floor."""
        records = {id(r.layer): r for r in first_calls(context.layer_records)}
        targets = context.sample.take(ACTIVATION_SAMPLES).target_leaves()
        layers = output_layers(context.model, context.layer_records)
        if len(layers) != len(targets):
            return
        for layer, y in zip(layers, targets):
            record = records.get(id(layer))
            if record is None or layer.name in reported or activation_name(layer) not in ("relu", "relu6"):
                continue
            output = record.output_leaves[0]
            y = np.asarray(y)
            if not np.issubdtype(y.dtype, np.number) or output.size != y.size or output.shape[0] != y.shape[0]:
                continue
            units = output.shape[-1] if output.ndim >= 2 else 1
            active = output.reshape(-1, units) > 0
            needed = y.reshape(-1, units).astype(np.float64) > 0
            wanted = needed.sum(axis=0)
            stranded = (wanted > 0) & ~(active & needed).any(axis=0)
            if not stranded.any():
                continue
            dead, total = int(stranded.sum()), units
            samples = int(output.shape[0])
            severity = Severity.ERROR if dead == total else Severity.WARNING
            need = int(wanted[stranded].sum())
            yield Finding(
                self.code, severity,
                f"{dead} of {total} relu output units of layer '{layer.name}' are inactive on every "
                f"sample whose target needs them",
                f"On {samples} samples, {need} (sample, unit) targets are above 0, and the unit "
                f"outputs 0 on every one of them: it is active only where its target is 0. There the "
                f"gradient pushes its output down, further from the samples that need it, and where "
                f"the target needs it the derivative is zero, so nothing ever pushes it across.",
                {"dead_units": dead, "units": total, "dead_fraction": dead / total,
                 "targets_needing_units": need,
                 "active_share": float(active[:, stranded].mean()), "activation": "relu",
                 "samples": samples, "where": "targets above 0"},
                {"layer": layer.name},
                Fix("Use a linear output (or re-initialise it: a fresh random sign may land on the "
                    "right side)", "keras.layers.Dense(units)  # linear output", "changes-intent"),
            )


def _short_run_progress(context: PreflightContext) -> float | None:
    """The share of the starting loss a short run of the user's training removes; None when
    it cannot be measured or diverged."""
    try:
        run = context.user_short_run
    except Unsupported:
        return None
    return None if run.diverged else run.progress


def _fix(name: str, layer: Any) -> Fix:
    if name in ("relu", "relu6"):
        return Fix("Re-initialise the layer (He init, zero bias) and scale the inputs to unit range",
                   f"keras.layers.{type(layer).__name__}(..., activation='relu', "
                   "kernel_initializer='he_normal', bias_initializer='zeros')", "changes-intent")
    return Fix(f"Keep pre-activations in the {name}'s sensitive range: Glorot init, scaled "
               "inputs, or a non-saturating activation",
               f"keras.layers.{type(layer).__name__}(..., kernel_initializer='glorot_uniform', "
               "bias_initializer='zeros')", "changes-intent")
