"""Gradient cliffs in a short run: the measurement FD304 (exploding-gradients) reads from the
short run with the user's own optimizer.

A cliff (Pascanu, Mikolov and Bengio, "On the difficulty of training recurrent neural
networks", 2013) is a step whose gradient is orders of magnitude larger than the steps
before it while the loss there is ordinary: the update it makes throws the weights far away.
A learning rate that is merely too high looks different: the loss grows with the gradient
(as its square on a quadratic bowl), step after step.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from fitdoctor.checks.context import PreflightContext
from fitdoctor.findings import Finding, Fix, Severity

# A step's gradient norm at least this many times the median of the steps before it...
SPIKE_FACTOR = 10.0
# ...while its mini-batch loss grew by at most the square root of that (and at least this
# much is always allowed). A batch that is merely harder, or a rate that overshoots, raises
# the loss with the square of the gradient; a cliff raises the gradient alone.
ORDINARY_LOSS_FACTOR = 2.0
# Steps that set the baseline before a spike can be judged.
BASELINE_STEPS = 5
# A spike this large is reported even when the short run recovered from it.
CERTAIN_FACTOR = 30.0


@dataclass(frozen=True)
class Cliff:
    step: int  # 0-based step of the short run
    norm: float  # its gradient norm (inf or nan when non-finite)
    typical_norm: float  # median gradient norm of the steps before it
    loss: float  # its mini-batch loss
    typical_loss: float  # median mini-batch loss of the steps before it

    @property
    def factor(self) -> float:
        return self.norm / max(self.typical_norm, 1e-30)


def first_cliff(norms: Sequence[float], losses: Sequence[float],
                baseline: int = BASELINE_STEPS) -> Cliff | None:
    """The first of a series of (gradient norm, loss) measurements, each after `baseline`
    others, whose gradient spikes while its loss does not."""
    for step in range(baseline, min(len(norms), len(losses))):
        typical_norm = statistics.median(norms[:step])
        typical_loss = statistics.median(losses[:step])
        norm, loss = norms[step], losses[step]
        if not (math.isfinite(typical_norm) and math.isfinite(typical_loss) and math.isfinite(loss)):
            return None
        factor = norm / max(typical_norm, 1e-30)
        spiked = not math.isfinite(norm) or factor >= SPIKE_FACTOR
        allowed = max(ORDINARY_LOSS_FACTOR, math.sqrt(factor) if math.isfinite(factor) else 0.0)
        if spiked and abs(loss) <= allowed * abs(typical_loss):
            return Cliff(step, norm, typical_norm, loss, typical_loss)
    return None


def clips(optimizer: Any) -> bool:
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    return any(getattr(optimizer, name, None) for name in ("clipnorm", "clipvalue", "global_clipnorm"))


def cliff_findings(code: str, context: PreflightContext) -> Iterable[Finding]:
    """FD304 from the short run with the user's optimizer: a gradient spike while the loss
    was ordinary. An error when the run then diverged, or the spike is CERTAIN_FACTOR times
    the typical gradient; a smaller spike in a run that recovered is not reported."""
    if clips(context.model.optimizer):
        return  # a spike is clipped before it reaches the weights
    run = context.user_short_run
    cliff = first_cliff(run.gradient_norms, run.losses)
    if cliff is None or not (run.diverged or cliff.factor >= CERTAIN_FACTOR):
        return
    after = ("the run then diverged" if run.diverged else
             f"the evaluation loss went from {run.initial:.4g} to {run.final:.4g}")
    norm = f"{cliff.norm:.4g}" if math.isfinite(cliff.norm) else "non-finite"
    yield Finding(
        code, Severity.ERROR,
        f"The gradient jumps to {norm}, {cliff.factor:.0f}x its typical size, at step "
        f"{cliff.step + 1} of a short run while the loss stays ordinary",
        f"A copy of the model trained with the user's optimizer had gradient norms around "
        f"{cliff.typical_norm:.3g} for {cliff.step} steps; at step {cliff.step + 1} the norm was "
        f"{norm} while the batch loss was {cliff.loss:.4g} (typical {cliff.typical_loss:.4g}); "
        f"{after}. That is a cliff in the loss surface, the signature of exploding gradients "
        f"(recurrent layers with unbounded activations, deep products of large Jacobians): a "
        f"single update of that size throws the weights away, and no learning rate that still "
        f"trains avoids it.",
        {"step": cliff.step + 1, "gradient_norm": cliff.norm, "typical_gradient_norm": cliff.typical_norm,
         "spike_factor": round(cliff.factor, 2), "batch_loss": cliff.loss,
         "typical_batch_loss": cliff.typical_loss, "steps": run.steps, "diverged": run.diverged,
         "samples": context.loss_probe.size},
        {},
        Fix("Clip the gradient norm (and prefer bounded activations in recurrent layers)",
            "optimizer = keras.optimizers.SGD(learning_rate=..., clipnorm=1.0)", "changes-intent"),
    )
