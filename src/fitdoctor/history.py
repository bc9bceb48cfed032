"""The loss of one training run, epoch by epoch, across all of its fit() calls."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class LossHistory:
    losses: list[float] = field(default_factory=list)
    # The loss before the first step, when pre-flight measured it.
    initial: float | None = None
    finished: bool = False

    def record(self, loss: float) -> None:
        self.losses.append(float(loss))

    @property
    def epochs(self) -> int:
        return len(self.losses)

    @property
    def reference(self) -> float | None:
        """The loss training started from: measured before the first step, else epoch 1's."""
        if self.initial is not None and math.isfinite(self.initial):
            return self.initial
        return self.losses[0] if self.losses else None
