"""One small autodiff adapter per Keras backend: the only backend-specific code.

Each adapter offers `value_and_grad(fn, params)`, `gradient_pass(fn, params)` (the same pass,
waited for and dropped, for timing) and `hvp_function(fn)`, which returns `hvp(params, vector)`, for a function `fn(list of backend tensors) -> scalar tensor`;
`repeated_value_and_grad(fn)`, which returns `call(params, batch)` for a gradient of
`fn(params, batch)` taken again and again on the same shapes (compiled where that pays); and
`train_step(fn, optimizer, variables)`, a compiled optimizer step of `fn(params, batch)`
on copies of the weights; all take and return NumPy values (batches: backend tensors).
"""

from __future__ import annotations

import importlib
import weakref
from types import ModuleType
from typing import Any, Callable, Sequence

import numpy as np


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


def converted_once(convert: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], Any]:
    """`convert` (a host array to an immutable backend tensor) made once per host array and
    kept while the array lives: pre-flight's probes pass the same host copy of the weights
    again and again, and on a 38M-parameter model each conversion copies 154 MB (0.04-0.2 s
    on TensorFlow, 0.15 s on JAX). Host copies of weights are never written in place."""
    tensors: dict[int, tuple[weakref.ref, Any]] = {}

    def converted(array: np.ndarray) -> Any:
        key = id(array)
        held = tensors.get(key)
        if held is not None and held[0]() is array:
            return held[1]
        tensor = convert(array)
        try:
            reference = weakref.ref(array, lambda _, key=key: tensors.pop(key, None))
        except TypeError:  # not an ndarray (a scalar): cheap to convert each time
            return tensor
        tensors[key] = (reference, tensor)
        return tensor

    return converted
