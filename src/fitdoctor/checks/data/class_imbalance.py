"""FD104 class-imbalance."""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.targets import profile
from fitdoctor.findings import Finding, Fix, Severity

# The judgement is the loss a constant prediction of the class prior reaches, as a share of
# the loss of an uninformed prediction (the entropy of the rarest class against the rest,
# relative to log 2). Below these shares the constant is a deep, wide minimum.
ERROR_SHARE = 0.05  # e.g. 1 : 150 and rarer
WARNING_SHARE = 0.20  # e.g. 1 : 33 and rarer
# With many classes every class is a small share of the whole, so the rarest class is judged
# against the most frequent one instead.
MULTICLASS_WARNING_RATIO = 50.0


def binary_entropy(p: float) -> float:
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log(p) + (1 - p) * math.log(1 - p))


@register
class ClassImbalance(Check):
    """
    What it detects:
        A classification target whose rarest class is so rare that predicting the class prior
        for every input already reaches a low loss. Class counts come from all training
        targets when they are arrays, else from the batches sampled. Class or sample weights
        passed to fit are taken into account.

    Why it breaks training:
        With 1 positive in 512, predicting "never" costs binary cross-entropy 0.014 against
        0.69 for a coin flip (and MSE 0.002): the constant is a wide, deep minimum, the
        gradient from the rare class is swamped by the others, and the model learns to ignore
        it. Accuracy looks excellent while the rare class is never predicted.

    Example:
        y = np.zeros(512); y[137] = 1; model.fit(x, y)

    Use instead:
        model.fit(x, y, class_weight={0: 1.0, 1: 511.0})
        and initialise the output bias to log(p / (1 - p)).

    Repair safety:
        changes-intent: class weights change the objective the model optimises.
    """

    code = "FD104"
    needs = "classification targets"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        targets = program.data.full_targets
        if targets is None:
            return
        import keras

        leaves = keras.tree.flatten(targets)
        for index, y in enumerate(leaves):
            loss = program.losses[min(index, len(program.losses) - 1)]
            target = profile(np.asarray(y), loss)
            if not target.is_classification or not target.class_counts:
                continue
            counts = {c: n for c, n in target.class_counts.items() if n > 0}
            if len(counts) < 2:
                continue
            weights = program.class_weight or {}
            weighted = {c: n * float(weights.get(c, 1.0)) for c, n in counts.items()}
            total = sum(weighted.values())
            rarest = min(weighted, key=weighted.get)
            share = weighted[rarest] / total
            constant_share = binary_entropy(share) / math.log(2)
            binary = len(counts) == 2
            majority = max(counts, key=counts.get)
            ratio = counts[majority] / counts[rarest]
            weighted_ratio = weighted[majority] / weighted[rarest]
            if binary and constant_share >= WARNING_SHARE:
                continue
            if not binary and weighted_ratio < MULTICLASS_WARNING_RATIO:
                continue
            severity = Severity.ERROR if constant_share < ERROR_SHARE and binary else Severity.WARNING
            samples = int(sum(counts.values()))
            prior = counts[rarest] / samples
            balanced = {int(c): round(samples / (len(counts) * n), 3) for c, n in sorted(counts.items())}
            yield Finding(
                self.code, severity,
                f"Class {rarest} is {counts[rarest]} of {samples} samples (1 : {ratio:.0f})",
                f"Predicting the prior {prior:.3g} for every input already gives binary "
                f"cross-entropy {binary_entropy(prior):.3g} (MSE {prior * (1 - prior):.3g}), "
                f"{constant_share:.0%} of an uninformed prediction's loss: the constant is a "
                f"deep minimum and the rare class's gradient is swamped by the others'.",
                {"class_counts": {int(c): int(n) for c, n in sorted(counts.items())},
                 "rarest_class": int(rarest), "imbalance_ratio": ratio,
                 "constant_prediction_loss_share": constant_share,
                 "class_weight_applied": bool(weights), "samples": samples},
                {"output": index} if len(leaves) > 1 else {},
                Fix("Weight the classes so each contributes equally to the loss",
                    f"model.fit(..., class_weight={balanced})", "changes-intent"),
            )
