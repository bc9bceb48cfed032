"""One small autodiff adapter per Keras backend: the only backend-specific code.

Each adapter offers `value_and_grad(fn, params)` and `hvp_function(fn)`, which returns
`hvp(params, vector)`, for a function `fn(list of backend tensors) -> scalar tensor`;
`repeated_value_and_grad(fn)`, which returns `call(params, batch)` for a gradient of
`fn(params, batch)` taken again and again on the same shapes (compiled where that pays); and
`train_step(fn, optimizer, variables)`, a compiled optimizer step of `fn(params, batch)`
on copies of the weights; all take and return NumPy values (batches: backend tensors).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Callable, Sequence


def current() -> ModuleType:
    import keras

    return importlib.import_module(f"fitdoctor.probes.backends.{keras.backend.backend()}")


def eager_repeated(value_and_grad: Callable) -> Callable:
    """`repeated_value_and_grad` for an eager adapter: nothing to compile, so each call is its
    `value_and_grad` of `fn(params, batch)` with the batch bound."""

    def repeated_value_and_grad(fn: Callable) -> Callable[[Sequence, Any], tuple]:
        def call(params: Sequence, batch: Any) -> tuple:
            return value_and_grad(lambda tensors: fn(tensors, batch), params)

        return call

    return repeated_value_and_grad
