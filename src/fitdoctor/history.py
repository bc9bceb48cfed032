"""What one training run has shown so far, across all of its fit() calls: the loss of each
epoch, and the monitor's latest measurements on the current weights."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Measurements kept per run: symptoms compare the latest with the one before.
KEPT = 2


@dataclass
class Fingerprint:
    """Cheap statistics of every trainable variable (probes/training.py `fingerprints`)."""

    step: int
    at: str
    values: np.ndarray  # (variables, 3)
    names: list[str]
    sizes: list[int]
    learning_rate: float | None = None
    # Per variable, whether it has a constraint (a projection after every update).
    constrained: list[bool] = field(default_factory=list)


@dataclass
class LossHistory:
    losses: list[float] = field(default_factory=list)
    # The loss before the first step, when pre-flight measured it.
    initial: float | None = None
    finished: bool = False
    # The monitor's latest measurements (probes/training.py Measurement), oldest first.
    measurements: list[Any] = field(default_factory=list)
    fingerprints: list[Fingerprint] = field(default_factory=list)
    # (gradient norm, probe loss) of every measurement that had both, oldest first: a few
    # floats per measurement, for gradient cliffs across the whole run.
    gradients: list[tuple[float, float]] = field(default_factory=list)
    # Per symptom, the first window of the loss history it has not judged yet: a symptom
    # that scans windows is judged after every epoch, and must not rescan the whole run.
    scanned: dict[str, int] = field(default_factory=dict)

    def record(self, loss: float) -> None:
        self.losses.append(float(loss))

    def add_measurement(self, measurement: Any) -> None:
        self.measurements = (self.measurements + [measurement])[-KEPT:]
        if measurement.gradient_norm is not None and measurement.loss is not None:
            self.gradients.append((measurement.gradient_norm, measurement.loss))

    def add_fingerprint(self, fingerprint: Fingerprint) -> None:
        self.fingerprints = (self.fingerprints + [fingerprint])[-KEPT:]

    @property
    def epochs(self) -> int:
        return len(self.losses)

    @property
    def reference(self) -> float | None:
        """The loss training started from: measured before the first step, else epoch 1's."""
        if self.initial is not None and math.isfinite(self.initial):
            return self.initial
        return self.losses[0] if self.losses else None
