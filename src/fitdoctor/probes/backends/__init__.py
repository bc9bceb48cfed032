"""One small autodiff adapter per Keras backend: the only backend-specific code.

Each adapter offers `value_and_grad(fn, params)` and `hvp_function(fn)`, which returns
`hvp(params, vector)`, for a function `fn(list of backend tensors) -> scalar tensor`; all
take and return NumPy values.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def current() -> ModuleType:
    import keras

    return importlib.import_module(f"fitdoctor.probes.backends.{keras.backend.backend()}")
