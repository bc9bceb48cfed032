"""FD201 loss-broadcast."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import output_layers
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes import backends
from fitdoctor.probes.loss import LossProbe, flatten

# Samples used to test whether one sample's target reaches another sample's loss gradient.
COUPLING_SAMPLES = 8
_BATCH = 9973  # a prime standing for the batch size while broadcasting shapes symbolically


def keras_reconciled(y_true: tuple, y_pred: tuple) -> tuple[tuple, tuple]:
    """The shapes after Keras's `squeeze_or_expand_to_same_rank(y_true, y_pred)`, which the
    loss wrapper applies before every built-in or function loss: ranks that differ by exactly
    one, where the longer shape ends in 1, are made equal; nothing else is."""
    t, p = tuple(y_true), tuple(y_pred)
    if len(p) == len(t) + 1 and p[-1] == 1:
        return (t + (1,), p) if len(t) == 1 else (t, p[:-1])
    if len(t) == len(p) + 1 and t[-1] == 1:
        return (t, p + (1,)) if len(p) == 1 else (t[:-1], p)
    return t, p


def symbolic(shape: tuple) -> str:
    dims = ["B" if d == _BATCH else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def with_batch(shape: tuple) -> tuple:
    return (_BATCH,) + tuple(shape[1:])


def broadcast(a: tuple, b: tuple) -> tuple | None:
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


def couples_samples(probe: LossProbe, output: int, ignored: int | None = None) -> tuple[bool, int]:
    """Whether changing sample 0's target changes the loss gradient of other samples'
    predictions: the mechanism of a broadcasting loss, whatever code computes it."""
    import keras

    count = min(COUPLING_SAMPLES, probe.size)
    if count < 2:
        return False, count
    small = LossProbe(probe.model, probe.batch.take(count))
    targets = [np.array(t) for t in keras.tree.flatten(small.batch.y)]
    predictions = [np.asarray(p) for p in keras.tree.flatten(small.predictions)]
    adapter = backends.current()

    def gradient(target_leaves: list[np.ndarray]) -> np.ndarray:
        y = keras.tree.pack_sequence_as(small.batch.y, target_leaves)
        _, grads = adapter.value_and_grad(small.loss_of_predictions(y), predictions)
        return np.asarray(grads[output], dtype=np.float64).reshape(count, -1)

    before = gradient(targets)
    changed = [t.copy() for t in targets]
    leaf = changed[output]
    if ignored is not None:
        # Keep sample 0's ignored positions as they are: the loss averages over the others, so
        # changing how many there are rescales every sample's gradient without coupling them.
        units = max(int(predictions[output].shape[-1]), 2)
        leaf[0] = np.where(leaf[0] == ignored, leaf[0], (leaf[0] + 1) % units)
    else:
        different = [k for k in range(1, count) if not np.array_equal(leaf[k], leaf[0])]
        leaf[0] = leaf[different[0]] if different else leaf[0] + 1
    after = gradient(changed)
    scale = max(float(np.abs(before).max()), float(np.abs(after).max()), 1e-30)
    return bool(np.abs(after[1:] - before[1:]).max() > 1e-6 * scale), count


@register
class LossBroadcast(Check):
    """
    What it detects:
        Predictions and targets whose shapes the loss broadcasts against each other, so the
        loss of each prediction is computed against the targets of other samples in its
        batch. Measured directly: changing one sample's target must not change the loss
        gradient of any other sample's prediction. Shapes that Keras's loss wrapper reconciles
        (ranks differing by one with a trailing 1) are reported as `info`, because a
        hand-written loss or training loop would broadcast them.

    Why it breaks training:
        With `y_pred` of shape (B, 1, 1, 1) and `y_true` of shape (B,), MSE computes a
        (B, 1, 1, B) tensor: every prediction is pulled towards the mean target of its batch.
        The best reachable loss is the targets' variance, no model can do better, and the
        model collapses to predicting the batch mean. No error is raised.

    Example:
        x = keras.layers.Conv2D(1, 3)(inputs)          # (B, 1, 1, 1)
        model.compile(loss="mse"); model.fit(x, y)     # y: (B,)

    Use instead:
        x = keras.layers.Flatten()(x)                  # (B, 1), reconciled with (B,)

    Repair safety:
        safe: reshaping the output to the targets' shape keeps the program's intent.
    """

    code = "FD201"
    needs = "a sample batch with targets and the compiled loss"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        probe = context.loss_probe
        predictions, targets = context.predictions, context.targets
        if len(predictions) != len(targets):
            raise Unsupported(f"{len(predictions)} outputs against {len(targets)} target arrays")
        layers = output_layers(context.model, context.layer_records)
        for index, (y_pred, y_true) in enumerate(zip(predictions, targets)):
            loss = context.program.losses[min(index, len(context.program.losses) - 1)]
            pred_shape, true_shape = with_batch(y_pred.shape), with_batch(y_true.shape)
            raw = broadcast(true_shape, pred_shape)
            reconciled = broadcast(*keras_reconciled(true_shape, pred_shape))
            location = {"layer": layers[index].name} if index < len(layers) else {}
            if len(layers) > 1:
                location["output"] = index
            evidence = {"y_pred_shape": list(y_pred.shape), "y_true_shape": list(y_true.shape),
                        "loss": loss.name}
            coupled, samples = couples_samples(probe, index, loss.ignore_class)
            if coupled:
                shown = symbolic(reconciled) if reconciled else "a larger tensor"
                yield Finding(
                    self.code, Severity.ERROR,
                    f"The loss broadcasts predictions {symbolic(pred_shape)} against targets "
                    f"{symbolic(true_shape)} to {shown}",
                    f"Keras's loss wrapper only reconciles shapes whose ranks differ by one, so "
                    f"{loss.name} compares every prediction with the target of every sample in "
                    f"its batch. Measured on {samples} samples: changing sample 0's target "
                    f"changes the loss gradient of the other samples' predictions. The best the "
                    f"model can reach is predicting the batch mean; it cannot learn the task.",
                    {**evidence, "broadcast_shape": shown, "samples": samples},
                    location,
                    _reshape_fix(y_pred.shape, y_true.shape),
                )
            elif raw != pred_shape and raw != true_shape and not loss.family == "sparse_cce" \
                    and len(pred_shape) != len(true_shape):
                yield Finding(
                    self.code, Severity.INFO,
                    f"Predictions {symbolic(pred_shape)} and targets {symbolic(true_shape)} differ "
                    f"in rank; compile(loss=...) reconciles them",
                    f"Keras's loss wrapper squeezes or expands the trailing axis, so this "
                    f"compiled loss is correct. A hand-written loss, add_loss or training loop "
                    f"would broadcast them to {symbolic(raw) if raw else 'an error'} and compare "
                    f"every prediction with every target.",
                    {**evidence, "samples": samples},
                    location,
                    _reshape_fix(y_pred.shape, y_true.shape, safety="advice"),
                )


def _reshape_fix(pred_shape: tuple, true_shape: tuple, safety: str = "safe") -> Fix:
    if len(pred_shape) > 2 and all(d == 1 for d in pred_shape[1:]):
        return Fix("Flatten the model output so it has the targets' shape",
                   "outputs = keras.layers.Flatten()(outputs)  # (B, 1)", safety)
    if len(pred_shape) == 1:
        return Fix("Return (batch, 1) from the last layer, matching the targets",
                   "return keras.ops.expand_dims(outputs, -1)", safety)
    target = "(-1, " + ", ".join(str(d) for d in pred_shape[1:]) + ")"
    return Fix("Give the targets the model output's shape",
               f"y = y.reshape{target}", safety)
