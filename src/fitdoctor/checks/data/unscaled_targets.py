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


@register
class UnscaledTargets(Check):
    """
    What it detects:
        Regression targets far from unit scale (root-mean-square above 10) that are also at
        least ten times larger than what the freshly initialised model predicts, so the output
        layer has to grow its weights by that factor before the loss says anything useful.

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

    def run(self, context: PreflightContext) -> Iterable[Finding]:
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
            ratio = target_rms / max(output_rms, 1e-12)
            if target_rms <= WARNING_RMS or ratio <= WARNING_RATIO:
                continue
            yield Finding(
                self.code, Severity.WARNING,
                f"Targets have scale {target_rms:.3g}, {ratio:.3g} times what the model "
                f"outputs at the start",
                f"The targets' root-mean-square is {target_rms:.4g} (mean {y.mean():.4g}, std "
                f"{y.std():.4g}) while the initialised model outputs {output_rms:.3g}. The output "
                f"layer must grow {ratio:.3g}-fold before fitting anything, and the loss "
                f"gradients scale with the targets.",
                {"target_rms": target_rms, "target_mean": float(y.mean()), "target_std": float(y.std()),
                 "output_rms": output_rms, "ratio": ratio, "samples": int(len(y))},
                {"output": index},
                Fix("Standardise the targets and undo it on the predictions",
                    f"y_scaled = (y - {y.mean():.4g}) / {y.std():.4g}\n"
                    f"prediction = model.predict(x) * {y.std():.4g} + {y.mean():.4g}",
                    "changes-intent"),
            )
