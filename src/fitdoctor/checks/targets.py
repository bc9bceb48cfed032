"""What the targets of one output are, as the loss and their values say."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitdoctor.program import LossSpec


@dataclass(frozen=True)
class TargetProfile:
    # "sparse" (class ids), "onehot", "binary", "multilabel" or "regression"
    kind: str
    class_counts: dict[int, int] | None = None

    @property
    def is_classification(self) -> bool:
        return self.kind != "regression"


def _is_binary(values: np.ndarray) -> bool:
    return values.size > 0 and bool(np.isin(values, (0, 1)).all())


def profile(y: np.ndarray, loss: LossSpec) -> TargetProfile:
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.number):
        return TargetProfile("regression")
    wide = y.ndim >= 2 and y.shape[-1] > 1
    if loss.family == "sparse_cce":
        ids = y.reshape(-1).astype(np.int64)
        values, counts = np.unique(ids, return_counts=True)
        return TargetProfile("sparse", dict(zip(values.tolist(), counts.tolist())))
    if wide and (loss.family == "cce" or _is_binary(y)):
        rows = y.reshape(-1, y.shape[-1])
        if np.allclose(rows.sum(axis=1), 1.0):
            counts = np.bincount(rows.argmax(axis=1), minlength=rows.shape[1])
            return TargetProfile("onehot", dict(enumerate(counts.tolist())))
        return TargetProfile("multilabel")
    if not wide and (_is_binary(y) or (loss.family == "bce" and y.min() >= 0 and y.max() <= 1)):
        labels = np.round(y.reshape(-1)).astype(np.int64)
        counts = np.bincount(labels, minlength=2)
        return TargetProfile("binary", {0: int(counts[0]), 1: int(counts[1])})
    return TargetProfile("regression")
