"""The target values a check judges: all training targets when the data are arrays, else
the batches sampled from the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitdoctor.checks.context import PreflightContext


@dataclass
class TrainingTargets:
    leaves: list[np.ndarray]  # one array per model output, in `keras.tree.flatten` order
    complete: bool  # all training targets (True) or the sampled batches (False)

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
        return TrainingTargets(context.sample.target_leaves(), False)
    # DataSource keeps all training targets for arrays, the sampled batches' otherwise.
    return TrainingTargets([np.asarray(t) for t in keras.tree.flatten(data.full_targets)],
                           data.kind == "arrays")


def finite_values(y: np.ndarray) -> np.ndarray:
    """The finite values of a numeric array as float64 (NaN / Inf are FD101's business)."""
    values = np.asarray(y, dtype=np.float64).reshape(-1)
    return values[np.isfinite(values)]
