"""FD304 exploding-gradients."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.optimisation.gradient_cliff import cliff_findings
from fitdoctor.checks.optimisation.unsafe_loss import unsafe_loss_findings
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.gradients import kernel_chain, layer_table

# Ratio of the RMS gradient per kernel parameter, first weighted layer / last weighted layer.
WARNING_RATIO = 1e3
ERROR_RATIO = 1e8
# Activations beyond this overflow float32 (max 3.4e38) once squared or multiplied together.
OVERFLOWING = 1e18
# Growth through depth needs depth: in a two-layer model a gap says more about the inputs.
MIN_WEIGHTED_LAYERS = 3


def _largest(structure: Any) -> float:
    import keras

    sizes = [float(np.abs(np.asarray(leaf, dtype=np.float64)).max())
             for leaf in keras.tree.flatten(structure) if np.asarray(leaf).size
             and np.issubdtype(np.asarray(leaf).dtype, np.number)]
    return max(sizes, default=0.0)


def _finite(structure: Any) -> bool:
    import keras

    for leaf in keras.tree.flatten(structure) if structure is not None else []:
        values = np.asarray(leaf)
        if np.issubdtype(values.dtype, np.number) and not np.isfinite(values).all():
            return False
    return True


@register
class ExplodingGradients(Check):
    """
    What it detects:
        Loss gradients at the starting point that are not finite (error), or that grow by
        orders of magnitude from the output towards the input: the root-mean-square gradient
        per kernel parameter of the first weighted layer is at least 1000 times that of the
        last, in a model with at least three weighted layers. Non-finite values that come
        from the data (FD101) or from a loss that is undefined on finite predictions (e.g.
        the log of a negative output, FD401) are not reported here; an overflow inside the
        model's forward pass is, because its cause is the same growth.

        Second measurement (unsafe_loss.py): a loss that is finite now but not finite at
        outputs the output activation produces in float32 once the model is confident: the
        compiled loss and its gradient with respect to the predictions, evaluated on the
        sample with the outputs set to a sigmoid's or softmax's exact 0.0 / 1.0, a tanh's
        +-1, a relu's 0 (every output pushed to a saturating side; each output equal to its
        target where the target is that limit; each confidently opposite its target). A
        hand-written loss with an unclipped log(y_pred), (1 - y_pred) ** gamma with
        gamma < 1, sqrt or a division by y_pred is reported (warning while the current
        predictions are finite, error when they already sit within float rounding of such a
        value). Keras's built-in losses clip and stay silent.

        Third measurement (gradient_cliff.py): in the short run of a copy of the model with
        the user's own optimizer (the one FD301 judges), a step whose gradient norm is >= 10x
        the median of the steps before it while its batch loss grows by at most the square root
        of that (2x at least): a
        cliff in the loss surface (Pascanu et al., 2013), not a rate that is merely too high
        (where the loss grows with the gradient). Reported when the run then diverged, or the
        spike is >= 30x; optimizers that clip gradients are exempt.

    Why it breaks training:
        Backpropagation multiplies the gradient by each layer's Jacobian; with large weights
        (or tanh units in their chaotic regime) each factor exceeds 1 and the product grows
        geometrically with depth. The first update then throws the input-side layers far
        away (SGD), or the gradient overflows to Inf / NaN and the weights become NaN after
        the first step, after which the model predicts NaN.

        An unclipped loss works while the outputs are moderate; but a float32 sigmoid returns
        exactly 1.0 for inputs above about 17, and log(1 - 1.0) = -inf, 0 * log(0) = NaN:
        the first batch with one saturated output makes the gradient NaN and every weight
        NaN ("the loss becomes NaN after a few epochs").

    Example:
        init = keras.initializers.RandomNormal(stddev=3.0)
        [keras.layers.Dense(64, activation="tanh", kernel_initializer=init) for _ in range(10)]

        def bce(y_true, y_pred):                             # on a sigmoid output
            return -ops.mean(y_true * ops.log(y_pred) + (1 - y_true) * ops.log(1 - y_pred))

    Use instead:
        keras.layers.Dense(64, activation="tanh")           # Glorot initialisation
        and keras.optimizers.Adam(clipnorm=1.0) against occasional spikes.

        y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)            # first line of a custom loss
        or keras.losses.BinaryCrossentropy(), or a linear output with from_logits=True.

    Repair safety:
        changes-intent: the initialisation, architecture or optimizer changes.
        safe: clipping the predictions inside the loss keeps its value wherever it was finite.
    """

    code = "FD304"
    needs = "a sample batch with targets, the compiled loss and its gradient"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        growth = list(self._growth(context))
        yield from growth
        if any(f.evidence.get("nonfinite_variables") for f in growth):
            return  # already non-finite at the starting point: one finding says so
        # Second measurement (unsafe_loss.py): a loss that is not finite at outputs the
        # output activation can reach, e.g. an unclipped log of a saturated sigmoid.
        unsafe = []
        try:
            unsafe = list(unsafe_loss_findings(self.code, context))
        except Unsupported:
            pass  # the gradient measurement above ran; nothing more to analyse here
        yield from unsafe
        if not growth and not unsafe:
            # Third measurement (gradient_cliff.py): a gradient spike while the loss was
            # ordinary, in the short run with the user's optimizer.
            yield from cliff_findings(self.code, context)

    def _growth(self, context: PreflightContext) -> Iterable[Finding]:
        """Gradients that are not finite, or grow by orders of magnitude, at the start."""
        groups = context.layer_gradients
        samples = context.loss_probe.size
        broken = [g for g in groups if any(not w.finite for w in g.weights)]
        if broken:
            finding = self._nonfinite(context, groups, broken, samples)
            if finding:
                yield finding
            return
        chain = kernel_chain(groups)
        if len(chain) < MIN_WEIGHTED_LAYERS:
            return
        first, last = chain[0], chain[-1]
        ratio = float(first.kernel_grad_rms / last.kernel_grad_rms)
        if ratio < WARNING_RATIO:
            return
        severity = Severity.ERROR if ratio >= ERROR_RATIO else Severity.WARNING
        yield Finding(
            self.code, severity,
            f"Gradients grow {ratio:.3g}-fold from the output layer '{last.name}' to the first "
            f"layer '{first.name}'",
            f"At the starting point the RMS loss gradient per parameter is {first.kernel_grad_rms:.3g} "
            f"in '{first.name}' and {last.kernel_grad_rms:.3g} in '{last.name}', a ratio of "
            f"{ratio:.3g} across {len(chain)} weighted layers (measured on {samples} samples). "
            f"A step size that suits the output layer throws the input-side layers far away.",
            {"ratio": ratio, "first_layer": first.name, "last_layer": last.name,
             "weighted_layers": len(chain), "layers": layer_table(chain), "samples": samples},
            {"layer": first.name},
            _fix(),
        )

    def _nonfinite(self, context: PreflightContext, groups: list, broken: list,
                   samples: int) -> Finding | None:
        sample = context.loss_probe.batch
        if not (_finite(sample.x) and _finite(sample.y) and _finite(sample.sample_weight)):
            return None  # the data itself (FD101)
        loss = context.initial_loss
        overflow = next((r.layer.name for r in context.layer_records
                         if not _finite(r.output) or _largest(r.output) > OVERFLOWING), None)
        if not np.isfinite(loss) and overflow is None:
            return None  # a loss undefined on moderate predictions, not a growth
        bad = [w.path for g in broken for w in g.weights if not w.finite]
        where = f", and the output of layer '{overflow}' already reaches the float32 overflow " \
            f"range (|value| > {OVERFLOWING:.0e}) in the forward pass" if overflow else ""
        return Finding(
            self.code, Severity.ERROR,
            f"The loss gradient is not finite at the starting point ({len(bad)} of "
            f"{sum(len(g.weights) for g in groups)} weights)",
            f"On {samples} samples of finite data the initial loss is {loss:.4g}{where}; "
            f"the gradient of {', '.join(bad[:8])}{' and more' if len(bad) > 8 else ''} "
            f"contains Inf or NaN. The first optimizer step will write NaN into the weights.",
            {"initial_loss": loss, "nonfinite_variables": bad, "overflowing_layer": overflow,
             "layers": layer_table([g for g in groups if g.has_kernel]), "samples": samples},
            {"layer": overflow or broken[0].name},
            _fix(),
        )


def _fix() -> Fix:
    return Fix("Initialise with a variance-preserving scheme (Glorot / He), scale the inputs, "
               "and clip gradients against the remaining spikes",
               "keras.layers.Dense(units, activation='relu', kernel_initializer='he_normal')\n"
               "optimizer = keras.optimizers.Adam(clipnorm=1.0)",
               "changes-intent")
