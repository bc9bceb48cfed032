"""FD203 shape-contract."""

from __future__ import annotations

from typing import Any, Iterable

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.activations import first_calls


def _is_user_layer(layer: Any) -> bool:
    return not type(layer).__module__.startswith("keras.")


def _flatten_shapes(shapes: Any) -> list[tuple]:
    if isinstance(shapes, (tuple, list)) and all(d is None or isinstance(d, int) for d in shapes):
        return [tuple(shapes)]
    if isinstance(shapes, dict):
        shapes = list(shapes.values())
    out: list[tuple] = []
    for item in shapes:
        out.extend(_flatten_shapes(item))
    return out


def _agrees(declared: tuple, actual: tuple) -> bool:
    return len(declared) == len(actual) and all(
        d is None or d == a for d, a in zip(declared[1:], actual[1:]))


@register
class ShapeContract(Check):
    """
    What it detects:
        A custom layer whose `compute_output_shape` declares a different shape from the one
        its `call` returns, measured by calling the layer on a real batch.

    Why it breaks training:
        Keras builds every later layer, and checks the loss's shapes, from the declared shape,
        while the data flows with the real one. The model summary, the next layer's weights
        and the loss reconciliation then disagree with the tensors actually computed: shape
        errors far from the cause, or silent broadcasting in the loss.

    Example:
        def call(self, x):
            return 50 * ops.exp(-ops.sum(x ** 2, axis=1))    # (B,)
        def compute_output_shape(self, input_shape):
            return (input_shape[0], 1)                       # claims (B, 1)

    Use instead:
        Return what you declare: `ops.sum(..., axis=1, keepdims=True)` gives (B, 1).

    Repair safety:
        safe: making the declaration match the computation changes no numbers.
    """

    code = "FD203"
    needs = "a forward pass on a sample batch"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        from keras.src import utils

        # A wrong declaration often makes a later layer fail; the layers before it still count.
        for record in first_calls(context.layer_records_until_failure):
            layer = record.layer
            if not _is_user_layer(layer) or record.input_shapes is None:
                continue
            if utils.is_default(type(layer).compute_output_shape):
                continue
            input_shape = _with_unknown_batch(record.input_shapes)
            declared = _flatten_shapes(layer.compute_output_shape(input_shape))
            actual = [(None,) + tuple(a.shape[1:]) for a in record.output_leaves]
            if len(declared) == len(actual) and all(_agrees(d, a) for d, a in zip(declared, actual)):
                continue
            shown_declared = ", ".join(map(str, declared))
            shown_actual = ", ".join(map(str, actual))
            yield Finding(
                self.code, Severity.WARNING,
                f"Layer '{layer.name}' declares output {shown_declared} but returns {shown_actual}",
                f"{type(layer).__name__}.compute_output_shape({input_shape}) returns "
                f"{shown_declared}, while call() on a real batch returned {shown_actual}. Keras "
                f"builds later layers and reconciles the loss from the declared shape, so the "
                f"model the summary shows is not the model that runs.",
                {"declared": [list(d) for d in declared], "actual": [list(a) for a in actual],
                 "input_shape": list(input_shape) if isinstance(input_shape, tuple) else input_shape,
                 "samples": int(record.output_leaves[0].shape[0]) if record.output_leaves[0].ndim else 0},
                {"layer": layer.name, "class": type(layer).__name__},
                Fix(f"Make {type(layer).__name__}.call return {shown_declared}, or declare what it returns",
                    "def compute_output_shape(self, input_shape):\n"
                    f"    return {_declaration(actual)}", "safe"),
            )


def _with_unknown_batch(shapes: Any) -> Any:
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return (None,) + shapes[1:]
    if isinstance(shapes, dict):
        return {k: _with_unknown_batch(v) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_with_unknown_batch(s) for s in shapes)
    return shapes


def _declaration(actual: list[tuple]) -> str:
    def one(shape: tuple) -> str:
        dims = ["input_shape[0]"] + [str(d) for d in shape[1:]]
        return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"

    return one(actual[0]) if len(actual) == 1 else "[" + ", ".join(one(a) for a in actual) + "]"
