"""FD301 lr-too-high."""

from __future__ import annotations

import math
import weakref
from typing import Iterable

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.optimisation.stability import curvature_bound, largest_stable_rate
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.short_run import ShortRun, clone_optimizer

# A short run at the user's rate that removes this share of the starting loss is healthy.
GOOD_PROGRESS = 0.5
# A smaller rate that removes this much more of the starting loss in the same steps shows
# that the user's rate overshoots; a run that removes no more than STUCK_PROGRESS, or ends
# at STUCK_RATIO times the better rate's loss, is stuck (an error, not a slowdown).
BETTER_BY = 0.3
# The smaller rate must also be ahead over the last quarter of the steps both runs made, by
# this share of the starting loss: a momentum run's loss swings (measured: from 0.2 to 2.2 of
# a starting 1.0 within ten steps), so one evaluation at its last step can land on a peak.
AHEAD_BY = BETTER_BY / 2
STUCK_PROGRESS = 0.05
STUCK_RATIO = 2.0
# The range test starts a decade below the user's rate and steps down by sqrt(10).
RANGE_FACTOR = 10 ** 0.5
RANGE_TRIES = 6
# Each run's findings before training: judged again when it ends without measuring again.
_FOUND: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@register
class LearningRateTooHigh(Check):
    """
    What it detects:
        A learning rate beyond the stability limit set by the loss curvature at the starting
        point. The largest algebraic eigenvalue of the loss Hessian is computed by Lanczos
        iteration from Hessian-vector products (at most 24, on a bounded sample) and compared
        with the optimizer's bound: 2/lr for SGD, (2+2m)/lr with momentum m, and
        (2+2m)/((1+2m) lr) with Nesterov. The starting rate of a schedule is used. A rate
        above the bound is confirmed by a short run with the user's optimizer: a run that
        does not diverge has left the sharp region for a flatter one (the "catapult" phase
        of Lewkowycz et al., 2020) and is judged by its progress instead. A short run that
        diverges (for every optimizer) is repeated on the mini-batches in another order: a
        divergence seen only on one order is a rate at the edge, reported as a warning, and
        as info once training has ended if the run trained through it (the trained model's
        loss on the short runs' evaluation batch below half of where it started).
        Adaptive optimizers (Adam, RMSprop, Adagrad, ...) precondition the curvature with
        running gradient statistics, so no bound applies at step 0; for them a copy of the
        model is trained for up to 40 steps with a fresh copy of the user's optimizer
        (schedule, clipping and all) on mini-batches of the user's batch size from the
        sample, and a loss that becomes non-finite or ends above 3x where it started is
        divergence. A learning-rate range test then steps the rate down by sqrt(10) until
        the same short run stops diverging, and reports that measured rate.

    Why it breaks training:
        Along the direction of largest curvature h, a gradient step multiplies the error by
        (1 - lr h). Once lr h > 2 that factor exceeds 1 in magnitude: every step overshoots
        further than the last and the loss grows geometrically, without any error being
        raised, until it overflows to NaN.

    Example:
        x = np.arange(20); y = 2 * x          # curvature 2 mean(x^2) = 247
        model.compile(optimizer="sgd", loss="mse")   # lr 0.01 > 2 / 247

    Use instead:
        keras.optimizers.SGD(learning_rate=0.004)     # about 1 / curvature
        or scale the inputs, which divides the curvature.

    Repair safety:
        changes-intent: the learning rate changes.
    """

    code = "FD301"
    needs = "a sample batch and the compiled loss"
    # The curvature and the gradient a rate must suit grow with the scale of the inputs and
    # targets, with weights initialised too large and with exploding gradients: when one of
    # those is reported, its fix changes the stable rate, so it comes first.
    explained_by = ("FD101", "FD304", "FD305", "FD102", "FD103")
    judged_after_training = True

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        found = _FOUND.get(context)
        if found is None:
            if context.trained:
                return  # not judged before training (skipped, or yielding to a stronger cause)
            found = _FOUND[context] = list(self._predicted(context))
        if not context.trained:
            yield from found
            return
        for finding in found:
            edge = finding.evidence.get("diverges_in_another_order") is False
            yield _against_outcome(context, finding) if edge else finding

    def _predicted(self, context: PreflightContext) -> Iterable[Finding]:
        optimizer = context.program.optimizer
        if not optimizer.is_plain_sgd:
            yield from self._measured(context)
            return
        spectrum = context.spectrum
        bound = curvature_bound(optimizer.learning_rate, optimizer.momentum, optimizer.nesterov)
        if not spectrum.largest > bound:  # within the bound, or not finite (FD304's business)
            yield from self._measured(context)
            return
        user = context.user_short_run
        if not user.diverged and user.steps >= context.short_run_steps:
            # Above the bound at the start, yet the run does not diverge: the loss is thrown
            # out of the sharp region into a flatter one where this rate is stable (the
            # "catapult" phase, Lewkowycz et al. 2020). Judge the run by its progress.
            yield from self._measured(context)
            return
        again = _diverges_again(context, user)
        stable = largest_stable_rate(spectrum.largest, optimizer.momentum, optimizer.nesterov)
        suggested = float(f"{stable / 2:.2g}")
        momentum = (f" with {'Nesterov ' if optimizer.nesterov else ''}momentum {optimizer.momentum:g}"
                    if optimizer.momentum else "")
        yield Finding(
            self.code, Severity.ERROR if again is not False else Severity.WARNING,
            f"Learning rate {optimizer.learning_rate:g} is above the stable limit {stable:.3g} "
            f"for the loss curvature {spectrum.largest:.4g}",
            f"The largest curvature of the loss at the starting point is {spectrum.largest:.4g}; "
            f"SGD{momentum} is stable only while curvature < {bound:.4g} at this rate, i.e. for "
            f"learning rates below {stable:.3g}. Along that direction every step overshoots by a "
            f"factor {abs(1 - optimizer.learning_rate * spectrum.largest):.3g}, so the loss will "
            f"grow geometrically." + _order_note(again),
            {"largest_eigenvalue": spectrum.largest, "smallest_eigenvalue": spectrum.smallest,
             "learning_rate": optimizer.learning_rate, "momentum": optimizer.momentum,
             "nesterov": optimizer.nesterov, "curvature_bound": bound,
             "largest_stable_rate": stable, "hessian_vector_products": spectrum.products,
             "diverges_in_another_order": again, "samples": context.loss_probe.size},
            {"optimizer": optimizer.name},
            Fix(f"Use a learning rate below {stable:.3g} (about 1/curvature = {suggested:g} is fastest)",
                f"keras.optimizers.SGD(learning_rate={suggested:g}"
                + (f", momentum={optimizer.momentum:g}" if optimizer.momentum else "")
                + (", nesterov=True" if optimizer.nesterov else "") + ")",
                "changes-intent"),
        )

    def _measured(self, context: PreflightContext) -> Iterable[Finding]:
        """Divergence, or far less progress than a smaller rate makes, in short runs."""
        optimizer = context.program.optimizer
        user = context.user_short_run
        if not user.diverged and user.progress >= GOOD_PROGRESS:
            return
        tried = self._range_test(context, user)
        better = [(rate, run) for rate, run in tried
                  if not run.diverged and run.progress >= max(user.progress, 0.0) + BETTER_BY
                  and _ahead(run, user)]
        if not user.diverged and not better:
            return
        best = max(better, key=lambda item: item[1].progress) if better else None
        again = _diverges_again(context, user) if user.diverged else None
        if user.diverged:
            ending = ("became non-finite" if not math.isfinite(user.final)
                      else f"rose from {user.initial:.4g} to {user.final:.4g}")
            title = (f"{optimizer.name} at learning rate {optimizer.learning_rate:g} diverges: the "
                     f"loss {ending} within {user.steps} steps")
            severity = Severity.ERROR if again is not False else Severity.WARNING
        else:
            title = (f"{optimizer.name} at learning rate {optimizer.learning_rate:g} stalls at "
                     f"{user.final:.4g} while rate {best[0]:.2g} reaches {best[1].final:.4g} "
                     f"in the same {user.steps} steps")
            stuck = user.progress <= STUCK_PROGRESS or user.final >= STUCK_RATIO * best[1].final
            severity = Severity.ERROR if stuck else Severity.WARNING
        evidence = {
            "learning_rate": optimizer.learning_rate, "optimizer": optimizer.name,
            "initial_loss": user.initial, "final_loss": _finite(user.final), "steps": user.steps,
            "range_test": [{"learning_rate": rate, "final_loss": _finite(run.final), "steps": run.steps}
                           for rate, run in tried],
            "diverges_in_another_order": again, "samples": context.loss_probe.size,
        }
        if best is not None:
            rate, verified = best
            evidence["best_rate_measured"] = rate
            fix = Fix(f"Use learning_rate={rate:.2g}: the same {verified.steps} steps then lower the "
                      f"loss from {verified.initial:.4g} to {verified.final:.4g}",
                      f"keras.optimizers.{optimizer.name}(learning_rate={float(f'{rate:.2g}'):g})",
                      "changes-intent")
        else:
            fix = Fix("Lower the learning rate, clip gradients, and check the inputs' scale (FD102)",
                      f"keras.optimizers.{optimizer.name}(learning_rate={optimizer.learning_rate / 100:.2g}, "
                      f"clipnorm=1.0)", "changes-intent")
        yield Finding(
            self.code, severity, title,
            f"A copy of the model trained with the same optimizer settings on mini-batches of the "
            f"training data went from loss {user.initial:.4g} to "
            f"{'a non-finite value' if not math.isfinite(user.final) else f'{user.final:.4g}'} in "
            f"{user.steps} steps: the steps overshoot the curvature of the loss"
            + (f". A range test of smaller rates found {best[0]:.2g} to make the most progress "
               f"({best[1].final:.4g})." if best else
               ", and no smaller rate tried did better (look for other causes).") + _order_note(again),
            evidence,
            {"optimizer": optimizer.name},
            fix,
        )

    def _range_test(self, context: PreflightContext, user: ShortRun) -> list[tuple[float, ShortRun]]:
        """Short runs at rates stepped down by sqrt(10) from a tenth of the user's, while
        they keep improving."""
        tried: list[tuple[float, ShortRun]] = []
        rate = context.program.optimizer.learning_rate / 10
        for _ in range(RANGE_TRIES):
            run = context.short_run(clone_optimizer(context.model.optimizer, learning_rate=rate))
            tried.append((rate, run))
            previous = tried[-2][1] if len(tried) > 1 else user
            if len(tried) > 1 and (run.diverged or run.progress <= previous.progress):
                break
            if len(tried) == 1 and not user.diverged and run.progress < user.progress + BETTER_BY:
                break
            rate /= RANGE_FACTOR
        return tried


def _against_outcome(context: PreflightContext, finding: Finding) -> Finding:
    """A rate at the edge of stability set against what the run itself did: a trained model
    whose loss on the short runs' evaluation batch removed GOOD_PROGRESS of where it started
    trained through the edge, and the finding becomes info."""
    from dataclasses import replace

    start = finding.evidence.get("initial_loss", context.user_short_run.initial)
    trained = context.trained_evaluation_loss
    if not (math.isfinite(trained) and math.isfinite(start)) or trained > (1 - GOOD_PROGRESS) * start:
        return finding
    return replace(finding, severity=Severity.INFO, detected_at="end of training",
                   evidence={**finding.evidence, "trained_loss": trained, "evaluation_initial_loss": start},
                   message=f"{finding.message} The run trained through it: the trained model's loss "
                           f"on the same samples is {trained:.4g}, from {start:.4g}.")


def _diverges_again(context: PreflightContext, user: ShortRun) -> bool | None:
    """Whether a divergence of the user's short run is seen again with the same optimizer on
    the sampled mini-batches in another order (None when that run cannot be made): a rate at
    the edge of stability diverges on one order of batches and is thrown into a flatter
    region on another, and an error must predict that training fails."""
    steps = context.short_run_steps
    try:
        again = context.short_run(clone_optimizer(context.model.optimizer), steps=steps, order=1)
    except Unsupported:
        return None
    if again.diverged:
        return True
    return None if again.steps < steps else False  # a run its clock cut short cannot tell


def _order_note(again: bool | None) -> str:
    if again is None:
        return ""
    if again:
        return " The same optimizer diverges again on the mini-batches drawn in another order."
    return (" On the same mini-batches drawn in another order it did not diverge: this rate is at "
            "the edge of stability, where the order of the batches decides.")


def _ahead(run: ShortRun, user: ShortRun) -> bool:
    """Whether `run` is ahead of the user's run over the last steps both made (their
    mini-batches come in the same order), not only at its final evaluation."""
    steps = min(run.steps, user.steps)
    theirs = user.recent_loss(steps)
    if not math.isfinite(theirs):
        return True
    return theirs - run.recent_loss(steps) >= AHEAD_BY * user.initial


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
