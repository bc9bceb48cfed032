"""FD106 label-encoding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import output_layers
from fitdoctor.checks.target_values import training_targets
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.program import LossSpec

# A float label is an integer class id when it is this close to one (relative to its size).
INTEGER_TOLERANCE = 1e-6
# Distinct values are counted on at most this many values (spread evenly over the array).
UNIQUE_CAP = 1_000_000


@dataclass
class Labels:
    """What the labels of one output look like, measured on their finite values."""

    values: np.ndarray  # finite label values, float64, flat
    shape: tuple  # the targets' array shape
    minimum: float
    maximum: float
    unique: np.ndarray  # distinct values (of at most UNIQUE_CAP values)
    integer: bool  # every value is an integer within tolerance

    @classmethod
    def measure(cls, y: np.ndarray, ignore: float | None = None) -> "Labels | None":
        values = np.asarray(y, dtype=np.float64).reshape(-1)
        values = values[np.isfinite(values)]
        if ignore is not None:
            values = values[values != ignore]
        if values.size == 0:
            return None
        step = max(1, values.size // UNIQUE_CAP)
        unique = np.unique(values[::step])
        integer = bool(np.all(np.abs(values - np.rint(values))
                              <= INTEGER_TOLERANCE * np.maximum(1.0, np.abs(values))))
        return cls(values, tuple(y.shape), float(values.min()), float(values.max()), unique, integer)

    def shown_values(self) -> str:
        if self.unique.size <= 6:
            return "{" + ", ".join(f"{v:g}" for v in self.unique) + "}"
        if self.integer:
            return f"{self.unique.size} distinct ids {self.minimum:g}..{self.maximum:g}"
        return f"{self.unique.size} distinct values from {self.minimum:.4g} to {self.maximum:.4g}"

    def evidence(self) -> dict[str, Any]:
        evidence: dict[str, Any] = {"label_min": self.minimum, "label_max": self.maximum,
                                    "unique_labels": int(self.unique.size),
                                    "label_shape": ["B", *self.shape[1:]]}
        if self.unique.size <= 10:
            evidence["label_values"] = [float(v) for v in self.unique]
        return evidence


def _loss_objects(model: Any) -> list[Any]:
    """The compiled loss of each output, as given to compile() (in the order of `_loss_specs`)."""
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        names = getattr(model, "output_names", None) or list(loss)
        return [loss.get(name) for name in names]
    if isinstance(loss, (list, tuple)):
        return list(loss)
    return [loss]


def _ignore_class(loss: Any) -> float | None:
    kwargs = getattr(loss, "_fn_kwargs", None) or {}
    value = getattr(loss, "ignore_class", kwargs.get("ignore_class"))
    return None if value is None else float(value)


def _is_onehot(y: np.ndarray) -> bool:
    rows = np.asarray(y, dtype=np.float64).reshape(-1, y.shape[-1])
    finite = np.isfinite(rows).all(axis=1)
    rows = rows[finite]
    return rows.size > 0 and bool(np.isin(rows, (0.0, 1.0)).all()) and bool(np.all(rows.sum(axis=1) == 1))


@register
class LabelEncoding(Check):
    """
    What it detects:
        Labels that do not fit the compiled loss, from the label values themselves (all
        training targets when they are arrays, else the batches sampled) and the model's
        output units: integer class ids (a column) with `categorical_crossentropy`; one-hot
        rows with `sparse_categorical_crossentropy`; non-integer labels with a sparse loss;
        class ids that are negative or not below the number of output units; one-hot rows
        whose width differs from the output units; binary cross-entropy targets outside
        [0, 1] (such as {-1, 1} or {0, 255}).

    Why it breaks training:
        Each loss reads its labels in one encoding. Integer ids where one-hot rows are
        expected are broadcast against every output unit or rejected with a shape error at
        the first step; a sparse loss casts labels to integers, so 0.7 becomes class 0; an id
        equal to the number of units indexes past the softmax (an error on TensorFlow and
        PyTorch, a silently wrong loss on JAX); binary cross-entropy with a target of 255
        rewards pushing the logit to infinity, so the loss falls below zero and never stops
        falling.

    Example:
        keras.layers.Dense(10, activation="softmax")
        model.compile(loss="categorical_crossentropy"); model.fit(x, labels)   # labels 0..9

    Use instead:
        model.compile(loss="sparse_categorical_crossentropy")
        or model.fit(x, keras.utils.to_categorical(labels, 10))

    Repair safety:
        changes-intent: the labels or the loss change.
    """

    code = "FD106"
    needs = "the compiled loss, the targets and the model's output units"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        if not any(loss.is_classification for loss in program.losses):
            return
        targets = training_targets(context)
        predictions = context.predictions
        if len(predictions) != len(targets.leaves):
            raise Unsupported(f"{len(predictions)} outputs against {len(targets.leaves)} target arrays")
        objects = _loss_objects(context.model)
        layers = output_layers(context.model, context.layer_records)
        for index, (y, y_pred) in enumerate(zip(targets.leaves, predictions)):
            loss = program.losses[min(index, len(program.losses) - 1)]
            if not loss.is_classification or not np.issubdtype(np.asarray(y).dtype, np.number) \
                    or np.asarray(y).ndim == 0:
                continue
            loss_object = objects[min(index, len(objects) - 1)] if objects else None
            ignore = _ignore_class(loss_object) if loss.family == "sparse_cce" else None
            labels = Labels.measure(np.asarray(y), ignore)
            if labels is None:
                continue
            units = int(y_pred.shape[-1]) if y_pred.ndim >= 2 else 1
            judged = self._judge(loss, labels, np.asarray(y), y_pred, units)
            if judged is None:
                continue
            title, message, extra, fix = judged
            location = {"layer": layers[index].name} if index < len(layers) else {}
            if len(targets.leaves) > 1:
                location["output"] = index
            width = int(np.asarray(y).shape[-1]) if np.asarray(y).ndim == y_pred.ndim >= 2 else 1
            evidence = {"loss": loss.name, "output_units": units, **labels.evidence(),
                        "label_width": width, **extra,
                        "source": targets.source, "samples": targets.samples}
            if ignore is not None:
                evidence["ignore_class"] = ignore
            yield Finding(self.code, Severity.ERROR, title, message, evidence, location, fix)

    def _judge(self, loss: LossSpec, labels: Labels, y: np.ndarray, y_pred: np.ndarray,
               units: int) -> tuple[str, str, dict, Fix] | None:
        ids_shaped = y.ndim == y_pred.ndim - 1 or (y.ndim == y_pred.ndim and y.shape[-1] == 1)
        wide = y.ndim == y_pred.ndim and y.ndim >= 2 and y.shape[-1] > 1
        if loss.family == "cce":
            return self._categorical(labels, y, units, ids_shaped, wide)
        if loss.family == "sparse_cce":
            return self._sparse(labels, y, units, ids_shaped, wide)
        if loss.family == "bce":
            return self._binary(labels)
        return None

    def _categorical(self, labels: Labels, y: np.ndarray, units: int, ids_shaped: bool,
                     wide: bool) -> tuple[str, str, dict, Fix] | None:
        if ids_shaped and units > 1:
            fits = labels.integer and labels.minimum >= 0 and labels.maximum < units
            return (
                f"{'Class ids' if labels.integer else 'Targets'} in one column "
                f"({labels.shown_values()}), but categorical_crossentropy expects one-hot "
                f"rows of {units}",
                f"categorical_crossentropy compares each target row with the {units} output "
                f"probabilities, so it needs targets of shape (B, {units}); these targets have "
                f"shape {_shape(labels.shape)}. Keras 3 either rejects the shapes at the first "
                f"training step or, in a hand-written loop, broadcasts the id against every "
                f"unit, which trains the model towards nothing meaningful.",
                {},
                Fix("Use the sparse loss for integer class ids"
                    + ("" if fits else " (and give the output one unit per class)"),
                    'model.compile(loss="sparse_categorical_crossentropy", ...)\n'
                    f"# or: y = keras.utils.to_categorical(y, num_classes={max(units, int(labels.maximum) + 1)})",
                    "changes-intent"))
        if wide and y.shape[-1] != units:
            width = int(y.shape[-1])
            return (
                f"One-hot targets have {width} columns but the output has {units} units",
                f"categorical_crossentropy compares target columns with output units one by one; "
                f"{width} label columns against {units} output units cannot line up, so Keras "
                f"rejects the shapes or the classes are mismatched.",
                {},
                Fix("Give the output one unit per label column",
                    f'keras.layers.Dense({width}, activation="softmax")', "changes-intent"))
        return None

    def _sparse(self, labels: Labels, y: np.ndarray, units: int,
                ids_shaped: bool, wide: bool) -> tuple[str, str, dict, Fix] | None:
        if wide:
            width = int(y.shape[-1])
            if _is_onehot(y):
                return (
                    f"One-hot targets ({width} columns) with sparse_categorical_crossentropy",
                    f"A sparse loss expects one integer class id per sample, shape "
                    f"{_shape(labels.shape[:-1])}; these targets are one-hot rows of width "
                    f"{width}. Keras rejects the shapes at the first step, or reads each 0/1 "
                    f"column as a separate class id.",
                    {},
                    Fix("Use categorical_crossentropy for one-hot rows",
                        'model.compile(loss="categorical_crossentropy", ...)\n'
                        "# or: y = y.argmax(axis=-1) with the sparse loss",
                        "changes-intent"))
            return (
                f"Targets of width {width} ({labels.shown_values()}) with "
                f"sparse_categorical_crossentropy",
                f"A sparse loss expects one integer class id per sample, shape "
                f"{_shape(labels.shape[:-1])}; these targets have {width} values per sample.",
                {},
                Fix("Give one class id per sample, or use a loss for these targets",
                    "y = y.argmax(axis=-1)  # if the rows are class scores", "changes-intent"))
        if not ids_shaped:
            return None
        if not labels.integer:
            fraction = labels.values - np.floor(labels.values)
            share = float(np.mean(np.abs(labels.values - np.rint(labels.values))
                                  > INTEGER_TOLERANCE * np.maximum(1.0, np.abs(labels.values))))
            return (
                f"Non-integer labels ({labels.shown_values()}) with sparse_categorical_crossentropy",
                f"{share:.0%} of the labels are not integers (mean fractional part "
                f"{float(fraction.mean()):.3g}). The sparse loss casts them to integer class ids, "
                f"truncating 0.7 to class 0: the fractional part is thrown away and the model "
                f"learns classes nobody meant.",
                {"non_integer_share": share},
                Fix("For continuous targets use a regression loss and a linear output; for "
                    "soft class labels use one-hot rows with categorical_crossentropy",
                    'keras.layers.Dense(1); model.compile(loss="mse", ...)', "changes-intent"))
        negative = labels.values < 0
        beyond = labels.values >= units
        if not negative.any() and not beyond.any():
            return None
        bad = negative | beyond
        count, share = int(bad.sum()), float(bad.mean())
        extra = {"out_of_range": count, "out_of_range_share": share}
        if negative.any():
            return (
                f"Negative class ids ({labels.shown_values()}) with sparse_categorical_crossentropy",
                f"{count} labels ({share:.2%}) are below 0, which indexes no output unit: the "
                f"backends raise, or compute a meaningless loss for those samples.",
                extra,
                Fix("Map the labels to 0..num_classes-1 (or pass ignore_class for a label that "
                    "marks samples to skip)",
                    f"y = y - ({labels.minimum:g})  # labels {labels.minimum:g}.."
                    f"{labels.maximum:g} -> 0..{labels.maximum - labels.minimum:g}"
                    if labels.maximum - labels.minimum < units else
                    f"keras.losses.SparseCategoricalCrossentropy(ignore_class={labels.minimum:g})",
                    "changes-intent"))
        top = int(labels.maximum)
        one_based = labels.minimum >= 1 and top == units
        return (
            f"Class id {top} is not below the {units} output unit{'s' if units > 1 else ''}",
            f"{count} labels ({share:.2%}) are >= {units}, the number of output units, so "
            f"they index past the softmax: TensorFlow and PyTorch raise inside fit(), JAX "
            f"silently computes a wrong loss for them. "
            + (f"The labels run from {labels.minimum:g} to {top}: they look 1-based."
               if one_based else
               f"The labels need at least {top + 1} output units."),
            extra,
            Fix("Shift 1-based labels to start at 0" if one_based
                else "Give the output one unit per class",
                "y = y - 1  # class ids 0..%d" % (units - 1) if one_based
                else f"keras.layers.Dense({top + 1}, activation=\"softmax\")",
                "changes-intent"))

    def _binary(self, labels: Labels) -> tuple[str, str, dict, Fix] | None:
        outside = (labels.values < -INTEGER_TOLERANCE) | (labels.values > 1 + INTEGER_TOLERANCE)
        if not outside.any():
            return None
        count, share = int(outside.sum()), float(outside.mean())
        lo, hi = labels.minimum, labels.maximum
        if labels.unique.size == 2:
            fix = Fix("Encode the two classes as 0 and 1",
                      f"y = (y == {hi:g}).astype(\"float32\")  # {lo:g} -> 0, {hi:g} -> 1",
                      "changes-intent")
        elif labels.integer and labels.unique.size > 2:
            fix = Fix("For more than two classes use a softmax with a sparse loss",
                      f"keras.layers.Dense({int(hi) + 1}, activation=\"softmax\")\n"
                      'model.compile(loss="sparse_categorical_crossentropy", ...)',
                      "changes-intent")
        else:
            fix = Fix("For continuous targets use a regression loss (or scale them into [0, 1])",
                      f'model.compile(loss="mse", ...)  # or y = (y - {lo:g}) / {hi - lo:g}',
                      "changes-intent")
        return (
            f"Binary cross-entropy targets outside [0, 1] ({labels.shown_values()})",
            f"{count} targets ({share:.2%}) lie outside [0, 1], from {lo:g} to {hi:g}. Binary "
            f"cross-entropy -[y log p + (1 - y) log(1 - p)] is bounded below only for y in "
            f"[0, 1]: a target of {hi if hi > 1 else lo:g} rewards pushing the prediction to "
            f"{'1' if hi > 1 else '0'} without limit, so the loss falls below zero and keeps "
            f"falling (PyTorch raises instead).",
            {"outside_0_1": count, "outside_0_1_share": share},
            fix)


def _shape(shape: tuple) -> str:
    dims = ["B", *(str(d) for d in shape[1:])]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
