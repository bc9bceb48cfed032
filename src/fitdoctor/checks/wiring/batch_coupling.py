"""FD205 batch-coupling."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.data import Batch
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes import rng
from fitdoctor.probes.activations import ForwardPassError, LayerRecord, record_layers
from fitdoctor.probes.gradients import largest_magnitude

# Samples per probe batch: the first and the last are kept, the others are exchanged. Keeping
# both ends catches mixing that runs along the batch in one direction (the batch folded into
# a time axis and read by a recurrent layer: the first sample sees none of the others).
BATCH = 8
KEPT = (0, -1)
# Outputs of sample 0 that differ by more than this share of their scale were changed by
# the other samples; float32 noise from a different summation order stays far below it.
TOLERANCE = 1e-4
# The model's outputs are compared first, more strictly (a mixing layer's change can shrink
# on its way to the outputs); only outputs that moved have every layer recorded and judged.
OUTPUT_TOLERANCE = TOLERANCE / 100


@register
class BatchCoupling(Check):
    """
    What it detects:
        A sample's output that depends on the other samples of its batch. Two forward passes
        are made on batches that share their first and last samples and differ in every other
        sample (8 samples, stateless, weights untouched); the shared samples' outputs must be
        the same in both. The first layer whose output for a shared sample changes is the one
        that mixes samples. Checked in
        inference mode, then in training mode, where a BatchNormalization layer is expected
        to mix samples and is not reported.

    Why it breaks training:
        The model learns a function of the whole batch, not of one input: a custom layer that
        normalises over axis 0, a `Reshape` or `ops.reshape(x, (-1, ...))` that folds the batch
        axis into features, a reduction over the batch. Gradients then leak between samples,
        the loss depends on how batches are drawn, and `predict` on a different batch size or
        a single sample gives different, usually useless, answers.

    Example:
        def call(self, x):
            return (x - ops.mean(x, axis=0)) / ops.std(x, axis=0)   # statistics of the batch

    Use instead:
        Reduce over the feature axes (`axis=-1`, i.e. layer normalisation), or use
        keras.layers.BatchNormalization, which keeps moving statistics for inference.

    Repair safety:
        changes-intent: the layer's computation changes.
    """

    code = "FD205"
    needs = "a sample of at least 3 inputs on which the model runs"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        context.layer_records  # a model that cannot run on the sample is reported once
        sample = context.sample
        if sample.size < 3:
            raise Unsupported(f"the sample holds {sample.size} input(s); the test keeps two and changes the rest")
        first, second = _exchanged_batches(sample)
        for training in (False, True):
            try:
                if not _outputs_change(context.model, first, second, training):
                    continue
                # Each pass starts from the same global RNG state: Dropout on PyTorch draws
                # its masks from it, and different masks are not coupling.
                with rng.preserved():
                    before = record_layers(context.model, first.x, training=training)
                with rng.preserved():
                    after = record_layers(context.model, second.x, training=training)
            except ForwardPassError as failure:
                raise Unsupported(f"the model fails on a probe batch ({failure})") from failure
            mixing = _first_mixing(before, after, first.size)
            if mixing is None:
                continue
            record, change = mixing
            if training and _mixes_by_design(record.layer):
                return
            yield self._finding(record, change, first.size, training)
            return

    def _finding(self, record: LayerRecord, change: float, samples: int, training: bool) -> Finding:
        layer = record.layer
        mode = "training" if training else "inference"
        return Finding(
            self.code, Severity.ERROR,
            f"Layer '{layer.name}' ({type(layer).__name__}) makes each sample's output depend on "
            f"the rest of its batch",
            f"Two batches of {samples} samples that share their first and last samples and differ "
            f"in the others give a shared sample a different output of '{layer.name}' in {mode} "
            f"mode (relative change "
            f"{change:.3g}). The model learns a function of the batch rather than of each input, "
            f"gradients leak between samples, and predictions change with batch composition.",
            {"relative_change": change, "mode": mode, "samples": samples,
             "output_shape": list(record.output_leaves[0].shape) if record.output_leaves else None},
            {"layer": layer.name},
            Fix("Compute per-sample statistics (over feature axes), or use BatchNormalization",
                "keras.ops.mean(x, axis=-1, keepdims=True)  # not axis=0", "changes-intent"),
        )


def _exchanged_batches(sample: Batch) -> tuple[Batch, Batch]:
    """Two batches sharing their first and last samples. The other samples come from
    elsewhere in the sample when it is large enough, else they are the same samples altered,
    never merely permuted (a permutation leaves batch statistics unchanged and would hide the
    coupling)."""
    import keras

    size = min(BATCH, sample.size)
    if sample.size >= 2 * size - 2:
        other = sample.select(np.concatenate([[0], np.arange(size, 2 * size - 2), [size - 1]])).x
    else:
        other = keras.tree.map_structure(_altered, sample.take(size).x)
    return sample.take(size), Batch(other, None)


def _altered(array: Any) -> np.ndarray:
    array = np.array(array)
    if np.issubdtype(array.dtype, np.integer):
        low, high = int(array.min()), int(array.max())
        array[1:-1] = low + (array[1:-1] - low + 1) % (high - low + 1)
    elif np.issubdtype(array.dtype, np.floating):
        array[1:-1] = array[1:-1] * 1.5 + 0.5
    return array


def _outputs_change(model: Any, first: Batch, second: Batch, training: bool) -> bool:
    """Whether the shared samples' model outputs differ between the two batches by more than
    OUTPUT_TOLERANCE: two plain forward passes, a fraction of the cost of recording every
    layer's output (a 38M-parameter CNN: 0.12 s against 0.75 s), which is done only then.
    A layer's mixing that leaves no trace on the outputs changes neither the predictions nor
    the loss, so it leaks nothing into training."""
    import keras

    from fitdoctor.probes.loss import stateless_forward

    outputs = []
    for batch in (first, second):
        tensors = keras.tree.map_structure(keras.ops.convert_to_tensor, batch.x)
        try:
            with rng.preserved():
                predicted, _ = stateless_forward(model, [v.value for v in model.trainable_variables],
                                                 [v.value for v in model.non_trainable_variables],
                                                 tensors, training=training)
        except Exception as error:
            raise ForwardPassError(error, []) from error
        outputs.append([np.asarray(keras.ops.convert_to_numpy(leaf)) for leaf in keras.tree.flatten(predicted)])
    changes = [_change(a, b, first.size) for a, b in zip(*outputs)]
    return any(change is not None and change > OUTPUT_TOLERANCE for change in changes)


def _first_mixing(before: list[LayerRecord], after: list[LayerRecord],
                  size: int) -> tuple[LayerRecord, float] | None:
    for first, second in zip(before, after):
        for a, b in zip(first.output_leaves, second.output_leaves):
            change = _change(a, b, size)
            if change is not None and change > TOLERANCE:
                return first, change
    return None


def _change(a: np.ndarray, b: np.ndarray, size: int) -> float | None:
    """The largest change of the kept samples' values between the two batches, relative to
    the values' scale; None where there is nothing to compare."""
    if a.shape != b.shape or a.ndim == 0 or a.shape[0] != size or not np.issubdtype(a.dtype, np.floating):
        return None
    own, exchanged = a[list(KEPT)].astype(np.float64), b[list(KEPT)].astype(np.float64)
    finite = np.isfinite(own) & np.isfinite(exchanged)
    if not finite.any():
        return None
    whole = largest_magnitude(a) if np.isfinite(a).all() else float(np.abs(a[np.isfinite(a)]).max())
    scale = max(float(np.abs(own[finite]).max()), whole, 1e-12)
    return float(np.abs(own[finite] - exchanged[finite]).max()) / scale


def _mixes_by_design(layer: Any) -> bool:
    import keras

    return isinstance(layer, keras.layers.BatchNormalization)
