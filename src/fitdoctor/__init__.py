"""fitdoctor: why your Keras model does not train, with measured evidence and a fix.

`diagnose(model, x, y, ...)` checks a compiled model and its data before training;
`Monitor()` is a callback that watches a `fit()`; `fitdoctor run train.py` does both for an
unmodified script; `watch()` or `%load_ext fitdoctor` does it for every fit() of a notebook;
`repair(script)` searches for fixes of a script that are verified to train.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Monitor", "Report", "diagnose", "repair", "unwatch", "watch", "__version__"]

if TYPE_CHECKING:
    from fitdoctor.capture import diagnose
    from fitdoctor.monitor import Monitor
    from fitdoctor.notebook import unwatch, watch
    from fitdoctor.report.model import Report
    from fitdoctor.repairs import repair


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
    if name == "repair":
        from fitdoctor.repairs import repair

        return repair
    if name in ("watch", "unwatch"):
        from fitdoctor import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'fitdoctor' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext fitdoctor`: diagnose every fit() of the notebook (fitdoctor.notebook)."""
    from fitdoctor.notebook import load_ipython_extension

    load_ipython_extension(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from fitdoctor.notebook import unload_ipython_extension

    unload_ipython_extension(ipython)
