"""FD302 lr-too-low."""

from __future__ import annotations

import weakref
from dataclasses import replace
from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import SHORT_RUN_STEPS, PreflightContext
from fitdoctor.checks.data.unscaled_targets import unscaled_outputs
from fitdoctor.checks.optimisation.stability import largest_stable_rate
from fitdoctor.checks.target_values import training_targets
from fitdoctor.data import Batch
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.loss import LossProbe
from fitdoctor.probes.short_run import ShortRun, clone_optimizer

# Shares of the starting loss that the whole budget is predicted to remove, to first order.
# First-order extrapolation over-estimates progress on a convex stretch, so a prediction
# this low is already optimistic.
ERROR_SHARE = 0.05
WARNING_SHARE = 0.2
# A schedule is summed from its rates at this many evenly spread steps (warm-up included).
SCHEDULE_POINTS = 200
# The measured judgement: the budget is replayed by a short run, then by runs that cover
# RANGE_FACTOR times as much training each, while they keep improving.
RANGE_FACTOR = 10 ** 0.5
RANGE_TRIES = 6
# A longer run counts as better when it lowers the loss by this share of the starting loss
# more than the budget does (a few dozen mini-batch steps are noisy by a few percent).
BETTER_BY = 0.1
# The budget is too small when its loss stays this many times above the best loss the longer
# runs reached, and above it by this share of the starting loss (so that a budget reaching a
# low loss is never judged); an error when it buys under this share of the reachable decrease.
TOO_FAR_RATIO = 2.0
LEFT_UNDONE = 0.25
MEASURED_ERROR_SHARE = 0.1
# "Enough" training reaches this share of the reachable decrease.
ENOUGH_SHARE = 0.9
# Unscaled targets (FD103) explain a short budget when, with the targets standardised, the
# same budget removes at least this share of the decrease that more training reaches.
SCALE_EXPLAINS_SHARE = 0.5
# A budget longer than a short run that the first-order prediction says removes this many
# times the starting loss is not replayed (a few seconds saved on most healthy runs); first
# order over-estimates on a curved loss, and most for Adam-like updates of many weights, so a
# budget of a short run's steps or fewer (cheap to replay) is always replayed.
SCREEN_SHARE = 50.0
# The judgement of each (steps, rate) per run: a budget judged again when the run ends is not
# replayed again.
_JUDGED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@register
class LearningRateTooLow(Check):
    """
    What it detects:
        A learning rate, or a number of optimizer steps, far too small for the loss to go
        where the model can take it in the budget given, for every optimizer. Two measurements:

        - First order: the loss decrease per step is predicted from the gradient at the start
          and the update the user's own optimizer makes (measured on a copy), summed over
          every step of the run, following the learning-rate schedule (warm-up included) and
          counting repeated `fit()` calls as one run. Reported when the whole run is predicted
          to remove under 20% of the starting loss (first order is optimistic).
        - Measured: when first order promises more, the budget is replayed on a copy with the
          user's optimizer (exactly, when it is a short run's few dozen steps or fewer; as
          that many steps at a rate raised so that rate x steps is the budget's, otherwise),
          and then at sqrt(10), 10, ... times the replay's rate, covering that many times its
          training, while they keep improving. Reported when the budget's loss stays at
          least twice the best loss those runs reach and a quarter of the starting loss
          above it (fit() without `epochs`, a batch larger than the dataset, Adam at 1e-4,
          RMSprop on a linear unit far from its slope).

        Targets far from unit scale (FD103) make every budget look short; the budget is then
        replayed with those targets standardised, and only if it still falls as short is the
        finding its own cause rather than the scale's consequence.

        Judged again when training has ended, against the loss the trained model reaches on
        the same samples: a run that came as close to the reachable loss as a budget must
        (measured), or removed half the starting loss (first order), had enough, and the
        finding becomes `info`.

        Evidence for a repair: `steps_needed` (optimizer steps at the user's rate that reach
        90% of the reachable decrease, or half the loss to first order) and
        `suggested_learning_rate` (the rate that does it in the budget's steps); `steps`,
        `learning_rate` and `optimizer` are the run's; measured findings add `budget_loss`,
        `reachable_loss` and `range_test` (each run's `training_factor` and `final_loss`).

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
    # low, and so do targets that carry no signal about the inputs (FD107: the loss is already
    # at its floor). When one of those is reported, it is the fix; the rate is judged again after it.
    explained_by = ("FD105", "FD107", "FD201", "FD203", "FD204", "FD205", "FD206", "FD202", "FD207",
                    "FD303", "FD305", "FD103", "FD102")
    depends_on_budget = True
    judged_after_training = True

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        for finding in self._predicted(context):
            yield self._against_outcome(context, finding) if context.trained else finding

    def _predicted(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        steps = program.budget.total_steps
        if steps is None:
            raise Unsupported("the number of optimizer steps is unknown (pass steps_per_epoch)")
        if steps == 0 or _constant_targets(context):
            return
        loss = context.initial_loss
        if not np.isfinite(loss) or loss <= 0 or not context.gradient_norm > 0:
            return
        per_unit = context.descent_per_unit_rate
        if per_unit <= 0:
            return
        rate = _mean_rate(program.optimizer, steps)
        share = per_unit * rate * steps / loss
        judged = _JUDGED.setdefault(context, {})
        if (steps, rate) not in judged:
            if share < WARNING_SHARE:
                found = [self._first_order(context, steps, rate, per_unit)]
            elif share < SCREEN_SHARE or steps <= context.short_run_steps:
                found = list(self._measured(context, steps, rate))
            else:
                found = []
            judged[(steps, rate)] = [self._against_scaled_targets(context, f, steps, rate) for f in found]
        yield from judged[(steps, rate)]

    def _against_scaled_targets(self, context: PreflightContext, finding: Finding, steps: int,
                                rate: float) -> Finding:
        """Targets far from unit scale (FD103) make every budget look short, and then they are
        the fix; unless the same budget, replayed with the targets standardised, still removes
        less than SCALE_EXPLAINS_SHARE of the decrease that more training reaches: then the
        budget is a cause of its own (fit() without `epochs` on prices in thousands)."""
        outputs = unscaled_outputs(context)
        if not outputs:
            return finding
        try:
            replayed = self._replayed(context, steps, rate, _standardised(context.sample, outputs))
        except Unsupported:
            return finding
        if replayed is None:
            return finding  # more training does no better with scaled targets: the scale explains it
        budget_run, longer = replayed
        start, bought = budget_run.initial, budget_run.final
        reachable = min(run.final for _, run in longer)
        evidence = {**finding.evidence, "standardised_targets": {
            "initial_loss": start, "budget_loss": bought, "reachable_loss": reachable}}
        if start - bought >= SCALE_EXPLAINS_SHARE * (start - reachable):
            return replace(finding, evidence=evidence)
        return replace(
            finding, evidence=evidence, independent_of=("FD103",),
            message=f"{finding.message} With the targets standardised, the same budget still takes "
                    f"the loss only from {start:.3g} to {bought:.3g} where more training reaches "
                    f"{reachable:.3g}: the budget falls short whatever the targets' scale.")

    @staticmethod
    def _against_outcome(context: PreflightContext, finding: Finding) -> Finding:
        """The prediction set against what the run itself reached: the trained model's loss on
        the batch the prediction was judged on. A run that got as close to the reachable loss
        as the budget would have had to (measured), or removed half the starting loss (first
        order, whose `steps_needed` is for half), had enough: the finding becomes info."""
        evidence = finding.evidence
        start = evidence["initial_loss"]
        if "reachable_loss" in evidence:
            reachable = evidence["reachable_loss"]
            trained = context.trained_evaluation_loss
            enough = _near_reachable(trained, reachable, start)
        else:
            trained = LossProbe(context.model, context.loss_probe.batch).value_alone()
            enough = trained <= 0.5 * start
        if not np.isfinite(trained):
            return finding
        verdict = ("it had enough training after all." if enough else
                   "the budget fell short as predicted.")
        return replace(
            finding, severity=Severity.INFO if enough else finding.severity,
            message=f"{finding.message} The trained model's loss on the same samples is {trained:.4g}: {verdict}",
            evidence={**evidence, "trained_loss": trained}, detected_at="end of training")

    def _first_order(self, context: PreflightContext, steps: int, rate: float, per_unit: float) -> Finding:
        """The whole budget removes little of the loss even to first order (optimistic)."""
        program = context.program
        optimizer = program.optimizer
        loss = context.initial_loss
        per_step = per_unit * rate
        predicted = per_step * steps
        share = predicted / loss
        severity = Severity.ERROR if share < ERROR_SHARE else Severity.WARNING
        # The rate at which the run would remove half the loss, to first order.
        needed = rate * 0.5 / max(share, 1e-300)
        if optimizer.is_plain_sgd:
            ceiling = largest_stable_rate(context.spectrum.largest, optimizer.momentum,
                                          optimizer.nesterov) / 2 if context.spectrum.largest > 0 else needed
            needed = min(needed, ceiling)
        steps_needed = int(np.ceil(0.5 * loss / per_step))
        budget = program.budget
        origin = (f" ({budget.predicted_repeats} fit() calls, counted from {budget.loop_source})"
                  if budget.predicted_repeats > 1 else "")
        return Finding(
            self.code, severity,
            f"{steps} optimizer steps at {_rate_name(optimizer)} {rate:g} are predicted to "
            f"remove {share:.1%} of the starting loss",
            f"At the starting point each step lowers the loss by about {per_step:.3g} (first order, "
            f"from the gradient and {optimizer.name}'s own update), so the {steps} steps of this "
            f"run{origin} can remove about {predicted:.3g} of the starting loss {loss:.4g}.",
            {"initial_loss": loss, "decrease_per_step": per_step, "steps": steps,
             "predicted_decrease": predicted, "predicted_share": share,
             "learning_rate": rate, "scheduled": optimizer.schedule is not None,
             "optimizer": optimizer.name,
             "gradient_norm": context.gradient_norm,
             "steps_needed": steps_needed, "suggested_learning_rate": float(f"{needed:.2g}"),
             "samples": context.loss_probe.size},
            {"optimizer": optimizer.name},
            _fix(optimizer.name, needed, steps_needed, steps),
        )

    def _measured(self, context: PreflightContext, steps: int, rate: float) -> Iterable[Finding]:
        """What the budget buys against what more training reaches, both measured."""
        optimizer = context.program.optimizer
        short = context.short_run_steps
        scale = steps / short
        replayed = self._replayed(context, steps, rate)
        if replayed is None:
            return
        budget_run, longer = replayed
        start, bought = budget_run.initial, budget_run.final
        reachable = min(run.final for _, run in longer)
        share = (start - bought) / (start - reachable)
        if _near_reachable(bought, reachable, start):
            return
        enough = next(factor for factor, run in longer
                      if start - run.final >= ENOUGH_SHARE * (start - reachable))
        steps_needed = int(np.ceil(enough * steps))
        suggested = rate * enough
        severity = Severity.ERROR if share < MEASURED_ERROR_SHARE else Severity.WARNING
        replay = ("the whole budget" if scale == 1 else
                  f"the budget replayed as {short} steps at {scale:.3g}x the rate (the same rate x steps)")
        yield Finding(
            self.code, severity,
            f"{steps} optimizer steps at {_rate_name(optimizer)} {rate:g} bring the loss from "
            f"{start:.4g} only to {bought:.4g}; more training reaches {reachable:.4g}",
            f"A copy of the model trained with {optimizer.name} for {replay} removed "
            f"{share:.0%} of the decrease that runs covering up to "
            f"{longer[-1][0]:.3g}x as much training reached. About {steps_needed} steps at this "
            f"rate, or learning rate {suggested:.2g} over the same {steps} steps, reach "
            f"{ENOUGH_SHARE:.0%} of it.",
            {"initial_loss": start, "budget_loss": bought, "reachable_loss": reachable,
             "share_of_reachable": share, "steps": steps, "learning_rate": rate,
             "scheduled": optimizer.schedule is not None, "optimizer": optimizer.name,
             "replay_rate_factor": scale, "replay_steps": short,
             "steps_needed": steps_needed, "suggested_learning_rate": float(f"{suggested:.2g}"),
             "range_test": [{"training_factor": factor, "final_loss": run.final} for factor, run in longer],
             "samples": context.loss_probe.size},
            {"optimizer": optimizer.name},
            _fix(optimizer.name, suggested, steps_needed, steps),
        )

    def _replayed(self, context: PreflightContext, steps: int, rate: float,
                  sample: Batch | None = None) -> tuple[ShortRun, list[tuple[float, ShortRun]]] | None:
        """The budget replayed on a copy (on `sample`, default the training sample), and the
        longer runs that did better than it; None when they cannot be judged (an unstable
        rate is FD301's, a run cut short by time replays too little) or none did better."""
        short = context.short_run_steps
        # A budget longer than a short run is replayed with the same product of rate and
        # steps: for small steps, training follows the same path whatever their number.
        scale = steps / short
        if scale == 1 and sample is None:
            budget_run = context.user_short_run
            if budget_run.steps < short:  # cut by its clock: replay the budget whole
                budget_run = context.short_run(clone_optimizer(context.model.optimizer), steps=short)
        else:
            budget_run = context.short_run(clone_optimizer(context.model.optimizer, learning_rate=rate * scale),
                                           sample=sample, steps=short)
        if budget_run.diverged or budget_run.steps < short:
            return None
        longer = self._longer_runs(context, rate, steps, budget_run, sample)
        if not longer or longer[0][1].final > budget_run.final - BETTER_BY * budget_run.initial:
            return None
        return budget_run, longer

    @staticmethod
    def _longer_runs(context: PreflightContext, rate: float, steps: int, budget_run: ShortRun,
                     sample: Batch | None = None) -> list[tuple[float, ShortRun]]:
        """Runs covering RANGE_FACTOR, RANGE_FACTOR^2, ... times the budget's training (rate x
        steps): more of the user's steps while a short run allows them, then a raised rate,
        while each does better than the last (the first, by BETTER_BY of the starting loss)."""
        runs: list[tuple[float, ShortRun]] = []
        best = budget_run.final
        for power in range(1, RANGE_TRIES + 1):
            factor = RANGE_FACTOR ** power
            length = min(SHORT_RUN_STEPS, int(np.ceil(steps * factor)))
            run = context.short_run(clone_optimizer(context.model.optimizer,
                                                    learning_rate=rate * factor * steps / length),
                                    sample=sample, steps=length)
            if run.diverged or run.steps < length or run.final >= best:
                break
            runs.append((factor, run))
            if power == 1 and best - run.final < BETTER_BY * budget_run.initial:
                break  # no better than the budget: nothing more to measure
            best = run.final
        return runs


def _near_reachable(loss: float, reachable: float, start: float) -> bool:
    """A loss within TOO_FAR_RATIO of the reachable one, or within LEFT_UNDONE of the starting
    loss above it: a budget that gets there is enough."""
    return loss < TOO_FAR_RATIO * reachable or loss - reachable < LEFT_UNDONE * start


def _rate_name(optimizer) -> str:
    return "learning rate" if optimizer.schedule is None else "mean scheduled learning rate"


def _fix(optimizer_name: str, rate: float, steps_needed: int, steps: int) -> Fix:
    return Fix(f"Train for at least {steps_needed} steps (now {steps}), or raise the learning "
               f"rate towards {rate:.2g}",
               f"keras.optimizers.{optimizer_name}(learning_rate={float(f'{rate:.2g}'):g})",
               "changes-intent")


def _mean_rate(optimizer, steps: int) -> float:
    """The learning rate averaged over the run's steps, following the schedule."""
    if optimizer.schedule is None:
        return optimizer.learning_rate
    grid = np.unique(np.linspace(0, steps - 1, min(steps, SCHEDULE_POINTS)).round().astype(int))
    return float(optimizer.rate_at(grid).mean())


def _standardised(sample: Batch, outputs: list[int]) -> Batch:
    """`sample` with the targets of `outputs` (flattened positions) at zero mean and unit
    standard deviation."""
    import keras

    leaves = sample.target_leaves()
    for index in outputs:
        y = np.asarray(leaves[index], dtype=np.float64)
        finite = y[np.isfinite(y)]
        std = float(finite.std()) if finite.size else 0.0
        if std > 0:
            dtype = np.asarray(leaves[index]).dtype
            leaves[index] = ((y - finite.mean()) / std).astype(dtype if np.issubdtype(dtype, np.floating)
                                                                else np.float32)
    return Batch(sample.x, keras.tree.pack_sequence_as(sample.y, leaves), sample.sample_weight)


def _constant_targets(context: PreflightContext) -> bool:
    """Every target the same: more training only learns to predict that constant, which says
    nothing about the budget (FD107 reports the targets)."""
    if context.sample.y is None:
        return False
    leaves = training_targets(context).leaves
    return bool(leaves) and all(len(y) > 1 and np.array_equal(np.broadcast_to(y[:1], y.shape), y)
                                for y in leaves)
