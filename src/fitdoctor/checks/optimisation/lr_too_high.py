"""FD301 lr-too-high."""

from __future__ import annotations

from typing import Iterable

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.optimisation.stability import curvature_bound, largest_stable_rate
from fitdoctor.findings import Finding, Fix, Severity


@register
class LearningRateTooHigh(Check):
    """
    What it detects:
        A learning rate beyond the stability limit set by the loss curvature at the starting
        point. The largest algebraic eigenvalue of the loss Hessian is computed by Lanczos
        iteration from Hessian-vector products (at most 24, on a bounded sample) and compared
        with the optimizer's bound: 2/lr for SGD, (2+2m)/lr with momentum m, and
        (2+2m)/((1+2m) lr) with Nesterov. The starting rate of a schedule is used.

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
    needs = "plain SGD (with or without momentum), a sample batch and the compiled loss"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        optimizer = context.program.optimizer
        if not optimizer.is_plain_sgd:
            raise Unsupported(f"the curvature bound for {optimizer.name} is not implemented yet")
        spectrum = context.spectrum
        bound = curvature_bound(optimizer.learning_rate, optimizer.momentum, optimizer.nesterov)
        if spectrum.largest <= bound:
            return
        stable = largest_stable_rate(spectrum.largest, optimizer.momentum, optimizer.nesterov)
        suggested = float(f"{stable / 2:.2g}")
        momentum = (f" with {'Nesterov ' if optimizer.nesterov else ''}momentum {optimizer.momentum:g}"
                    if optimizer.momentum else "")
        yield Finding(
            self.code, Severity.ERROR,
            f"Learning rate {optimizer.learning_rate:g} is above the stable limit {stable:.3g} "
            f"for the loss curvature {spectrum.largest:.4g}",
            f"The largest curvature of the loss at the starting point is {spectrum.largest:.4g}; "
            f"SGD{momentum} is stable only while curvature < {bound:.4g} at this rate, i.e. for "
            f"learning rates below {stable:.3g}. Along that direction every step overshoots by a "
            f"factor {abs(1 - optimizer.learning_rate * spectrum.largest):.3g}, so the loss will "
            f"grow geometrically.",
            {"largest_eigenvalue": spectrum.largest, "smallest_eigenvalue": spectrum.smallest,
             "learning_rate": optimizer.learning_rate, "momentum": optimizer.momentum,
             "nesterov": optimizer.nesterov, "curvature_bound": bound,
             "largest_stable_rate": stable, "hessian_vector_products": spectrum.products,
             "samples": context.loss_probe.size},
            {"optimizer": optimizer.name},
            Fix(f"Use a learning rate below {stable:.3g} (about 1/curvature = {suggested:g} is fastest)",
                f"keras.optimizers.SGD(learning_rate={suggested:g}"
                + (f", momentum={optimizer.momentum:g}" if optimizer.momentum else "")
                + (", nesterov=True" if optimizer.nesterov else "") + ")",
                "changes-intent"),
        )
