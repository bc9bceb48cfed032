"""FD302 lr-too-low."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.optimisation.stability import largest_stable_rate
from fitdoctor.findings import Finding, Fix, Severity

# Shares of the starting loss that the whole budget is predicted to remove, to first order.
# First-order extrapolation over-estimates progress on a convex stretch, so a prediction
# this low is already optimistic.
ERROR_SHARE = 0.05
WARNING_SHARE = 0.2
# A schedule is summed from its rates at this many evenly spread steps (warm-up included).
SCHEDULE_POINTS = 200


@register
class LearningRateTooLow(Check):
    """
    What it detects:
        A learning rate, or a number of optimizer steps, far too small for the loss to go
        anywhere in the budget given. The loss decrease per step is predicted to first order
        from the gradient at the start and the update the user's own optimizer makes (measured
        on a copy), then summed over every step of the run, following the learning-rate
        schedule (warm-up included) and counting repeated `fit()` calls as one run. Reported
        when the whole run is predicted to remove under 20% of the starting loss.

    Why it breaks training:
        Each step lowers the loss by about lr * |g|^2 (SGD) or lr * |g|_1 (Adam-like). With
        a rate of 1e-5 and 15 full-batch steps, a loss of 156 can fall by about 4: training
        "freezes" although nothing is broken except the budget.

    Example:
        model.compile(optimizer=keras.optimizers.SGD(1e-5), loss="mse")
        for _ in range(15): model.fit(x, y, epochs=1, batch_size=len(x))

    Use instead:
        A rate near the stability limit (FD301 names it for SGD), an adaptive optimizer such
        as Adam(learning_rate=1e-3 .. 3e-2), or many more steps.

    Repair safety:
        changes-intent: the learning rate or the budget changes.
    """

    code = "FD302"
    needs = "a sample batch, the compiled loss, and a known number of steps"
    # Progress is predicted from the gradient at the start: anything that shrinks or misdirects
    # that gradient (a broken pipeline or wiring, dead or saturated units, vanishing gradients,
    # targets far larger than the outputs can reach in a few steps) makes every rate look too
    # low. When one of those is reported, it is the fix; the rate is judged again after it.
    explained_by = ("FD105", "FD201", "FD203", "FD204", "FD205", "FD206", "FD202", "FD207", "FD303",
                    "FD305", "FD103", "FD102")
    depends_on_budget = True

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        steps = program.budget.total_steps
        if steps is None:
            raise Unsupported("the number of optimizer steps is unknown (pass steps_per_epoch)")
        if steps == 0:
            return
        loss = context.initial_loss
        gradient = context.gradient
        if not np.isfinite(loss) or loss <= 0 or not np.any(gradient):
            return
        per_unit = context.descent_per_unit_rate
        if per_unit <= 0:
            return
        optimizer = program.optimizer
        rate = _mean_rate(optimizer, steps)
        predicted = per_unit * rate * steps
        share = predicted / loss
        if share >= WARNING_SHARE:
            return
        per_step = per_unit * rate
        severity = Severity.ERROR if share < ERROR_SHARE else Severity.WARNING
        # The rate at which the run would remove half the loss, to first order.
        needed = rate * 0.5 / max(share, 1e-300)
        rate_name = "learning rate" if optimizer.schedule is None else "mean scheduled learning rate"
        if optimizer.is_plain_sgd:
            ceiling = largest_stable_rate(context.spectrum.largest, optimizer.momentum,
                                          optimizer.nesterov) / 2 if context.spectrum.largest > 0 else needed
            needed = min(needed, ceiling)
        steps_needed = int(np.ceil(0.5 * loss / per_step)) if per_step > 0 else None
        budget = program.budget
        origin = (f" ({budget.predicted_repeats} fit() calls, counted from {budget.loop_source})"
                  if budget.predicted_repeats > 1 else "")
        yield Finding(
            self.code, severity,
            f"{steps} optimizer steps at {rate_name} {rate:g} are predicted to "
            f"remove {share:.1%} of the starting loss",
            f"At the starting point each step lowers the loss by about {per_step:.3g} (first order, "
            f"from the gradient and {optimizer.name}'s own update), so the {steps} steps of this "
            f"run{origin} can remove about {predicted:.3g} of the starting loss {loss:.4g}.",
            {"initial_loss": loss, "decrease_per_step": per_step, "steps": steps,
             "predicted_decrease": predicted, "predicted_share": share,
             "learning_rate": rate, "scheduled": optimizer.schedule is not None,
             "optimizer": optimizer.name,
             "gradient_norm": float(np.linalg.norm(gradient)),
             "steps_to_halve_loss": steps_needed, "samples": context.loss_probe.size},
            {"optimizer": optimizer.name},
            Fix(f"Raise the learning rate towards {needed:.2g}, or train for at least "
                f"{steps_needed} steps" if steps_needed else f"Raise the learning rate towards {needed:.2g}",
                f"keras.optimizers.{optimizer.name}(learning_rate={float(f'{needed:.2g}'):g})",
                "changes-intent"),
        )


def _mean_rate(optimizer, steps: int) -> float:
    """The learning rate averaged over the run's steps, following the schedule."""
    if optimizer.schedule is None:
        return optimizer.learning_rate
    grid = np.unique(np.linspace(0, steps - 1, min(steps, SCHEDULE_POINTS)).round().astype(int))
    return float(optimizer.rate_at(grid).mean())
