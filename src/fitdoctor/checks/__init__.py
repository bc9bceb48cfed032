"""The check registry: one module per check, grouped by family, registered under its code."""

from __future__ import annotations

from typing import TypeVar

from fitdoctor.checks.base import Check, Symptom
from fitdoctor.codes import CODES

REGISTRY: dict[str, Check | Symptom] = {}

_C = TypeVar("_C", bound=type)


def register(cls: _C) -> _C:
    if cls.code not in CODES:
        raise ValueError(f"{cls.__name__} uses {cls.code!r}, which is not in codes.py")
    if cls.code in REGISTRY:
        raise ValueError(f"{cls.code} is registered twice")
    REGISTRY[cls.code] = cls()
    return cls


def preflight_checks() -> list[Check]:
    return [c for c in REGISTRY.values() if isinstance(c, Check)]


def symptom_checks() -> list[Symptom]:
    return [c for c in REGISTRY.values() if isinstance(c, Symptom)]


def _load() -> None:
    # Importing a check module registers its check; the list is explicit so that a
    # newcomer sees every check in one place.
    from fitdoctor.checks.data import (  # noqa: F401
        batch_aliasing,
        biased_split,
        class_imbalance,
        label_encoding,
        no_label_signal,
        nonfinite_data,
        unscaled_inputs,
        unscaled_targets,
    )
    from fitdoctor.checks.optimisation import (  # noqa: F401
        bad_initialisation,
        exploding_gradients,
        lr_too_high,
        lr_too_low,
        vanishing_gradients,
    )
    from fitdoctor.checks.symptoms import (  # noqa: F401
        constant_predictions,
        loss_diverging,
        loss_nonfinite,
        loss_oscillating,
        loss_stalled,
        weights_frozen,
    )
    from fitdoctor.checks.wiring import (  # noqa: F401
        activation_loss_mismatch,
        batch_coupling,
        dead_units,
        disconnected_weights,
        loss_broadcast,
        output_range,
        shape_contract,
    )


_load()
