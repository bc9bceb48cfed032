"""FD405 constant-predictions."""

from __future__ import annotations

from typing import Any

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Symptom
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.history import LossHistory

# Spread of the predictions across the probe inputs / spread of the targets. A model that
# has learned anything varies its output with its input on the scale of the targets; one
# that predicts the same value everywhere has a spread many orders of magnitude smaller.
# SageMaker Debugger has no such rule; AUTOTRAINER has none either (its closest symptom is a
# flat accuracy). 1e-2 leaves room for a model that is still at its start (random Glorot
# networks vary their output by ~0.1-1 of the target scale) and for heavy regularisation.
WARNING_RATIO = 1e-2
ERROR_RATIO = 1e-4
# Judged from the end of the second epoch on: a network can start out nearly constant.
MIN_EPOCHS = 2


def _one_hot(labels: np.ndarray, width: int) -> np.ndarray | None:
    flat = labels.reshape(-1).astype(np.int64)
    if flat.size == 0 or flat.min() < 0 or flat.max() >= width:
        return None
    return np.eye(width)[flat]


def _aligned(prediction: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Predictions and targets as (samples, columns) arrays of the same shape."""
    samples = prediction.shape[0]
    p = prediction.reshape(samples, -1).astype(np.float64)
    t = np.asarray(target).reshape(samples, -1).astype(np.float64) if target.shape[:1] == (samples,) else None
    if t is None:
        return None
    if t.shape[1] == 1 and p.shape[1] > 1 and np.all(t == np.round(t)):
        t = _one_hot(t, p.shape[1])  # sparse class ids for a softmax-like output
        if t is None:
            return None
    if t.shape != p.shape:
        return None
    return p, t


def spread_ratio(predictions: list[np.ndarray], targets: list[np.ndarray]) -> list[dict[str, Any]]:
    """Per output whose targets vary: the spread (standard deviation across samples, averaged
    over the output's columns with varying targets) of predictions and of targets."""
    rows = []
    for index, (prediction, target) in enumerate(zip(predictions, targets)):
        pair = _aligned(np.asarray(prediction), np.asarray(target))
        if pair is None:
            continue
        p, t = pair
        if not (np.isfinite(p).all() and np.isfinite(t).all()):
            continue
        target_spread = t.std(axis=0)
        varying = target_spread > 0
        if not varying.any():
            continue  # constant targets are FD107's
        ps, ts = float(p.std(axis=0)[varying].mean()), float(target_spread[varying].mean())
        rows.append({"output": index, "prediction_spread": ps, "target_spread": ts,
                     "ratio": ps / ts, "prediction_mean": p[:, varying].mean(axis=0)[:4].tolist()})
    return rows


@register
class ConstantPredictions(Symptom):
    """
    What it detects:
        A model that outputs (nearly) the same prediction for every input: on a fixed probe
        batch (pre-flight's sample under `fitdoctor run`, `Monitor(probe=(x, y))` otherwise),
        the standard deviation of the predictions across inputs is below 1% of the standard
        deviation of the targets (sparse class ids compared as one-hot rows), at a
        measurement during training from the end of epoch 2 on (a network may start out
        nearly constant). Measured with a stateless inference-mode
        forward pass, so no BatchNorm statistic or seed changes.

    Why it breaks training:
        A constant output ignores the input: the model has collapsed to the best constant
        (the mean target, the class prior). Typical causes are dead units (every ReLU of a
        layer off, so only the output bias is left), a loss that compares each prediction
        with other samples' targets, or a rate so high that the weights were thrown into
        saturation.

    Example:
        keras.optimizers.SGD(learning_rate=0.5) on a two-layer ReLU regression: the first
        steps overshoot, every hidden unit turns off, and the model predicts one value (the
        output bias) for every input.

    Use instead:
        Fix the cause ranked above; keras.optimizers.Adam(1e-3) with He initialisation for
        ReLU layers.

    Repair safety:
        advice: the fix belongs to the cause.
    """

    code = "FD405"
    needs = "a probe batch with targets (pre-flight's sample, or Monitor(probe=(x, y)))"
    explained_by = ("FD206", "FD201", "FD305", "FD303", "FD301", "FD304", "FD104", "FD107", "FD204",
                    "FD302")

    def judge(self, history: LossHistory) -> Finding | None:
        measured = [m for m in history.measurements if m.predictions]
        if not measured or measured[-1].epoch < MIN_EPOCHS:
            return None
        latest = spread_ratio(measured[-1].predictions, measured[-1].targets)
        before = {r["output"]: r for r in spread_ratio(measured[-2].predictions, measured[-2].targets)} \
            if len(measured) > 1 else {}
        constant = [r for r in latest if r["ratio"] < WARNING_RATIO]
        if not constant:
            return None
        worst = min(constant, key=lambda r: r["ratio"])
        now = measured[-1]
        severity = Severity.ERROR if worst["ratio"] < ERROR_RATIO else Severity.WARNING
        which = f"output {worst['output']}" if len(latest) > 1 else "the output"
        return Finding(
            self.code, severity,
            f"The model predicts nearly the same value for every input ({which}: spread "
            f"{worst['ratio']:.2g} of the targets')",
            f"On {now.samples} probe samples at {now.at}, {which} varies by {worst['prediction_spread']:.3g} "
            f"(standard deviation across inputs) while the targets vary by {worst['target_spread']:.3g}; "
            + (f"at {measured[-2].at} the ratio was {before[worst['output']]['ratio']:.2g}. "
               if worst["output"] in before else "")
            + "The model ignores its input and predicts a constant.",
            {"outputs": constant, "ratio": worst["ratio"], "samples": now.samples,
             "previous_measurement": measured[-2].at if len(measured) > 1 else None},
            {}, Fix("Fix the cause ranked above (dead units, loss wiring, rate)", None, "advice"),
            detected_at=now.at,
        )
