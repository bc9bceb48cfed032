"""fitdoctor: why your Keras model does not train, with measured evidence and a fix.

`diagnose(model, x, y, ...)` checks a compiled model and its data before training;
`Monitor()` is a callback that watches a `fit()`; `fitdoctor run train.py` does both for an
unmodified script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Monitor", "Report", "diagnose", "__version__"]

if TYPE_CHECKING:
    from fitdoctor.capture import diagnose
    from fitdoctor.monitor import Monitor
    from fitdoctor.report.model import Report


def __getattr__(name: str) -> Any:
    # Importing Keras picks and loads a backend; `fitdoctor explain` should not pay for that.
    if name == "diagnose":
        from fitdoctor.capture import diagnose

        return diagnose
    if name == "Monitor":
        from fitdoctor.monitor import Monitor

        return Monitor
    if name == "Report":
        from fitdoctor.report.model import Report

        return Report
    raise AttributeError(f"module 'fitdoctor' has no attribute {name!r}")
