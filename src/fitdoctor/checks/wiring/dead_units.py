"""FD206 dead-units."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import activation_name
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


def _zero_derivative(name: str, output: np.ndarray) -> np.ndarray | None:
    """Where the activation's derivative is (numerically) zero, from its output values."""
    out = output.astype(np.float64)
    if name == "relu":
        return out <= 0.0
    if name == "relu6":
        return (out <= 0.0) | (out >= 6.0)
    if name == "hard_sigmoid":
        return (out <= 0.0) | (out >= 1.0)
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
            samples = int(record.output_leaves[0].shape[0])
            if fraction >= DEAD_UNIT_SHARE:
                title = (f"{dead} of {total} {name} units of layer '{layer.name}' have zero "
                         f"gradient on all {samples} samples")
            else:
                title = (f"{blocked:.0%} of the {name} derivatives of layer '{layer.name}' are "
                         f"zero on {samples} samples")
            yield Finding(
                self.code, severity, title,
                f"The {name} derivative is zero for {blocked:.0%} of the (sample, unit) pairs "
                f"looked at, and {dead} of {total} units are dead on every sample, so "
                + ("no gradient passes through this layer and nothing before it can train."
                   if dead == total else
                   "most of the gradient is blocked here and the layer barely learns."),
                {"dead_units": dead, "units": total, "dead_fraction": fraction,
                 "zero_derivative_share": blocked, "activation": name, "samples": samples},
                {"layer": layer.name},
                _fix(name, layer),
            )


def _fix(name: str, layer: Any) -> Fix:
    if name in ("relu", "relu6"):
        return Fix("Re-initialise the layer (He init, zero bias) and scale the inputs to unit range",
                   f"keras.layers.{type(layer).__name__}(..., activation='relu', "
                   "kernel_initializer='he_normal', bias_initializer='zeros')", "changes-intent")
    return Fix(f"Keep pre-activations in the {name}'s sensitive range: Glorot init, scaled "
               "inputs, or a non-saturating activation",
               f"keras.layers.{type(layer).__name__}(..., kernel_initializer='glorot_uniform', "
               "bias_initializer='zeros')", "changes-intent")
