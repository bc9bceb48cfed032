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
from fitdoctor.probes.short_run import ShortRun

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
                baseline: int = BASELINE_STEPS, factor: float = SPIKE_FACTOR) -> Cliff | None:
    """The first of a series of (gradient norm, loss) measurements, each after `baseline`
    others, whose gradient spikes to `factor` times its typical size while its loss does not."""
    for step in range(baseline, min(len(norms), len(losses))):
        typical_norm = statistics.median(norms[:step])
        typical_loss = statistics.median(losses[:step])
        norm, loss = norms[step], losses[step]
        if not (math.isfinite(typical_norm) and math.isfinite(typical_loss) and math.isfinite(loss)):
            return None
        growth = norm / max(typical_norm, 1e-30)
        spiked = not math.isfinite(norm) or growth >= factor
        allowed = max(ORDINARY_LOSS_FACTOR, math.sqrt(growth) if math.isfinite(growth) else 0.0)
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
    finding = cliff_finding(code, run, "A copy of the model trained with the user's optimizer",
                            context.loss_probe.size)
    if finding is not None:
        yield finding


def cliff_finding(code: str, run: ShortRun, trained: str, samples: int,
                  detected_at: str = "preflight", run_name: str = "a short run") -> Finding | None:
    """The judgement of a short run (`trained`: who made it, for the message): its first
    cliff when the run then diverged, else its first cliff of CERTAIN_FACTOR times the typical
    gradient (a smaller spike that the run recovered from may have been a hard batch; a later,
    larger one is not)."""
    cliff = first_cliff(run.gradient_norms, run.losses,
                        factor=SPIKE_FACTOR if run.diverged else CERTAIN_FACTOR)
    if cliff is None:
        return None
    after = ("the run then diverged" if run.diverged else
             f"the evaluation loss went from {run.initial:.4g} to {run.final:.4g}")
    norm = f"{cliff.norm:.4g}" if math.isfinite(cliff.norm) else "non-finite"
    return Finding(
        code, Severity.ERROR,
        f"The gradient jumps to {norm}, {cliff.factor:.0f}x its typical size, at step "
        f"{cliff.step + 1} of {run_name} while the loss stays ordinary",
        f"{trained} had gradient norms around {cliff.typical_norm:.3g} for {cliff.step} steps; at "
        f"step {cliff.step + 1} the norm was {norm} while the batch loss was {cliff.loss:.4g} "
        f"(typical {cliff.typical_loss:.4g}); {after}. That is a cliff in the loss surface, the "
        f"signature of exploding gradients (recurrent layers with unbounded activations, deep "
        f"products of large Jacobians): a single update of that size throws the weights away, "
        f"and no learning rate that still trains avoids it.",
        {"step": cliff.step + 1, "gradient_norm": cliff.norm, "typical_gradient_norm": cliff.typical_norm,
         "spike_factor": round(cliff.factor, 2), "batch_loss": cliff.loss,
         "typical_batch_loss": cliff.typical_loss, "steps": run.steps, "diverged": run.diverged,
         "samples": samples},
        {},
        Fix("Clip the gradient norm (and prefer bounded activations in recurrent layers)",
            "optimizer = keras.optimizers.SGD(learning_rate=..., clipnorm=1.0)", "changes-intent"),
        detected_at=detected_at,
    )
