"""FD305 bad-initialisation."""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.data.class_imbalance import binary_entropy
from fitdoctor.checks.model_graph import output_layers
from fitdoctor.checks.optimisation.symmetric_initialisation import symmetric_layers
from fitdoctor.checks.target_values import class_loss_weights, training_targets
from fitdoctor.checks.targets import profile
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.loss import stateless_forward

# Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking logs.
EPSILON = 1e-7
# Cross-entropy: too high above both WARNING_FACTOR x and WARNING_EXCESS nats above what
# uninformative outputs give (log C, log 2), or above ERROR_FACTOR x or ERROR_EXCESS nats
# above it (the true class then gets e^-8 = 1/3000 of a uniform guess's probability, in the
# geometric mean over samples: the logits are saturated). The excess in nats keeps
# many classes judgeable: probabilities clipped at 1e-7 cap the loss at 16.1 nats, less
# than 3 x log(1000).
WARNING_FACTOR = 3.0
WARNING_EXCESS = 2.0
ERROR_FACTOR = 10.0
ERROR_EXCESS = 8.0
# Squared error: outputs this many times larger (RMS) than the targets.
MSE_WARNING_RATIO = 10.0
# Float inputs above this RMS (FD102's threshold) are rescaled to see whether they, rather
# than the weights, make the start bad.
UNSCALED_INPUT_RMS = 10.0
# Class prior: a rare class below this share, and a mean initial prediction more than
# PRIOR_LOGIT_GAP nats (in logit) away from it.
RARE_PRIOR = 0.1
PRIOR_LOGIT_GAP = 1.0
PRIOR_WARNING_FACTOR = 3.0


def _log_probabilities(pred: np.ndarray, from_logits: bool) -> np.ndarray:
    if from_logits:
        z = pred - pred.max(axis=-1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    total = pred.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(total > 0, pred / total, 1.0 / pred.shape[-1])
    return np.log(np.clip(p, EPSILON, 1 - EPSILON))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _binary_probabilities(pred: np.ndarray, from_logits: bool) -> np.ndarray:
    return np.clip(_sigmoid(pred) if from_logits else pred, EPSILON, 1 - EPSILON)


def _data_loss(family: str, from_logits: bool, y: np.ndarray, pred: np.ndarray) -> float | None:
    """The loss of the initial predictions, without regularisation, as Keras computes it for
    the built-in losses (None for a shape or loss this does not model)."""
    if family == "sparse_cce":
        if pred.ndim < 2 or y.size * pred.shape[-1] != pred.size:
            return None
        ids = y.reshape(pred.shape[:-1]).astype(np.int64)
        if ids.min() < 0 or ids.max() >= pred.shape[-1]:
            return None  # label-encoding (FD106)
        logp = _log_probabilities(pred, from_logits)
        return float(-np.take_along_axis(logp, ids[..., None], axis=-1).mean())
    if family in ("cce", "bce") and y.size and (y.min() < 0 or y.max() > 1):
        return None  # not labels this loss can take (FD106)
    if family == "cce":
        if y.shape != pred.shape:
            return None
        return float(-(y * _log_probabilities(pred, from_logits)).sum(axis=-1).mean())
    if family == "bce":
        if y.size != pred.size:
            return None
        y = y.reshape(pred.shape)
        if from_logits:
            return float(np.mean(np.maximum(pred, 0) - pred * y + np.log1p(np.exp(-np.abs(pred)))))
        p = _binary_probabilities(pred, False)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    if family == "mse":
        if y.size != pred.size:
            return None
        return float(np.mean((pred - y.reshape(pred.shape)) ** 2))
    return None


@register
class BadInitialisation(Check):
    """
    What it detects:
        A starting loss far above what a sane initialisation gives. The loss of the initial
        predictions (per output, without regularisation, computed as Keras computes the
        built-in loss) is compared with what uninformative outputs score: log(C) for softmax
        cross-entropy over C classes, log 2 for binary cross-entropy: too high above 3x that
        and 2 nats more, or above 10x or 8 nats more (saturated logits). For squared
        error, outputs of zero (loss E[y^2]) are not a defect (uncentred targets are
        FD103's); reported only when the outputs are at least 10 times larger (RMS) than the
        targets and the loss at least 10 times E[y^2]. The weights must be the cause, which
        two counterfactual forward passes check: with the output layer's weights at zero the
        start must become sane (else the output cannot express a sane start at all, e.g. a
        linear output under a loss that expects probabilities: FD202), and with unscaled
        inputs (RMS above 10) brought to unit scale it must stay bad (else the inputs are
        the cause: FD102).
        Also a binary output whose mean initial prediction is more than 1 (in logit) from a
        rare class prior p < 0.1: information, a warning once the initial loss is 3x the
        prior's entropy and a short run with the user's optimizer does not close half the gap
        to it (the bias is learned in the first steps, and the start changes nothing).
        A bad start is judged by what it does to this run. It is a warning, never an error:
        a start 6x log C that an adaptive optimizer trains away scores like one that it does
        not, so the start alone cannot predict that training fails. A short run of a copy
        with the user's optimizer (a few dozen steps) measures the loss after it: when that
        is already back under the warning level, the start is information.
        Also symmetric initialisation (checks/optimisation/symmetric_initialisation.py): a
        hidden layer whose units are interchangeable copies. For every layer with a kernel of
        two or more units (Dense, Conv, Embedding, recurrent; trainable; not the layer making
        an output), the units (kernel columns with their bias entries) are compared, and where
        they are identical, their loss gradients on the sample too. Units identical in both
        stay identical under any optimizer. An error when the layer has one distinct unit (or
        at most a quarter of its width), a warning at most half. Identical weights with
        different gradients (a zero output layer: each unit has its own error; a zero layer
        before a random one) are not reported: the first step separates them.

    Why it breaks training:
        Large initial output weights make confident, mostly wrong predictions: cross-entropy
        starts at tens of nats, probabilities outside Keras's clipping range [1e-7, 1-1e-7]
        get no gradient, and the first epochs are spent shrinking the output weights
        instead of learning. A squared-error output 100x too large needs its weights shrunk
        100-fold first. A zero output bias against a 1 : 50 prior wastes the first epochs
        on learning the bias, and its large initial gradient can kill hidden units.
        Units with identical weights compute the same function and receive identical
        gradients, and SGD, momentum, Adam and RMSprop all update each weight from its own
        gradient: they stay copies for the whole run, so a 512-unit layer is one unit wide,
        whatever the budget. With zero kernels and ReLU they are also dead (zero gradient).

    Example:
        keras.layers.Dense(10, activation="softmax",
                           kernel_initializer=keras.initializers.RandomNormal(stddev=10))
        keras.layers.Dense(32, activation="sigmoid", kernel_initializer="zeros")  # hidden
        keras.layers.Conv2D(16, 3, kernel_initializer=keras.initializers.Constant(0.05))

    Use instead:
        keras.layers.Dense(10, activation="softmax")            # Glorot: loss ~ log(10)
        keras.layers.Dense(1, activation="sigmoid",
                           bias_initializer=keras.initializers.Constant(math.log(p / (1 - p))))
        keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal")  # random

    Repair safety:
        safe: only the starting point changes, not the model or the objective.
    """

    code = "FD305"
    needs = ("a forward pass on a sample batch, the compiled loss, its gradient and targets, and a "
             "short run with the user's optimizer")

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        # Two mechanisms under one code: each may be unsupported on its own.
        findings: list[Finding] = []
        unsupported: Unsupported | None = None
        for part in (self._symmetric, self._starting_loss):
            try:
                findings.extend(part(context))
            except Unsupported as reason:
                unsupported = unsupported or reason
        if unsupported is not None and not findings:
            raise unsupported
        return findings

    def _symmetric(self, context: PreflightContext) -> Iterable[Finding]:
        groups = context.layer_gradients
        # The layers that make the outputs (and their sub-layers, e.g. an LSTM's cell): their
        # units each have their own error, so identical ones there are the targets' doing.
        heads = set()
        for layer in output_layers(context.model, context.layer_records):
            for made in (layer, _head_layer(context, layer)):
                if made is not None:
                    heads.update(id(part) for part in made._flatten_layers(include_self=True))
        return symmetric_layers(self.code, groups, heads, context.loss_probe.size)

    def _starting_loss(self, context: PreflightContext) -> Iterable[Finding]:
        predictions, targets = context.predictions, context.targets
        layers = output_layers(context.model, context.layer_records)
        program = context.program
        for index, (pred, y) in enumerate(zip(predictions, targets)):
            loss = program.losses[min(index, len(program.losses) - 1)]
            pred = np.asarray(pred, dtype=np.float64)
            y = np.asarray(y, dtype=np.float64)
            if not (np.isfinite(pred).all() and np.isfinite(y).all()) or pred.size == 0:
                continue  # FD101 / FD304
            value = _data_loss(loss.family, loss.from_logits, y, pred)
            if value is None:
                continue
            if loss.family == "mse" and profile(y, loss).is_classification:
                continue  # MSE on class labels is FD202's; the prior is judged for BCE
            location = {"layer": layers[index].name} if index < len(layers) else {}
            if len(predictions) > 1:
                location["output"] = index
            evidence = {"loss": loss.name, "initial_data_loss": value, "samples": int(pred.shape[0])}
            if _too_high(loss, y, pred, value):
                head = _head_layer(context, layers[index] if index < len(layers) else None)
                if _explained_by_inputs(context, index, loss, y):
                    continue  # unscaled inputs (FD102), not the weights
                if head is None or _too_high_without(context, index, loss, y, head):
                    continue  # not the weights' doing: the output cannot be sane (FD202)
                if head is not None:
                    location["layer"] = head.name
                evidence["initial_loss"] = _initial_loss(context)
                if loss.family == "mse":
                    yield self._squared_error(context, value, y, pred, evidence, location)
                else:
                    yield self._cross_entropy(context, loss, value, pred, evidence, location)
            elif loss.family == "bce":
                finding = self._prior(context, index, loss, value, pred, evidence, location)
                if finding:
                    yield finding

    def _cross_entropy(self, context: PreflightContext, loss: Any, value: float,
                       pred: np.ndarray, evidence: dict, location: dict) -> Finding:
        classes = int(pred.shape[-1]) if pred.ndim > 1 else 1
        reference = _reference(loss, pred)
        what = "log 2 (predicting 0.5)" if loss.family == "bce" else \
            f"log {classes} (uniform over {classes} classes)"
        after = _after_short_run(context)
        severity = Severity.INFO if after is not None and not _cross_entropy_too_high(after, reference) \
            else Severity.WARNING
        if loss.from_logits or loss.family == "bce":
            clipped = None
        else:
            clipped = float(np.mean(np.exp(_log_probabilities(pred, False)).max(axis=-1)
                                    >= 1 - 1e-3))
        layer = location.get("layer", "the output layer")
        return Finding(
            self.code, severity,
            f"The initial {loss.name} is {value:.3g}, {value / reference:.3g}x the {reference:.3g} "
            f"of uninformative outputs",
            f"A sane initialisation starts near {what} = {reference:.3g}; the initial predictions "
            f"score {value:.4g} on {evidence['samples']} samples, {value - reference:.3g} nats "
            f"more: the output is confidently wrong from the start"
            + (f" ({clipped:.0%} of the samples put over 99.9% on one class)" if clipped else "")
            + ", so the first epochs go into shrinking the output weights, and probabilities "
              "clipped at 1e-7 pass no gradient."
            + _short_run_note(after),
            {**evidence, "reference_loss": reference, "factor": value / reference,
             "loss_after_short_run": after,
             "classes": classes, **({"saturated_share": clipped} if clipped is not None else {})},
            location,
            Fix(f"Initialise layer '{layer}' with the default (Glorot) initialiser and zero bias",
                f"keras.layers.Dense({classes}, kernel_initializer='glorot_uniform', "
                f"bias_initializer='zeros')", "safe"),
        )

    def _squared_error(self, context: PreflightContext, value: float, y: np.ndarray,
                       pred: np.ndarray, evidence: dict, location: dict) -> Finding:
        second_moment = float(np.mean(y ** 2))
        target_rms = math.sqrt(second_moment)
        output_rms = float(np.sqrt(np.mean(pred ** 2)))
        ratio = output_rms / target_rms
        layer = location.get("layer", "the output layer")
        after = _after_short_run(context)
        severity = Severity.INFO if after is not None and after <= MSE_WARNING_RATIO * second_moment \
            else Severity.WARNING
        return Finding(
            self.code, severity,
            f"The initial outputs are {ratio:.3g} times larger than the targets",
            f"The initial predictions have RMS {output_rms:.4g} against targets of RMS "
            f"{target_rms:.4g}, so the loss starts at {value:.4g}, {value / second_moment:.3g}x "
            f"what predicting 0 would score (E[y^2] = {second_moment:.4g}), measured on "
            f"{evidence['samples']} samples. Training first has to shrink the outputs "
            f"{ratio:.3g}-fold, through the weights, before it can fit anything."
            + _short_run_note(after),
            {**evidence, "output_rms": output_rms, "target_rms": target_rms, "ratio": ratio,
             "loss_after_short_run": after,
             "zero_prediction_loss": second_moment},
            location,
            Fix("Initialise the layers with variance-preserving initialisers (Glorot, He for "
                "ReLU) and zero biases, starting with the output layer",
                f"# layer '{layer}'\n"
                "keras.layers.Dense(units, kernel_initializer='glorot_uniform', "
                "bias_initializer='zeros')", "safe"),
        )

    def _prior(self, context: PreflightContext, index: int, loss: Any, value: float,
               pred: np.ndarray, evidence: dict, location: dict) -> Finding | None:
        if pred.ndim > 1 and pred.shape[-1] != 1:
            return None  # multi-label
        targets = training_targets(context)
        if index >= len(targets.leaves):
            return None
        y = np.asarray(targets.leaves[index])
        target = profile(y, loss)
        if target.kind != "binary" or not target.class_counts:
            return None
        weights = context.program.class_weight or {}
        sample_weight = targets.sample_weights[index]
        in_loss = class_loss_weights(target, y, sample_weight, weights)
        negatives, positives = in_loss.get(0, 0.0), in_loss.get(1, 0.0)
        if positives <= 0 or negatives <= 0:
            return None
        prior = positives / (positives + negatives)
        if min(prior, 1 - prior) >= RARE_PRIOR:
            return None
        mean = float(np.clip(_binary_probabilities(pred, loss.from_logits).mean(), EPSILON,
                             1 - EPSILON))
        gap = math.log(mean / (1 - mean)) - math.log(prior / (1 - prior))
        if abs(gap) <= PRIOR_LOGIT_GAP:
            return None
        entropy = binary_entropy(prior)
        after = _after_short_run(context)
        # A short run that closed half the gap to the prior's loss has learned the bias.
        severity = Severity.WARNING if value >= PRIOR_WARNING_FACTOR * entropy and \
            (after is None or after > (value + entropy) / 2) else Severity.INFO
        bias = math.log(prior / (1 - prior))
        activation = "" if loss.from_logits else ", activation='sigmoid'"
        return Finding(
            self.code, severity,
            f"The output starts at a mean prediction of {mean:.3g} against a class prior of "
            f"{prior:.3g}",
            f"The positive class is {prior:.3g} of the targets"
            + (" (with the class weights)" if weights else "")
            + (" (with the sample weights)" if sample_weight is not None else "")
            + f", so predicting the prior scores {entropy:.3g}, but the initial predictions "
            f"average {mean:.3g} and score {value:.3g} ({value / entropy:.3g}x) on "
            f"{evidence['samples']} samples. The first updates go into learning the output "
            f"bias, and its large early gradient pushes on every hidden unit."
            + _short_run_note(after),
            {**evidence, "prior": prior, "prior_entropy": entropy, "mean_prediction": mean,
             "loss_after_short_run": after,
             "logit_gap": gap},
            location,
            Fix("Initialise the output bias to the log-odds of the class prior",
                f"keras.layers.Dense(1{activation}, "
                f"bias_initializer=keras.initializers.Constant({bias:.4g}))  # log(p / (1 - p))",
                "safe"),
        )


def _reference(loss: Any, pred: np.ndarray) -> float | None:
    """What uninformative outputs score: log C for softmax cross-entropy, log 2 for binary."""
    if loss.family == "bce":
        return math.log(2)
    classes = int(pred.shape[-1]) if pred.ndim > 1 else 1
    return math.log(classes) if classes > 1 else None


def _extreme(value: float, reference: float) -> bool:
    return value > ERROR_FACTOR * reference or value > reference + ERROR_EXCESS


def _cross_entropy_too_high(value: float, reference: float) -> bool:
    return _extreme(value, reference) or (value > WARNING_FACTOR * reference
                                          and value > reference + WARNING_EXCESS)


def _after_short_run(context: PreflightContext) -> float | None:
    """The loss after the short run with the user's optimizer (context.user_short_run), for a
    single-output model: whether the bad start changes this run's outcome. None when it
    cannot be measured; the start alone is then judged."""
    if len(context.predictions) != 1:
        return None
    try:
        run = context.user_short_run
    except Exception:  # noqa: BLE001 - an optimizer that cannot be copied: judge the start alone
        return None
    return run.final if math.isfinite(run.final) else None


def _short_run_note(after: float | None) -> str:
    return "" if after is None else \
        f" After a short run with your optimizer the loss is {after:.4g}."


def _too_high(loss: Any, y: np.ndarray, pred: np.ndarray, value: float | None) -> bool:
    """Whether the loss of these predictions is far above a sane start."""
    if value is None or not np.isfinite(value):
        return False
    if loss.family == "mse":
        second_moment = float(np.mean(y ** 2))
        if second_moment <= 0:
            return False
        ratio = float(np.sqrt(np.mean(pred ** 2))) / math.sqrt(second_moment)
        return ratio > MSE_WARNING_RATIO and value > MSE_WARNING_RATIO * second_moment
    reference = _reference(loss, pred)
    if reference is None:
        return False
    return _cross_entropy_too_high(value, reference)


def _initial_loss(context: PreflightContext) -> float | None:
    try:
        return context.initial_loss
    except Exception:  # noqa: BLE001 - only evidence; the loss failing is another check's finding
        return None


def _outputs(context: PreflightContext, x: Any = None, trainable: list | None = None) -> list:
    """The model's outputs (NumPy, float64) on the sample, with other inputs or weights."""
    import keras

    model = context.model
    if x is None:
        x = keras.tree.map_structure(keras.ops.convert_to_tensor, context.loss_probe.batch.x)
    if trainable is None:
        trainable = [v.value for v in model.trainable_variables]
    outputs, _ = stateless_forward(model, trainable, [v.value for v in model.non_trainable_variables],
                                   x, training=False)
    return [np.asarray(keras.ops.convert_to_numpy(o), dtype=np.float64)
            for o in keras.tree.flatten(outputs)]


def _head_layer(context: PreflightContext, output: Any) -> Any:
    """The layer with trainable weights that makes output `output`: the output layer itself,
    or the last weighted layer before the weightless ones (Activation, Flatten...)."""
    if output is None:
        return None
    trainable = {id(v) for v in context.model.trainable_variables}
    owners = {id(layer): layer for layer in context.model._flatten_layers(include_self=False)
              if any(id(v) in trainable for v in getattr(layer, "_trainable_variables", []))}
    layer, seen = output, set()
    while id(layer) not in owners and id(layer) not in seen:
        seen.add(id(layer))
        nodes = getattr(layer, "_inbound_nodes", None) or []
        tensors = nodes[0].input_tensors if nodes else []
        if len(tensors) == 1 and hasattr(tensors[0], "_keras_history"):
            layer = tensors[0]._keras_history.operation
            continue
        called = [r.layer for r in context.layer_records]
        if layer not in called:
            return None
        before = [l for l in called[:called.index(layer)] if id(l) in owners]
        return before[-1] if before else None
    return owners.get(id(layer))


def _too_high_without(context: PreflightContext, index: int, loss: Any, y: np.ndarray,
                      head: Any) -> bool:
    """Whether the start is still far too high with the head layer's weights at zero (a
    uniform / zero output): then no initialisation of them can fix it."""
    import keras

    model = context.model
    head_ids = {id(v) for v in head.trainable_weights}
    trainable = [keras.ops.zeros_like(v.value) if id(v) in head_ids else v.value
                 for v in model.trainable_variables]
    outputs = _outputs(context, trainable=trainable)
    if index >= len(outputs):
        return True
    pred = outputs[index]
    return _too_high(loss, y, pred, _data_loss(loss.family, loss.from_logits, y, pred))


def _explained_by_inputs(context: PreflightContext, index: int, loss: Any, y: np.ndarray) -> bool:
    """Whether the same weights start sanely once unscaled inputs are brought to unit scale:
    then the inputs (FD102), not the initialisation, make the start bad."""
    import keras

    batch = context.loss_probe.batch
    leaves = [np.asarray(leaf) for leaf in keras.tree.flatten(batch.x)]
    scaled, changed = [], False
    for leaf in leaves:
        if np.issubdtype(leaf.dtype, np.floating) and leaf.size:
            rms = float(np.sqrt(np.mean(np.square(leaf, dtype=np.float64))))
            if np.isfinite(rms) and rms > UNSCALED_INPUT_RMS:
                leaf, changed = (leaf / rms).astype(leaf.dtype), True
        scaled.append(leaf)
    if not changed:
        return False
    x = keras.tree.pack_sequence_as(batch.x, [keras.ops.convert_to_tensor(v) for v in scaled])
    outputs = _outputs(context, x=x)
    if index >= len(outputs):
        return False
    pred = outputs[index]
    value = _data_loss(loss.family, loss.from_logits, y, pred)
    return value is not None and np.isfinite(value) and not _too_high(loss, y, pred, value)


