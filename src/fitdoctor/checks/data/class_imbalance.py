"""FD104 class-imbalance."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.target_values import class_loss_weights, training_targets
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
# Among many classes a rare one costs the loss little whether it is learned or not, so that
# is measured once training has ended: a warning when the trained model predicts the class
# for fewer than this share of its own training samples.
LEARNED_RECALL = 0.5
# Rare-class training samples the trained model is asked about.
OUTCOME_SAMPLES = 256


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
        targets when they are arrays, else from the batches sampled. Class and sample weights
        passed to fit are taken into account (a class weighs what its entries' sample weights
        sum to, per sample or per element as for a segmentation mask). With two classes the judgement is made before
        training: the constant is then the loss's minimum for every input. Among more classes
        a rare one hardly moves the loss either way, and a well-separated class is learned
        from a few samples, so the warning waits for the outcome: when training has ended,
        the trained model is asked about the rare class's own training samples (inputs given
        as arrays), and only if it predicts the class for fewer than half of them is it a
        warning; before that, or when it learned them, the observation is `info`.

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
    judged_after_training = True

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        if program.data.full_targets is None:
            return
        targets = training_targets(context)
        leaves = targets.leaves
        for index, y in enumerate(leaves):
            loss = program.losses[min(index, len(program.losses) - 1)]
            target = profile(np.asarray(y), loss)
            if not target.is_classification or not target.class_counts:
                continue
            counts = {c: n for c, n in target.class_counts.items() if n > 0}
            if len(counts) < 2:
                continue
            sample_weight = targets.sample_weights[index]
            weights = program.class_weight or {}
            weighted = class_loss_weights(replace(target, class_counts=counts), y, sample_weight, weights)
            if min(weighted.values()) <= 0:
                continue  # a class the weights leave out of the loss is not learned by design
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
            samples = int(sum(counts.values()))
            prior = counts[rarest] / samples
            balanced = {int(c): round(samples / (len(counts) * n), 3) for c, n in sorted(counts.items())}
            outcome = {} if binary else _rare_class_outcome(context, np.asarray(y), target.kind, index, rarest)
            recall = outcome.get("rare_class_recall_after_training")
            if binary:
                severity = Severity.ERROR if constant_share < ERROR_SHARE else Severity.WARNING
                consequence = "the constant is a deep minimum and the rare class's gradient is swamped by the others'."
            elif recall is not None:
                severity = Severity.WARNING if recall < LEARNED_RECALL else Severity.INFO
                consequence = (f"after training, the model predicts class {rarest} for "
                               f"{outcome['rare_class_predicted']} of {outcome['rare_class_asked']} of its own "
                               f"training samples (mean probability {outcome['rare_class_mean_probability']:.3g})"
                               + ("; its gradient was swamped by the others'." if severity == Severity.WARNING
                                  else ": it was learned all the same."))
            else:
                severity = Severity.INFO
                consequence = ("among many classes a rare one changes the loss little; whether the model "
                               "learns it is judged when training ends.")
            yield Finding(
                self.code, severity,
                f"Class {rarest} is {counts[rarest]} of {samples} samples (1 : {ratio:.0f})",
                f"Predicting the prior {prior:.3g} for every input already gives binary "
                f"cross-entropy {binary_entropy(prior):.3g} (MSE {prior * (1 - prior):.3g}), "
                f"{constant_share:.0%} of an uninformed prediction's loss: {consequence}",
                {"class_counts": {int(c): int(n) for c, n in sorted(counts.items())},
                 "rarest_class": int(rarest), "imbalance_ratio": ratio,
                 "constant_prediction_loss_share": constant_share,
                 "class_weight_applied": bool(weights), "sample_weight_applied": sample_weight is not None,
                 "samples": samples, **outcome},
                {"output": index} if len(leaves) > 1 else {},
                Fix("Weight the classes so each contributes equally to the loss",
                    f"model.fit(..., class_weight={balanced})", "changes-intent"),
                detected_at="end of training" if outcome else "preflight",
            )


def _rare_class_outcome(context: PreflightContext, y: np.ndarray, kind: str, output: int,
                        rarest: int) -> dict:
    """What the trained model predicts for up to OUTCOME_SAMPLES of the rare class's training
    samples: empty before training, or when the inputs are not arrays or a sample's target
    is not one class (segmentation)."""
    import keras

    from fitdoctor.probes.loss import predict_now

    x = context.program.data.fit_x
    if not context.trained or x is None or len(y) == 0:
        return {}
    if kind == "sparse" and y.size == len(y):
        classes = y.reshape(-1).astype(np.int64)
    elif kind == "onehot" and y.ndim == 2:
        classes = y.argmax(axis=1)
    else:
        return {}
    rows = np.flatnonzero(classes == rarest)[:OUTCOME_SAMPLES]
    if not len(rows):
        return {}
    inputs = keras.tree.map_structure(lambda a: np.asarray(a)[rows], x)
    predicted = predict_now(context.model, inputs)[output].reshape(len(rows), -1)
    if predicted.shape[1] <= rarest:
        return {}
    if predicted.min() < 0 or not np.allclose(predicted.sum(axis=1), 1.0, atol=1e-3):  # logits
        predicted = np.exp(predicted - predicted.max(axis=1, keepdims=True))
        predicted = predicted / predicted.sum(axis=1, keepdims=True)
    hits = int(np.sum(predicted.argmax(axis=1) == rarest))
    return {"rare_class_asked": int(len(rows)), "rare_class_predicted": hits,
            "rare_class_recall_after_training": hits / len(rows),
            "rare_class_mean_probability": float(predicted[:, rarest].mean())}
