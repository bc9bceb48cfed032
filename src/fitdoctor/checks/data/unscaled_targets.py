"""FD103 unscaled-targets."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.targets import profile
from fitdoctor.findings import Finding, Fix, Severity

# Targets this far (RMS) from zero, and this many times larger than what the freshly
# initialised model outputs, leave the output layer a long way to grow.
WARNING_RMS = 10.0
WARNING_RATIO = 10.0
# Once training has ended: a model that explains this share of the targets' variance on the
# training sample has learned the relation in spite of their scale.
FITTED_R2 = 0.5


@register
class UnscaledTargets(Check):
    """
    What it detects:
        Regression targets far from unit scale (root-mean-square above 10) that are also at
        least ten times larger than what the freshly initialised model predicts, so the output
        layer has to grow its weights by that factor before the loss says anything useful.
        Judged again when training has ended: if the trained model explains at least half
        of the targets' variance on the training sample (R^2 >= 0.5), the scale cost this
        run nothing that matters and the finding becomes `info`.

    Why it breaks training:
        The loss and its gradients scale with the square of the targets: a learning rate
        that suits unit-scale targets overshoots, one that is stable moves the output too
        slowly, and most early training is spent growing the output scale instead of
        learning the relation. Adaptive optimizers take steps of size ~lr, so a target of
        1e5 needs ~1e5/lr steps just to reach its scale.

    Example:
        model.fit(x, prices)                      # prices ~ 250,000

    Use instead:
        mean, std = prices.mean(), prices.std()
        model.fit(x, (prices - mean) / std)       # predict: model(x) * std + mean

    Repair safety:
        changes-intent: predictions must be mapped back to the original scale.
    """

    code = "FD103"
    needs = "regression targets and a forward pass"
    judged_after_training = True

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        for index, y, target_rms, output_rms in _unscaled(context):
            ratio = target_rms / max(output_rms, 1e-12)
            fitted = _explained_variance(context, index) if context.trained else None
            outcome = "" if fitted is None else (
                f" After training its predictions reach R^2 = {fitted:.3g} on the training "
                f"sample" + (": it learned the relation in spite of the scale."
                                      if fitted >= FITTED_R2 else ", so the scale held it back."))
            yield Finding(
                self.code, Severity.INFO if fitted is not None and fitted >= FITTED_R2 else Severity.WARNING,
                f"Targets have scale {target_rms:.3g}, {ratio:.3g} times what the model "
                f"outputs at the start",
                f"The targets' root-mean-square is {target_rms:.4g} (mean {y.mean():.4g}, std "
                f"{y.std():.4g}) while the initialised model outputs {output_rms:.3g}. The output "
                f"layer must grow {ratio:.3g}-fold before fitting anything, and the loss "
                f"gradients scale with the targets.{outcome}",
                {"target_rms": target_rms, "target_mean": float(y.mean()), "target_std": float(y.std()),
                 "output_rms": output_rms, "ratio": ratio, "samples": int(len(y)),
                 **({} if fitted is None else {"explained_variance_after_training": fitted})},
                {"output": index},
                Fix("Standardise the targets and undo it on the predictions",
                    f"y_scaled = (y - {y.mean():.4g}) / {y.std():.4g}\n"
                    f"prediction = model.predict(x) * {y.std():.4g} + {y.mean():.4g}",
                    "changes-intent"),
                detected_at="preflight" if fitted is None else "end of training",
            )


def unscaled_outputs(context: PreflightContext) -> list[int]:
    """The outputs whose targets are far from unit scale and from what the model outputs at
    the start (what FD103 reports before training)."""
    return [index for index, *_ in _unscaled(context)]


def _unscaled(context: PreflightContext) -> Iterable[tuple[int, np.ndarray, float, float]]:
    """(output, its finite targets, their RMS, the initial predictions' RMS) per unscaled output."""
    for index, (y_true, y_pred) in enumerate(zip(context.targets, context.predictions)):
        loss = context.program.losses[min(index, len(context.program.losses) - 1)]
        if profile(y_true, loss).is_classification:
            continue
        y = np.asarray(y_true, dtype=np.float64)
        y = y[np.isfinite(y)]  # non-finite targets are FD101's business
        prediction = np.asarray(y_pred, dtype=np.float64)
        prediction = prediction[np.isfinite(prediction)]
        if not y.size or not prediction.size:
            continue
        target_rms = float(np.sqrt(np.mean(y ** 2)))
        output_rms = float(np.sqrt(np.mean(prediction ** 2)))
        if target_rms > WARNING_RMS and target_rms / max(output_rms, 1e-12) > WARNING_RATIO:
            yield index, y, target_rms, output_rms


def _explained_variance(context: PreflightContext, output: int) -> float | None:
    """R^2 of the trained model's predictions for one output on the training sample."""
    from fitdoctor.probes.loss import predict_now

    y = np.asarray(context.sample.target_leaves()[output], dtype=np.float64)
    predicted = predict_now(context.model, context.sample.x)[output].astype(np.float64)
    if predicted.size != y.size:
        return None
    y, predicted = y.reshape(-1), predicted.reshape(-1)
    finite = np.isfinite(y)
    variance = float(np.var(y[finite]))
    if variance <= 0:
        return None
    residual = float(np.mean((y[finite] - predicted[finite]) ** 2))
    return 1.0 - residual / variance if np.isfinite(residual) else -np.inf
