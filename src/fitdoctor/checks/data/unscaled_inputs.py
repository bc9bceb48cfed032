"""FD102 unscaled-inputs."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.model_graph import input_consumers
from fitdoctor.findings import Finding, Fix, Severity

# Default initialisers (Glorot, He) assume inputs of roughly unit scale; a feature whose
# root-mean-square exceeds this multiplies the first layer's pre-activations accordingly.
WARNING_RMS = 10.0

# Layers that take raw values by design (ids, or values they scale themselves).
_SCALE_AWARE = {
    "Embedding", "Normalization", "Rescaling", "Discretization", "CategoryEncoding", "Hashing",
    "IntegerLookup", "StringLookup", "TextVectorization", "BatchNormalization",
    "LayerNormalization", "GroupNormalization", "Lambda", "HashedCrossing",
}


def _reads_raw_values(layers: list[Any]) -> bool:
    return any(type(layer).__name__ in _SCALE_AWARE for layer in layers)


@register
class UnscaledInputs(Check):
    """
    What it detects:
        Numeric input features far from unit scale (root-mean-square above 10: raw 0..255
        pixels, integers 0..100, quantities in the thousands) that go straight into a layer
        with weights. Inputs read by an Embedding, a Normalization / Rescaling layer or
        another layer that scales them itself are not flagged.

    Why it breaks training:
        Default initialisers assume unit-scale inputs: a feature of scale 100 makes the first
        layer's pre-activations 100 times too large, saturating sigmoid/tanh units, and
        multiplies the loss curvature in those weights by 10,000, so a learning rate that
        suits the other weights diverges on these.

    Example:
        model.fit(images_uint8, labels)          # values 0..255

    Use instead:
        model.fit(images_uint8 / 255.0, labels)
        or norm = keras.layers.Normalization(); norm.adapt(x) as the first layer.

    Repair safety:
        safe: standardising inputs keeps what the model can represent.
    """

    code = "FD102"
    needs = "a sample of the inputs"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        import keras

        inputs = keras.tree.flatten(context.sample.x)
        consumers = input_consumers(context.model, context.layer_records)
        for index, x in enumerate(inputs):
            x = np.asarray(x)
            if not np.issubdtype(x.dtype, np.number) or x.ndim == 0:
                continue
            if index < len(consumers) and _reads_raw_values(consumers[index]):
                continue
            features = x.reshape(len(x), -1) if x.ndim <= 2 else x.reshape(-1, x.shape[-1])
            # Non-finite values are FD101's business; judge the scale of the finite ones.
            finite_values = np.isfinite(features)
            if finite_values.all():
                # Summed in float64 without a float64 copy (half a second on 100 images).
                rms = np.sqrt(np.einsum("ij,ij->j", features, features, dtype=np.float64) / len(features))
            else:
                features = np.where(finite_values, features, np.nan)
                with np.errstate(invalid="ignore"):
                    rms = np.nan_to_num(np.sqrt(np.nanmean(np.square(features, dtype=np.float64), axis=0)))
            worst = int(np.argmax(rms))
            if rms[worst] <= WARNING_RMS:
                continue
            column = features[:, worst]
            column = column[np.isfinite(column)]
            finite = features[np.isfinite(features)]
            is_pixels = bool(np.all(column >= 0) and finite.max() <= 255 and finite.max() > 10
                             and np.allclose(finite, np.round(finite)) and x.ndim >= 3)
            yield Finding(
                self.code, Severity.WARNING,
                f"Input {index} has features of scale {rms[worst]:.3g} (feature {worst}: "
                f"{column.min():.4g} to {column.max():.4g})",
                f"{int((rms > WARNING_RMS).sum())} of {rms.size} features have a root-mean-square "
                f"above {WARNING_RMS:g}. The first layer's default initialisation assumes unit "
                f"scale, so its pre-activations and the loss curvature in its weights grow with "
                f"the square of the input scale.",
                {"input": index, "feature": worst, "rms": float(rms[worst]),
                 "mean": float(column.mean()), "std": float(column.std()),
                 "min": float(column.min()), "max": float(column.max()),
                 "unscaled_features": int((rms > WARNING_RMS).sum()), "features": int(rms.size),
                 "samples": int(len(x))},
                {"input": index},
                Fix("Divide pixel values by 255" if is_pixels else
                    "Standardise the inputs inside the model",
                    "x = x / 255.0" if is_pixels else
                    "norm = keras.layers.Normalization()\nnorm.adapt(x_train)\n"
                    "outputs = first_layer(norm(inputs))", "safe"),
            )
