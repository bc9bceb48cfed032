"""FD201 loss-broadcast."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import output_layers
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.data import Batch
from fitdoctor.probes import backends
from fitdoctor.probes.loss import LossProbe, forward_losses, stateless_forward, stateless_loss
from fitdoctor.probes.train_step import TrainStepLoss, overrides_train_step

# Samples used to test whether one sample's target reaches another sample's loss gradient.
COUPLING_SAMPLES = 8
# The loss-interaction test: a batch of this many samples, in which samples 0 and 1 are each
# replaced by one of the next two (positions beyond stay fixed).
INTERACTION_BATCH = 6
REPLACEMENT_CANDIDATES = 64
# A per-sample loss makes the interaction exactly zero; float32 rounding of the four losses
# leaves a few units in 1e-7 of their size, a coupled loss (1/B^2 of a squared difference)
# several orders more.
INTERACTION_TOLERANCE = 1e-5
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
    small = LossProbe(probe.model, probe.batch.take(count), params=probe.params)
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


class SampleInteraction:
    """How much the loss of a batch depends jointly on two of its samples, measured with the
    whole training loss (a compiled loss, an overridden `compute_loss`, or losses added in the
    forward pass): L(a0, a1) - L(b0, a1) - L(a0, b1) + L(b0, b1), with samples 0 and 1 each
    replaced by another sample of the data. When each sample's loss depends only on that
    sample, this is zero whatever the model; when one sample's target meets another sample's
    prediction (a broadcasting loss), it is not."""

    def __init__(self, model: Any, sample: Batch,
                 loss_of: Callable[[Batch, list[Any] | None], float] | None = None,
                 trainable: list[np.ndarray] | None = None) -> None:
        import keras

        self.model = model
        self._loss_of = loss_of or (lambda batch, _: self._training_loss(batch))
        self._at = trainable
        self.count = min(INTERACTION_BATCH, sample.size)
        first, second = _replacements(sample.take(REPLACEMENT_CANDIDATES))
        self._variants = []
        for swap0, swap1 in ((False, False), (True, False), (False, True), (True, True)):
            index = np.arange(self.count)
            if swap0:
                index[0] = first
            if swap1:
                index[1] = second
            self._variants.append(sample.select(index))
        self._probe = LossProbe(model, self._variants[0], training=False)
        self._trainable = ([keras.ops.convert_to_tensor(w) for w in trainable] if trainable is not None
                           else [v.value for v in model.trainable_variables])
        self._non_trainable = [v.value for v in model.non_trainable_variables]
        self._metrics = [v.value for v in model.metrics_variables]
        self._convert = keras.ops.convert_to_numpy
        self._forward: dict[int, list[np.ndarray]] = {}

    def _training_loss(self, batch: Batch) -> float:
        return float(self._convert(stateless_loss(self.model, self._trainable, self._non_trainable,
                                                  self._metrics, self._probe.tensors(batch),
                                                  training=False)))

    @cached_property
    def losses(self) -> list[float]:
        return [self._loss_of(batch, self._at) for batch in self._variants]

    @property
    def value(self) -> float:
        same, first, second, both = self.losses
        return same - first - second + both

    @property
    def coupled(self) -> bool:
        scale = max(abs(v) for v in self.losses)
        return bool(np.isfinite(scale) and abs(self.value) > INTERACTION_TOLERANCE * max(scale, 1e-12))

    def _outputs(self, variant: int) -> list[np.ndarray]:
        import keras

        if variant not in self._forward:
            x = self._probe.tensors(self._variants[variant])[0]
            y_pred, _ = stateless_forward(self.model, self._trainable, self._non_trainable, x,
                                          training=False)
            self._forward[variant] = [np.asarray(self._convert(t)) for t in keras.tree.flatten(y_pred)]
        return self._forward[variant]

    @cached_property
    def output_shapes(self) -> list[tuple]:
        return [tuple(output.shape) for output in self._outputs(0)]

    @cached_property
    def forward_coupled(self) -> bool:
        """Whether replacing sample 1 changes sample 0's outputs: a model that mixes samples
        in its forward pass (FD205), whose loss then couples them too."""
        return any(not np.allclose(a[0], b[0], rtol=1e-5, atol=1e-7)
                   for a, b in zip(self._outputs(0), self._outputs(2)))


def _replacements(sample: Batch) -> tuple[int, int]:
    """Two other samples to put in the place of samples 0 and 1: ones whose targets (or, for
    a model that takes its targets as inputs, whose data) differ from theirs, so a coupling
    cannot hide behind equal labels."""
    leaves = sample.target_leaves() if sample.y is not None else sample.input_leaves()

    def differs(a: int, b: int) -> bool:
        return any(not np.array_equal(leaf[a], leaf[b]) for leaf in leaves)

    first = next((k for k in range(2, sample.size) if differs(k, 0)), 2)
    second = next((k for k in range(2, sample.size) if k != first and differs(k, 1)),
                  3 if first != 3 else 2)
    return first, second


def broadcasting_pairs(outputs: list[tuple], leaves: list[tuple]) -> list[tuple[tuple, tuple, tuple]]:
    """(output shape, data shape, broadcast shape) for every model output and data array
    (targets, or inputs that may carry them) that broadcast to a tensor with two batch axes."""
    pairs = []
    for pred in outputs:
        for leaf in leaves:
            shape = broadcast(with_batch(leaf), with_batch(pred))
            if shape is not None and shape.count(_BATCH) > 1:
                pairs.append((with_batch(pred), with_batch(leaf), shape))
    return pairs


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

        A loss computed outside Keras's loss wrapper (an overridden `compute_loss` or
        `train_step`, `add_loss` in a layer that receives the targets as an input) is measured
        as a whole (a `train_step` by the loss it reports, run without updates,
        probes/train_step.py): with samples
        0 and 1 of a 6-sample batch each replaced by another sample, the interaction
        L(a0,a1) - L(b0,a1) - L(a0,b1) + L(b0,b1) is zero for any per-sample loss. An error
        when it is not and an output broadcasts against a data array to two batch axes; `info`
        when no shape explains it (an in-batch loss may be meant).

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
    needs = "a sample batch and a loss: compiled, compute_loss, add_loss or train_step"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        model = context.model
        compiled = getattr(model, "_compile_loss", None) is not None
        reported: list[Finding] = []
        if compiled:
            reported = list(self._compiled(context, context.loss_probe))
            yield from reported
        if any(f.severity == Severity.ERROR for f in reported):
            return
        if overrides_train_step(model):
            yield from self._measured(context, _train_step_loss(model), "the model's own train_step")
        elif not compiled or _custom_loss(model, context.loss_probe):
            context.loss_probe  # a model that computes no loss is reported once, as unsupported
            yield from self._measured(context)

    def _measured(self, context: PreflightContext, loss_of: Callable[[Batch, Any], float] | None = None,
                  where: str = "an overridden compute_loss, add_loss") -> Iterable[Finding]:
        """A loss Keras's wrapper does not compute: `compute_loss` or `train_step`
        overridden, `add_loss`."""
        sample = context.sample
        if sample.size < 4:
            raise Unsupported(f"{sample.size} samples; the loss-interaction test needs 4")
        interaction = SampleInteraction(context.model, sample, loss_of)
        if not interaction.coupled and not interaction.forward_coupled:
            # Where every prediction is the same (a zero kernel), a broadcasting loss equals a
            # per-sample one; it shows as soon as the weights move, so look again nearby.
            interaction = SampleInteraction(context.model, sample, loss_of, _moved(context.model))
        if not interaction.coupled or interaction.forward_coupled:
            return
        outputs = interaction.output_shapes
        named = [(f"targets {symbolic(with_batch(leaf.shape))}", leaf.shape)
                 for leaf in sample.target_leaves()]
        named += [(f"input {_input_name(context.model, k)} {symbolic(with_batch(leaf.shape))}", leaf.shape)
                  for k, leaf in enumerate(sample.input_leaves())]
        pairs = [(name, pred, shape) for name, leaf_shape in named
                 for pred, _, shape in broadcasting_pairs(outputs, [leaf_shape])]
        evidence = {"interaction": round(interaction.value, 8),
                    "losses": [round(v, 6) for v in interaction.losses],
                    "samples": interaction.count,
                    "output_shapes": [symbolic(with_batch(o)) for o in outputs]}
        measured = (f"Measured on batches of {interaction.count} samples: replacing samples 0 and "
                    f"1 together changes the loss by {abs(interaction.value):.3g} more than "
                    f"replacing each alone predicts, so one sample's loss depends on another "
                    f"sample's data; the model's outputs for each sample do not.")
        if pairs:
            name, pred, shape = pairs[0]
            yield Finding(
                self.code, Severity.ERROR,
                f"The hand-written loss broadcasts predictions {symbolic(pred)} against "
                f"{name} to {symbolic(shape)}",
                f"{measured} A loss computed outside Keras's loss wrapper ({where}) gets no "
                f"shape reconciliation: an elementwise "
                f"difference of {symbolic(pred)} and {name.split(' (')[0]} makes a "
                f"{symbolic(shape)} tensor, every prediction is pulled towards every target "
                f"of its batch, and the best the model can do is predict the batch mean.",
                {**evidence, "broadcast_shape": symbolic(shape)},
                {},
                Fix("Give the targets the predictions' shape where the loss is computed",
                    "y_true = keras.ops.reshape(y_true, keras.ops.shape(y_pred))", "safe"),
            )
        else:
            # No shape explains it: an in-batch loss by design (contrastive, triplet) looks
            # the same, so this is said, not alarmed.
            yield Finding(
                self.code, Severity.INFO,
                "The loss of each sample depends on other samples of its batch",
                f"{measured} No data array broadcasts against an output, so this may be an "
                f"in-batch loss by design (contrastive, triplet); otherwise the loss mixes "
                f"samples and the model cannot learn a per-sample target.",
                evidence, {}, None,
            )

    def _compiled(self, context: PreflightContext, probe: LossProbe) -> Iterable[Finding]:
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


def _custom_loss(model: Any, probe: LossProbe) -> bool:
    """Whether training computes more than the compiled loss: an overridden `compute_loss`,
    or losses added in the forward pass beyond the weight regularizers'."""
    import keras

    if type(model).compute_loss is not keras.Model.compute_loss:
        return True
    forward = forward_losses(model, probe.tensors(probe.batch.take(2))[0])
    return len(forward) > len(model._get_regularization_losses())


def _moved(model: Any) -> list[np.ndarray]:
    """The trainable weights moved by a small random step (a tenth of each weight's typical
    size, at least 0.05), from a private generator."""
    import keras

    generator = np.random.default_rng(0)
    moved = []
    for variable in model.trainable_variables:
        value = np.asarray(keras.ops.convert_to_numpy(variable.value))
        if not np.issubdtype(value.dtype, np.floating):
            moved.append(value)
            continue
        size = max(float(np.sqrt(np.mean(np.square(value)))) if value.size else 0.0, 0.5)
        moved.append((value + 0.1 * size * generator.standard_normal(value.shape)).astype(value.dtype))
    return moved


def _train_step_loss(model: Any) -> Callable[[Batch, list[np.ndarray] | None], float]:
    """The loss the model's own train_step reports (at the model's weights, or at others); a
    step that cannot be run outside fit, or reports no single loss (a GAN's two), leaves FD201
    unsupported, not crashed."""
    probe = TrainStepLoss(model)

    def loss(batch: Batch, trainable: list[np.ndarray] | None = None) -> float:
        try:
            return probe.loss(batch, trainable)
        except Exception as error:  # noqa: BLE001 - the user's own code, run outside fit
            raise Unsupported(f"the model's train_step could not be measured ({type(error).__name__}: "
                              f"{str(error)[:200]})") from error

    return loss


def _input_name(model: Any, index: int) -> str:
    names = [getattr(t, "name", None) for t in getattr(model, "inputs", None) or []]
    return f"'{names[index]}'" if index < len(names) and names[index] else f"#{index}"


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
