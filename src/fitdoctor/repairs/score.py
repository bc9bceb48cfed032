"""The task score a repair is judged by, computed by fitdoctor itself on a fixed sample of the
training data, so that runs with different losses compare: accuracy for classification, R^2
(and the error in the targets' units) for regression; and the goal a repair must reach."""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

# Metrics a goal may name, and whether larger is better.
METRICS = {"accuracy": True, "balanced_accuracy": True, "r2": True, "rmse": False, "loss": False}
_COMPARISONS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Score:
    """What a trained model reaches on the score sample. `error` is the share the task is
    missed by (1 - accuracy; 1 - R^2, the squared error relative to the targets' variance),
    comparable between runs of the same task whatever their losses."""

    metric: str  # "accuracy" or "r2"
    value: float
    error: float
    details: dict[str, float]

    def get(self, metric: str) -> float | None:
        if metric == self.metric:
            return self.value
        return self.details.get(metric)

    @property
    def chance_error(self) -> float:
        """The error of an uninformed prediction of the same targets."""
        return self.details.get("chance_error", 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": _rounded(self.value), "error": _rounded(self.error),
                **{k: _rounded(v) for k, v in self.details.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Score":
        details = {k: float(v) for k, v in data.items() if k not in ("metric", "value", "error")}
        return cls(data["metric"], float(data["value"]), float(data["error"]), details)


def _rounded(value: float) -> float | str:
    return float(f"{value:.6g}") if math.isfinite(value) else str(value)


def task_of(profile_kind: str) -> str:
    """`classification` for class labels (sparse, one-hot, binary, multi-label), else
    `regression` (checks/targets.py TargetProfile.kind)."""
    return "regression" if profile_kind == "regression" else "classification"


def score(task: str, predictions: Any, targets: Any, from_logits: bool = False) -> Score:
    """The score of `predictions` against `targets` (first output), per sample."""
    y_pred = np.asarray(predictions, dtype=np.float64)
    y_true = np.asarray(targets, dtype=np.float64)
    n = len(y_true)
    y_pred = y_pred.reshape(n, -1)
    y_true = y_true.reshape(n, -1)
    if task == "classification":
        return _classification(y_pred, y_true, from_logits)
    return _regression(y_pred, y_true)


def evaluate(model: Any, sample: Any, task: str, target_transform: tuple[float, float] | None = None) -> Score:
    """`model`'s score on `sample` (a data.Batch), its predictions mapped back to the targets'
    units when it was trained on standardised targets (`target_transform` = (mean, std))."""
    import keras

    from fitdoctor.program import LossSpec

    predictions = model.predict(sample.x, batch_size=min(256, sample.size), verbose=0)
    first = np.asarray(keras.ops.convert_to_numpy(keras.tree.flatten(predictions)[0]), dtype=np.float64)
    if target_transform is not None:
        mean, std = target_transform
        first = first * std + mean
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        loss = next(iter(loss.values()), None)
    elif isinstance(loss, (list, tuple)):
        loss = loss[0] if loss else None
    return score(task, first, keras.tree.flatten(sample.y)[0], LossSpec.of(loss).from_logits)


def _classification(y_pred: np.ndarray, y_true: np.ndarray, from_logits: bool) -> Score:
    threshold = 0.0 if from_logits else 0.5
    one_hot = y_true.shape[1] > 1 and np.allclose(y_true.sum(axis=1), 1.0)
    if y_true.shape[1] > 1 and not one_hot:
        # Multi-label: each label column is its own binary decision.
        truth = (y_true > 0.5).astype(np.int64).reshape(-1)
        predicted = (y_pred > threshold).astype(np.int64).reshape(-1)
    else:
        truth = y_true.argmax(axis=1) if one_hot else y_true[:, 0].round().astype(np.int64)
        predicted = y_pred.argmax(axis=1) if y_pred.shape[1] > 1 \
            else (y_pred[:, 0] > threshold).astype(np.int64)
    accuracy = float(np.mean(predicted == truth)) if np.all(np.isfinite(y_pred)) else 0.0
    recalls = [float(np.mean(predicted[truth == c] == c)) for c in np.unique(truth)]
    balanced = float(np.mean(recalls)) if recalls and np.all(np.isfinite(y_pred)) else accuracy
    majority = float(np.max(np.unique(truth, return_counts=True)[1]) / len(truth)) if len(truth) else 1.0
    return Score("accuracy", accuracy, 1.0 - accuracy,
                 {"balanced_accuracy": balanced, "chance_error": 1.0 - majority, "samples": float(len(truth))})


def _regression(y_pred: np.ndarray, y_true: np.ndarray) -> Score:
    if y_pred.shape != y_true.shape:
        if y_pred.size != y_true.size:
            raise ValueError(f"predictions {y_pred.shape} cannot be compared with targets {y_true.shape}")
        y_pred = y_pred.reshape(y_true.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        squared = float(np.mean((y_pred - y_true) ** 2))
    if not math.isfinite(squared):
        squared = math.inf
    variance = float(np.var(y_true))
    relative = squared / variance if variance > 0 else (0.0 if squared == 0 else math.inf)
    return Score("r2", 1.0 - relative, relative,
                 {"rmse": math.sqrt(squared), "target_std": math.sqrt(variance),
                  "samples": float(len(y_true))})


@dataclass(frozen=True)
class Goal:
    """What a repaired run must reach: the user's `metric op threshold`, or, when none was
    given, a clear improvement over the original run: at most half its error."""

    metric: str
    comparison: str
    threshold: float
    text: str

    @classmethod
    def parse(cls, text: str) -> "Goal":
        match = re.fullmatch(r"\s*([a-z_0-9]+)\s*(>=|<=|>|<)\s*([-+0-9.eE]+)\s*", text)
        if not match:
            raise ValueError(f"a goal is METRIC>=VALUE or METRIC<=VALUE (e.g. 'accuracy>=0.99', "
                             f"'loss<=1e-6'), not {text!r}")
        metric, comparison, value = match.group(1), match.group(2), float(match.group(3))
        if metric not in METRICS:
            raise ValueError(f"unknown goal metric {metric!r}; use one of {', '.join(METRICS)}")
        return cls(metric, comparison, value, f"{metric}{comparison}{value:g}")

    @classmethod
    def improvement(cls, baseline: Score) -> "Goal":
        """A clear improvement over the original run: at most half its error, and at most half
        the error of an uninformed prediction (`chance_error`: the majority class's
        complement, or 1 for regression's constant mean), so that a run that broke down
        completely is not repaired by a run that merely breaks down less."""
        limit = min(baseline.error / 2 if math.isfinite(baseline.error) else math.inf, baseline.chance_error / 2)
        threshold = 1.0 - limit
        shown = f"{baseline.value:.4g}" if math.isfinite(baseline.value) else "not finite"
        return cls(baseline.metric, ">=", threshold,
                   f"{baseline.metric}>={threshold:.4g} (at most half the error of the original run, "
                   f"{baseline.metric} {shown}, and of an uninformed prediction)")

    def reached(self, score: Score | None, loss: float | None) -> bool:
        value = loss if self.metric == "loss" else (score.get(self.metric) if score else None)
        if value is None or not math.isfinite(value):
            return False
        return _COMPARISONS[self.comparison](value, self.threshold)
