"""FD202 activation-loss-mismatch."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import effective_activation, output_layers
from fitdoctor.checks.targets import profile
from fitdoctor.findings import Finding, Fix, Severity

PROBABILITY_ACTIVATIONS = ("sigmoid", "softmax", "hard_sigmoid")


@register
class ActivationLossMismatch(Check):
    """
    What it detects:
        An output activation that does not fit the loss, judged by what the model actually
        predicts on a real batch as well as by its configuration: softmax over one unit;
        a cross-entropy that expects probabilities on an output that is not one; a
        probability output passed to a loss with `from_logits=True`; sigmoid units with
        (sparse) categorical cross-entropy, also written as a separate `Activation` layer after
        a linear `Dense` (measured: how far the rows of the predictions are from summing to 1);
        softmax over multi-label targets; MSE / MAE on a
        probability output for a classification target.

    Why it breaks training:
        Softmax over one unit outputs 1.0 for every input. Cross-entropy with
        `from_logits=False` clips predictions to [1e-7, 1 - 1e-7]: outside that range the
        gradient is zero. Treating probabilities as logits caps how confident the model can
        be. MSE on a saturating output has a vanishing gradient exactly where the model is
        most wrong, so a rare class is learned very slowly.

    Example:
        keras.layers.Dense(1, activation="softmax"); loss="binary_crossentropy"

    Use instead:
        keras.layers.Dense(1, activation="sigmoid"); loss="binary_crossentropy"
        or a linear output with keras.losses.BinaryCrossentropy(from_logits=True)

    Repair safety:
        changes-intent: the output layer or the loss changes.
    """

    code = "FD202"
    needs = "a forward pass on a sample batch, the compiled loss and targets"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        layers = output_layers(context.model, context.layer_records)
        for index, (y_pred, y_true) in enumerate(zip(context.predictions, context.targets)):
            if index >= len(layers):
                break
            loss = context.program.losses[min(index, len(context.program.losses) - 1)]
            activation, layer = effective_activation(layers[index], context.layer_records)
            targets = profile(y_true, loss)
            units = int(y_pred.shape[-1]) if y_pred.ndim > 1 else 1
            outside = float(np.mean((y_pred < 0) | (y_pred > 1)))
            evidence = {"activation": activation, "loss": loss.name, "from_logits": loss.from_logits,
                        "output_units": units, "samples": int(y_pred.shape[0])}
            location = {"layer": layer.name}
            finding = self._judge(activation, loss, targets.kind, units, outside, y_true, y_pred)
            if finding:
                severity, title, message, fix = finding
                yield Finding(self.code, severity, title, message,
                              {**evidence, "predictions_outside_0_1": outside}, location, fix)

    def _judge(self, activation, loss, target_kind, units, outside, y_true, y_pred):
        if activation == "softmax" and units == 1:
            return (Severity.ERROR, "Softmax over one output unit always predicts 1.0",
                    f"Softmax normalises across the last axis; over a single unit it returns 1.0 "
                    f"for every input (measured: predictions from {float(y_pred.min()):.4g} to "
                    f"{float(y_pred.max()):.4g}). The model cannot express anything.",
                    Fix("Use a sigmoid for one unit", "keras.layers.Dense(1, activation='sigmoid')",
                        "changes-intent"))
        if loss.expects_probabilities and activation not in PROBABILITY_ACTIVATIONS \
                and not _already_probabilities(activation, loss, units, outside, y_pred):
            return (Severity.ERROR,
                    f"{loss.name} expects probabilities, but the output is {activation}",
                    f"With from_logits=False the loss clips predictions to [1e-7, 1-1e-7]; "
                    f"{outside:.0%} of the outputs measured are outside [0, 1] already, and their "
                    f"gradient is zero. A {activation} output is unbounded.",
                    Fix("Tell the loss the outputs are logits",
                        f"loss=keras.losses.{_loss_class(loss)}(from_logits=True)", "changes-intent"))
        if loss.is_classification and loss.from_logits and activation in PROBABILITY_ACTIVATIONS:
            return (Severity.WARNING,
                    f"A {activation} output is passed to a loss with from_logits=True",
                    f"The loss applies its own {activation} to values already in [0, 1], so "
                    f"the model's confidence is capped and its gradients shrink.",
                    Fix("Drop the output activation, or set from_logits=False",
                        f"loss=keras.losses.{_loss_class(loss)}(from_logits=False)", "changes-intent"))
        if activation == "softmax" and target_kind == "multilabel":
            return (Severity.ERROR, "Softmax output for multi-label targets",
                    "Rows of the targets contain several 1s, but softmax outputs sum to 1: the "
                    "model cannot predict two labels at once.",
                    Fix("Use independent sigmoids with binary cross-entropy",
                        "keras.layers.Dense(n, activation='sigmoid'); loss='binary_crossentropy'",
                        "changes-intent"))
        if loss.family in ("cce", "sparse_cce") and activation in ("sigmoid", "hard_sigmoid") and units > 1:
            sums = np.asarray(y_pred, dtype=np.float64).reshape(-1, units).sum(axis=1)
            return (Severity.WARNING, f"{activation} outputs with {loss.name}",
                    "Categorical cross-entropy expects a distribution over classes; independent "
                    f"sigmoids do not sum to 1 (the rows of the predictions sum to {sums.min():.3g} "
                    f"to {sums.max():.3g}, {sums.mean():.3g} on average), so the loss renormalises "
                    "them and the outputs are not class probabilities. On TensorFlow the loss is "
                    "computed from the logits beneath the sigmoid as if they were softmax logits, "
                    "so the loss curve looks healthy while the predictions are not.",
                    Fix("Use softmax for mutually exclusive classes",
                        f"keras.layers.Dense({units}, activation='softmax')", "changes-intent"))
        if loss.family in ("mse", "mae") and activation in PROBABILITY_ACTIVATIONS \
                and target_kind in ("binary", "onehot"):
            return (Severity.WARNING,
                    f"{loss.name} on a {activation} output for a classification target",
                    f"The targets are class labels ({target_kind}), and {loss.name} on a "
                    f"saturating output has a vanishing gradient exactly where the prediction "
                    f"is most wrong, so rare classes are learned very slowly.",
                    Fix("Use cross-entropy for a classification target",
                        "loss='binary_crossentropy'" if target_kind == "binary"
                        else "loss='categorical_crossentropy'", "changes-intent"))
        return None


def _already_probabilities(activation, loss, units: int, outside: float, y_pred: np.ndarray) -> bool:
    """Outputs of a layer with no declared activation that are probabilities all the same (a
    softmax applied inside a Lambda or a custom layer): all in [0, 1], and summing to 1 over
    the classes for a categorical loss."""
    if activation != "linear" or outside > 0 or not y_pred.size:
        return False
    if loss.family == "bce":
        return True
    return units > 1 and bool(np.allclose(y_pred.sum(axis=-1), 1.0, atol=1e-3))


def _loss_class(loss) -> str:
    return {"bce": "BinaryCrossentropy", "cce": "CategoricalCrossentropy",
            "sparse_cce": "SparseCategoricalCrossentropy"}.get(loss.family, loss.name)
