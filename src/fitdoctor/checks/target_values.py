"""The target values a check judges: all training targets when the data are arrays, else
the batches sampled from the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.targets import TargetProfile


@dataclass
class TrainingTargets:
    leaves: list[np.ndarray]  # one array per model output, in `keras.tree.flatten` order
    complete: bool  # all training targets (True) or the sampled batches (False)
    sample_weights: list[np.ndarray | None] = field(default_factory=list)  # per leaf, as fit() got them

    @property
    def samples(self) -> int:
        return int(len(self.leaves[0])) if self.leaves and self.leaves[0].ndim else 0

    @property
    def source(self) -> str:
        return "all training targets" if self.complete else "the sampled batches"


def training_targets(context: PreflightContext) -> TrainingTargets:
    """Raises `Unsupported` when there is neither an array of targets nor a sample."""
    import keras

    data = context.program.data
    if data.full_targets is None:
        leaves = context.sample.target_leaves()
        return TrainingTargets(leaves, False, _per_leaf(context.sample.sample_weight, len(leaves)))
    # DataSource keeps all training targets for arrays, the sampled batches' otherwise.
    complete = data.kind == "arrays"
    leaves = [np.asarray(t) for t in keras.tree.flatten(data.full_targets)]
    weights = data.full_sample_weight if complete else getattr(data.sample, "sample_weight", None)
    return TrainingTargets(leaves, complete, _per_leaf(weights, len(leaves)))


def _per_leaf(weights: Any, count: int) -> list[np.ndarray | None]:
    """Sample weights for each of `count` outputs: one array for all, or one per output."""
    import keras

    if weights is None:
        return [None] * count
    flat = [None if w is None else np.asarray(w) for w in keras.tree.flatten(weights)]
    if len(flat) == count:
        return flat
    return flat * count if len(flat) == 1 else [None] * count


def class_loss_weights(target: TargetProfile, y: np.ndarray, sample_weight: np.ndarray | None,
                       class_weight: dict | None) -> dict[int, float]:
    """Each class's weight in the loss: its entries, each counted with its sample weight when
    fit() got them, times the class's weight."""
    counts = {c: float(n) for c, n in (target.class_counts or {}).items()}
    if sample_weight is not None:
        counts = _sample_weighted(counts, target.kind, np.asarray(y), sample_weight) or counts
    weights = class_weight or {}
    return {c: n * float(weights.get(c, 1.0)) for c, n in counts.items()}


def _sample_weighted(counts: dict[int, float], kind: str, y: np.ndarray,
                     sample_weight: np.ndarray) -> dict[int, float] | None:
    """The sum of the sample weights of each class's entries (per sample, or per element as
    for a segmentation mask); None when the weights do not line up with the targets."""
    if kind == "onehot":
        labels = y.reshape(-1, y.shape[-1]).argmax(axis=1).reshape(y.shape[:-1])
    elif kind in ("binary", "sparse"):
        labels = np.round(y).astype(np.int64) if kind == "binary" else y.astype(np.int64)
    else:
        return None
    weight = np.asarray(sample_weight, dtype=np.float64)
    while weight.ndim > labels.ndim and weight.shape[-1] == 1:
        weight = weight[..., 0]
    while weight.ndim < labels.ndim:
        weight = weight[..., None]
    try:
        weight = np.broadcast_to(weight, labels.shape)
    except ValueError:
        return None
    kept = labels >= 0
    sums = np.bincount(labels[kept].ravel(), weights=weight[kept].ravel(), minlength=max(counts, default=0) + 1)
    return {c: float(sums[c]) if 0 <= c < len(sums) else 0.0 for c in counts}


def finite_values(y: np.ndarray) -> np.ndarray:
    """The finite values of a numeric array as float64 (NaN / Inf are FD101's business)."""
    values = np.asarray(y, dtype=np.float64).reshape(-1)
    return values[np.isfinite(values)]
