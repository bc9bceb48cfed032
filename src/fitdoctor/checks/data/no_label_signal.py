"""FD107 no-label-signal."""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PROBE_SAMPLES, PreflightContext
from fitdoctor.checks.target_values import training_targets
from fitdoctor.data import Batch
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.short_run import ShortRun

# Fewer samples than this cannot tell learning from chance in a short run.
MIN_SAMPLES = 256
# Steps of the probe; the longer run only when the shorter one cannot tell.
PROBE_STEPS = (40, 200)
# The probe's own optimizer: Adam at Keras's default rate trains almost any model somewhat
# in a few dozen steps, whatever rate the user chose; and mini-batches of at least
# PROBE_BATCH samples, whatever batch size the user chose (a run of single samples learns
# little that carries over in 200 steps, and sees each sample too seldom to memorise it).
PROBE_RATE = 1e-3
PROBE_BATCH = 32
# The real targets must be learned faster than shuffled ones by at least this share, both of
# the starting loss removed and of where the held-out loss ended; a short run of a model that
# learns from its inputs easily clears both. Each alone moves by chance: the two runs start
# apart (a random model's predictions against two pairings of one set of targets), and a run
# that starts higher removes more just by calibrating to the targets' average (misaligned
# 4-class data: "removed" 3% more while ending 5% above the shuffled run; on JAX, ended 2.4%
# below while removing 0.8% less).
SIGNAL_GAP = 0.02
# ...and the real run must not have removed this share of its starting loss either: a loss
# that falls this far learns the targets' distribution at least, and a signal in a rare class
# (2% positives, class-weighted) can take longer than the probe to show on held-out samples.
LEARNED = 0.3
# A run fits its own mini-batches this much better than the held-out half (a share of the
# held-out loss) once it memorises pairs; a model still on its starting plateau fits neither.
# Both are measured after the run in inference mode: the mini-batch losses during training
# carry dropout's noise (misaligned data, a 64-unit layer with Dropout(0.5), on PyTorch: the
# mini-batches 1.9% above the held-out loss during training, 5.6% below it after).
MEMORISED = 0.03


@register
class NoLabelSignal(Check):
    """
    What it detects:
        Targets that the inputs do not predict as given: every training target identical
        (for a built-in loss), or targets the model learns no faster than the same targets
        shuffled. For the second, a copy of the model is trained with Adam(1e-3) on
        mini-batches of one half of the sample, once with the real targets and once with the
        targets permuted across samples, and judged on the other half (so memorising the
        pairs does not count); when after 40 steps, and again after 200, the real run does
        not both remove 2% more of its starting loss and end 2% lower than the shuffled one
        (and removes less than 30% of its start), the pairing of inputs and targets carries
        nothing the model can use. Only once the model is seen
        to learn at all: misaligned pairs are memorised, so the loss on the run's own
        mini-batches falls below the held-out loss, while a model on an initial plateau (a
        small tanh network on XOR) fits neither, only the targets' average, for hundreds of
        steps, which says nothing about the targets. When neither run ends with a loss on
        its own mini-batches 3% below its held-out loss (both in inference mode, without
        dropout), nothing is reported. A model too slow to make those steps within the
        probe's time budget is not judged. Skipped when a stronger cause (a loss
        that broadcasts, dead units, a learning rate, ...) is already reported, since those
        make any probe fail.

    Why it breaks training:
        x and y shuffled separately, a generator that yields labels from a different index
        than its inputs, rows dropped from x but not from y: the loss falls to what
        predicting the average target gives and stays there, or the model memorises the
        training pairs while validation stays at chance. Nothing in the model is wrong.

    Example:
        np.random.shuffle(x); np.random.shuffle(y)     # two different permutations
        model.fit(x, y)

    Use instead:
        perm = np.random.permutation(len(x))
        x, y = x[perm], y[perm]                        # one permutation for both

    Repair safety:
        advice: the right pairing is in the user's data pipeline.
    """

    code = "FD107"
    needs = "a sample of at least 256 samples with targets and the compiled loss"
    # Not to FD302: the probe trains with its own rate, so a budget too small for the user's
    # run leaves it measurable, and targets that carry no signal make every budget look small.
    yields_to = ("FD101", "FD104", "FD105", "FD106", "FD201", "FD202", "FD203", "FD204", "FD205",
                 "FD206", "FD207", "FD301", "FD303", "FD304", "FD305")

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        if context.sample.y is None:
            raise Unsupported("the data has no separate targets (the model computes its loss itself)")
        targets = training_targets(context)
        for index, y in enumerate(targets.leaves):
            loss = program.losses[min(index, len(program.losses) - 1)]
            if loss.family == "other" or len(y) < 2 or not np.issubdtype(y.dtype, np.number):
                continue
            if np.array_equal(np.broadcast_to(y[:1], y.shape), y):
                yield self._constant(y, index, len(targets.leaves), targets.source)
                return
        yield from self._shuffle_test(context)

    def _constant(self, y: np.ndarray, index: int, outputs: int, source: str) -> Finding:
        value = y[0].tolist() if y[0].size <= 10 else f"an array of shape {y[0].shape}"
        return Finding(
            self.code, Severity.ERROR,
            f"Every target{f' of output {index}' if outputs > 1 else ''} is {value}",
            f"All {len(y)} targets ({source}) are identical: the model can reach the lowest loss "
            f"by ignoring its inputs and predicting that constant, so it learns nothing.",
            {"target_value": value, "samples": int(len(y))},
            {"output": index} if outputs > 1 else {},
            Fix("Check how the targets are built: a label column overwritten, the wrong column, "
                "or a filter that kept one class", None, "advice"),
        )

    def _shuffle_test(self, context: PreflightContext) -> Iterable[Finding]:
        import keras

        sample = context.sample.take(PROBE_SAMPLES)
        if sample.size < MIN_SAMPLES:
            raise Unsupported(f"{sample.size} samples are too few to compare with shuffled targets")
        order = np.random.default_rng(0).permutation(sample.size)
        learn, judge = sample.select(order[: sample.size // 2]), sample.select(order[sample.size // 2:])
        permuted = np.random.default_rng(1).permutation(sample.size)

        def shuffle(batch: Batch) -> Batch:
            index = permuted[permuted < batch.size]
            return Batch(batch.x, keras.tree.map_structure(lambda a: np.asarray(a)[index], batch.y),
                         batch.sample_weight)

        def make():
            return keras.optimizers.Adam(PROBE_RATE)

        for steps in PROBE_STEPS:
            last = steps == PROBE_STEPS[-1]  # the runs memorisation is judged on
            real = context.short_run(make, learn, judge, steps, least_batch_size=PROBE_BATCH, fitted=last)
            control = context.short_run(make, shuffle(learn), shuffle(judge), steps,
                                        least_batch_size=PROBE_BATCH, fitted=last)
            if not (_usable(real, steps) and _usable(control, steps)) or real.initial == control.initial:
                return  # a loss that ignores its targets, or too slow a model to judge in time
            if _ahead(real, control) or real.progress >= LEARNED:
                return
        if max(_memorised(real), _memorised(control)) < MEMORISED:
            return  # neither run has left its starting plateau, even on its own batches
        yield Finding(
            self.code, Severity.WARNING,
            f"The targets are learned no faster than the same targets shuffled "
            f"(held-out loss {real.final:.4g} vs {control.final:.4g} shuffled after {real.steps} steps)",
            f"A copy of the model trained with Adam({PROBE_RATE:g}) for {real.steps} steps lowered the "
            f"loss from {real.initial:.4g} to {real.final:.4g} on the real targets, and from "
            f"{control.initial:.4g} to {control.final:.4g} on the targets permuted across samples, "
            f"while on its own mini-batches it reached {real.fitted:.4g}: it memorised pairs but "
            f"learned nothing that carries over. Nothing about which target goes with which input helped: the inputs and targets "
            f"look misaligned (shuffled separately, or read from different indices).",
            {"real_initial_loss": real.initial, "real_final_loss": real.final,
             "shuffled_initial_loss": control.initial, "shuffled_final_loss": control.final,
             "real_progress": real.progress, "shuffled_progress": control.progress,
             "real_training_batch_loss": real.fitted,
             "steps": real.steps, "samples": sample.size},
            {},
            Fix("Shuffle inputs and targets with one permutation, and check that every filter "
                "or reordering is applied to both",
                "perm = np.random.permutation(len(x))\nx, y = x[perm], y[perm]", "advice"),
        )


def _ahead(real: ShortRun, control: ShortRun) -> bool:
    """Whether the real run learned faster than the shuffled one, by the share of its
    starting loss it removed and by where its held-out loss ended (see SIGNAL_GAP)."""
    return real.progress - control.progress >= SIGNAL_GAP \
        and real.final <= control.final - SIGNAL_GAP * abs(control.final)


def _memorised(run: ShortRun) -> float:
    """How much better a run fits its own mini-batches than the held-out half at its end,
    as a share of the held-out loss."""
    return 1.0 - run.fitted / run.final if run.final > 0 and math.isfinite(run.fitted) else 0.0


def _usable(run: ShortRun, steps: int) -> bool:
    """A run that made all its steps (a model too slow for the time budget is not judged:
    too few steps cannot tell slow learning from none) and ended finite."""
    return run.steps == steps and math.isfinite(run.final) and run.initial > 0
