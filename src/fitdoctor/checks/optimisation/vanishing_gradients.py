"""FD303 vanishing-gradients."""

from __future__ import annotations

from typing import Iterable

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.gradients import kernel_chain, layer_table

# Ratio of the RMS gradient per kernel parameter, first weighted layer / last weighted layer.
# AUTOTRAINER flags 1e-3 (with an absolute bound); we ask for a factor 10 more, because
# adaptive optimizers make up for part of a gradient gap, and depth for it to be a trend.
WARNING_RATIO = 1e-4
ERROR_RATIO = 1e-8
MIN_WEIGHTED_LAYERS = 4


@register
class VanishingGradients(Check):
    """
    What it detects:
        A loss gradient that shrinks by orders of magnitude from the output towards the input
        at the starting point: the root-mean-square gradient per kernel parameter of the
        first weighted layer is at most 1e-4 times that of the last, in a model with at least
        four weighted layers. Each layer's gradient norm is divided by the square root of its
        parameter count so that a wide first layer and a narrow output layer compare fairly
        (the per-parameter gradient is also what SageMaker's and AUTOTRAINER's rules bound);
        dividing by the weight norm instead would make zero-initialised layers infinite.
        Layers whose gradient is exactly zero are disconnected or dead (FD204, FD206).

    Why it breaks training:
        Backpropagation multiplies the gradient by each layer's Jacobian. Sigmoid derivatives
        are at most 0.25 and small weights shrink it further, so the gradient reaching the
        first layers is many orders of magnitude smaller than at the output: those layers
        barely move, and the network behaves like a shallow model on top of random features.
        SGD's steps in the first layers are too small to matter; adaptive optimizers rescale
        them but the direction is dominated by noise.

    Example:
        keras.Sequential([keras.Input((20,))] +
                         [keras.layers.Dense(64, activation="sigmoid") for _ in range(10)] +
                         [keras.layers.Dense(1)])

    Use instead:
        keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal")
        or keras.layers.BatchNormalization() between layers, or residual connections.

    Repair safety:
        changes-intent: the activation, initialisation or architecture changes.
    """

    code = "FD303"
    needs = "a sample batch with targets, the compiled loss and its gradient"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        groups = context.layer_gradients
        if any(not w.finite for g in groups for w in g.weights):
            return  # non-finite gradients are FD304's
        chain = kernel_chain(groups)
        if len(chain) < MIN_WEIGHTED_LAYERS:
            return
        first, last = chain[0], chain[-1]
        ratio = float(first.kernel_grad_rms / last.kernel_grad_rms)
        if ratio > WARNING_RATIO:
            return
        severity = Severity.ERROR if ratio <= ERROR_RATIO else Severity.WARNING
        table = layer_table(chain)
        samples = context.loss_probe.size
        yield Finding(
            self.code, severity,
            f"Gradients shrink {1 / ratio:.3g}-fold from the output layer '{last.name}' to the "
            f"first layer '{first.name}'",
            f"At the starting point the RMS loss gradient per parameter is {first.kernel_grad_rms:.3g} "
            f"in '{first.name}' and {last.kernel_grad_rms:.3g} in '{last.name}', a ratio of "
            f"{ratio:.3g} across {len(chain)} weighted layers (measured on {samples} samples). "
            f"The layers near the input get almost no gradient, so they keep their random "
            f"initial weights while the layers near the output learn.",
            {"ratio": ratio, "first_layer": first.name, "last_layer": last.name,
             "weighted_layers": len(chain), "layers": table, "samples": samples},
            {"layer": first.name},
            Fix("Use non-saturating activations with a matching initialisation, normalisation "
                "layers or residual connections",
                "keras.layers.Dense(units, activation='relu', kernel_initializer='he_normal')\n"
                "# or: keras.layers.BatchNormalization() after each Dense",
                "changes-intent"),
        )
