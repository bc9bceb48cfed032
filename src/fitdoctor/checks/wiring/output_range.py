"""FD207 output-range."""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import effective_activation, output_layers
from fitdoctor.checks.target_values import finite_values, training_targets
from fitdoctor.findings import Finding, Fix, Severity

INF = math.inf

# The closed range of values each activation can produce (endpoints reached at least
# asymptotically), with Keras's default parameters.
RANGES: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0),
    "sparse_sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0), "softsign": (-1.0, 1.0), "hard_tanh": (-1.0, 1.0),
    "relu": (0.0, INF), "softplus": (0.0, INF), "exponential": (0.0, INF), "relu6": (0.0, 6.0),
    "squareplus": (0.0, INF), "sparse_plus": (0.0, INF),
    "elu": (-1.0, INF), "selu": (-1.7580993408473766, INF), "celu": (-1.0, INF),
    "log_sigmoid": (-INF, 0.0), "log_softmax": (-INF, 0.0),
}

# Losses that compare predictions with targets value by value, so a target out of the
# output's range leaves a distance no weights can close.
REGRESSION_FAMILIES = ("mse", "mae")
# A target counts as out of reach when it lies further than this share of the targets'
# standard deviation outside the range (a relu output with targets of -1e-6 is fine).
TOLERANCE = 0.01
ERROR_SHARE = 0.05


def output_range(activation: str, layer: Any) -> tuple[float, float] | None:
    """The values `layer`'s output activation can take, or None when unbounded or unknown."""
    if type(layer).__name__ == "ReLU":
        slope = float(getattr(layer, "negative_slope", 0.0) or 0.0)
        top = getattr(layer, "max_value", None)
        low = 0.0 if slope == 0.0 else -INF
        high = INF if top is None else float(top)
        return None if (low, high) == (-INF, INF) else (low, high)
    return RANGES.get(activation)


def _interval(low: float, high: float) -> str:
    left = "(-inf" if low == -INF else f"[{low:.4g}"
    right = "inf)" if high == INF else f"{high:.4g}]"
    return f"{left}, {right}"


@register
class OutputRange(Check):
    """
    What it detects:
        A regression output (MSE / MAE family) whose activation cannot produce the values
        of the targets: a sigmoid, hard_sigmoid or softmax output ([0, 1]) with targets such
        as 0..100, a tanh ([-1, 1]) with targets outside [-1, 1], a relu, softplus or
        exponential output (>= 0) with negative targets. Measured on the targets (all of
        them when they are arrays): the share out of reach and the lowest loss any weights
        could reach. A target closer to the range than 1% of the targets' standard
        deviation counts as reachable; more than 5% out of reach is an error, fewer a
        warning. Outputs whose measured values leave the activation's range (a model that
        rescales them after the last layer) are not judged by it. Classification losses are
        FD202's and FD106's business.

    Why it breaks training:
        Whatever the weights, the output stays inside its range, so the loss cannot go
        below the mean distance from the targets to that range. Worse, chasing the
        unreachable targets pushes sigmoid and tanh units into saturation, where their
        gradient vanishes, and pushes relu units below zero, where they die: training stalls
        early and the model predicts the range's edge for every out-of-range target.

    Example:
        keras.layers.Dense(1, activation="sigmoid")
        model.compile(loss="mse"); model.fit(x, ages)     # ages 0..100

    Use instead:
        keras.layers.Dense(1)                              # linear output
        or scale the targets into the range: model.fit(x, ages / 100)

    Repair safety:
        changes-intent: the output layer or the targets' scale changes.
    """

    code = "FD207"
    needs = "regression targets, the compiled loss and the output activation"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        if not any(loss.family in REGRESSION_FAMILIES for loss in program.losses):
            return
        layers = output_layers(context.model, context.layer_records)
        targets = training_targets(context)
        if len(layers) != len(targets.leaves):
            raise Unsupported(f"{len(layers)} outputs against {len(targets.leaves)} target arrays")
        for index, (layer, y) in enumerate(zip(layers, targets.leaves)):
            loss = program.losses[min(index, len(program.losses) - 1)]
            if loss.family not in REGRESSION_FAMILIES or not np.issubdtype(np.asarray(y).dtype, np.number):
                continue
            activation, source = effective_activation(layer, context.layer_records)
            bounds = output_range(activation, source)
            if bounds is None:
                continue
            values = finite_values(y)
            if values.size == 0 or not _produced_by(bounds, _predictions(context, index)):
                continue
            finding = self._judge(loss, activation, source, bounds, values, targets, index)
            if finding is not None:
                yield finding

    def _judge(self, loss: Any, activation: str, layer: Any, bounds: tuple[float, float],
               values: np.ndarray, targets: Any, index: int) -> Finding | None:
        low, high = bounds
        distance = np.maximum(low - values, 0.0) + np.maximum(values - high, 0.0)
        spread = float(values.std())
        tolerance = TOLERANCE * max(spread, 1e-12)
        out = distance > tolerance
        share = float(out.mean())
        if not out.any():
            return None
        below, above = int((values < low - tolerance).sum()), int((values > high + tolerance).sum())
        floor_mse, floor_mae = float(np.mean(distance ** 2)), float(np.mean(distance))
        variance = float(values.var())
        absolute_deviation = float(np.mean(np.abs(values - np.median(values))))
        if loss.family == "mse":
            floor, constant, kind = floor_mse, variance, "mean squared error"
        else:
            floor, constant, kind = floor_mae, absolute_deviation, "mean absolute error"
        relative = floor / constant if constant > 0 else INF
        severity = Severity.ERROR if share > ERROR_SHARE else Severity.WARNING
        lo, hi = float(values.min()), float(values.max())
        sides = []
        if above:
            sides.append(f"{above} above {high:.4g}")
        if below:
            sides.append(f"{below} below {low:.4g}")
        if high < INF and above:
            mechanism = (f"Chasing the targets above {high:.4g} drives the {activation} into "
                         f"saturation, where its gradient vanishes, so training stalls at the "
                         f"edge of the range.")
        else:
            mechanism = (f"Chasing the targets below {low:.4g} pushes the {activation}'s "
                         f"inputs below zero, where its gradient is zero: those targets are "
                         f"predicted as {low:.4g} and stop teaching the model anything."
                         if activation == "relu" or type(layer).__name__ == "ReLU" else
                         f"Chasing the targets below {low:.4g} drives the {activation} to its "
                         f"flat end, where its gradient vanishes.")
        units = _units(layer)
        if high < INF and above and low >= 0 and lo >= 0:
            scale = f"y_scaled = y / {hi:.4g}  # into [0, 1]; predictions * {hi:.4g}"
        elif high < INF and low < 0:
            peak = max(abs(lo), abs(hi))
            scale = f"y_scaled = y / {peak:.4g}  # into [-1, 1]; predictions * {peak:.4g}"
        else:
            scale = None
        code = f"keras.layers.Dense({units})  # linear output: any real value" if units else \
            "# drop the output activation: a linear output takes any real value"
        if scale:
            code += f"\n# or keep the {activation} and scale the targets:\n{scale}"
        location: dict[str, Any] = {"layer": layer.name}
        if len(targets.leaves) > 1:
            location["output"] = index
        return Finding(
            self.code, severity,
            f"A {activation} output ({_interval(low, high)}) cannot reach {share:.0%} of the "
            f"targets ({lo:.4g} to {hi:.4g})",
            f"The {activation} output of layer {layer.name} only produces values in "
            f"{_interval(low, high)}, but {int(out.sum())} of {values.size} targets lie outside "
            f"it ({', '.join(sides)}). Whatever the weights, the {kind} cannot go below "
            f"{floor:.4g} (the mean {'squared ' if loss.family == 'mse' else ''}distance from the "
            f"targets to the range)"
            + (f", {_ratio(relative)} the {constant:.4g} that a constant prediction reaches. "
               if constant > 0 else ". ")
            + mechanism,
            {"activation": activation, "output_range": [low, high], "loss": loss.name,
             "target_min": lo, "target_max": hi, "unreachable": int(out.sum()),
             "unreachable_share": share, "tolerance": tolerance,
             "lowest_reachable_mse": floor_mse, "lowest_reachable_mae": floor_mae,
             "target_variance": variance,
             "floor_share_of_constant": relative if constant > 0 else None,
             "source": targets.source, "samples": targets.samples},
            location,
            Fix("Use a linear output" + (" (or scale the targets into the output's range)"
                                         if scale else ""), code, "changes-intent"),
        )


def _predictions(context: PreflightContext, index: int) -> np.ndarray | None:
    try:
        predictions = context.predictions
    except Unsupported:
        return None
    return predictions[index] if index < len(predictions) else None


def _produced_by(bounds: tuple[float, float], predictions: np.ndarray | None) -> bool:
    """Whether the measured predictions lie in the activation's range: a model that
    transforms the activation's values afterwards (in `call`, outside any layer) is not
    judged by the activation's range."""
    if predictions is None:
        return True
    values = finite_values(predictions)
    low, high = bounds
    slack = 1e-5 * max(1.0, float(np.abs(values).max()) if values.size else 1.0)
    return bool(np.all((values >= low - slack) & (values <= high + slack)))


def _ratio(relative: float) -> str:
    return f"{relative:.0%} of" if relative < 1 else f"{relative:.3g} times"


def _units(layer: Any) -> int | None:
    units = getattr(layer, "units", None)
    return int(units) if isinstance(units, int) else None
